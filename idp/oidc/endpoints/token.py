"""The token endpoint (RFC 6749 §3.2), POST ``/token``: Authlib runs the grants wired in
``server.py``."""

from idp.oidc.server import oidc_server
from idp.web import csrf


@csrf.exempt  # authenticated by client credentials, not a browser form
def token():
    # Authlib's responses carry Cache-Control: no-store (RFC 6749 §5.1).
    return oidc_server().create_token_response()
