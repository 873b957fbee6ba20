"""RFC 7009 token revocation, POST ``/revoke``: Authlib's endpoint with our storage
(``idp.oidc.authlib_endpoints.Revocation``)."""

from __future__ import annotations

from idp.oidc.authlib_endpoints import Revocation
from idp.oidc.server import oidc_server
from idp.web import csrf


@csrf.exempt  # authenticated by client credentials, not a browser form
def revoke():
    return oidc_server().create_endpoint_response(Revocation.ENDPOINT_NAME)
