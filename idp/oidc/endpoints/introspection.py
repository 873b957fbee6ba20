"""RFC 7662 token introspection, POST ``/introspect``: Authlib's endpoint with our lookup
(``idp.oidc.authlib_endpoints.Introspection``)."""

from __future__ import annotations

from idp.oidc.authlib_endpoints import Introspection
from idp.oidc.server import oidc_server
from idp.web import csrf


@csrf.exempt  # authenticated by client credentials, not a browser form
def introspect():
    return oidc_server().create_endpoint_response(Introspection.ENDPOINT_NAME)
