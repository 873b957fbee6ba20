"""RFC 9126 pushed authorization requests: the client POSTs the parameters (authenticated as
at the token endpoint) and gets a single-use ``request_uri`` valid for 60 seconds."""

from __future__ import annotations

from flask import jsonify, request

from idp.oidc.authorization import pushed_requests
from idp.oidc.authorization.decisions import consent_grant
from idp.oidc.endpoints.authorization_http import params_of
from idp.oidc.errors import InvalidRequestError, OAuth2Error
from idp.oidc.grants.client_auth import TOKEN_AUTH_METHODS
from idp.oidc.server import oidc_server
from idp.web import csrf

# Client authentication parameters are not part of the authorization request.
_AUTH_PARAMS = ("client_secret", "client_assertion", "client_assertion_type")


@csrf.exempt
def pushed_authorization_request():
    server = oidc_server()
    oauth_request = server.create_oauth2_request(None)
    try:
        client = server.authenticate_client(oauth_request, TOKEN_AUTH_METHODS, "token")
        params = {k: v for k, v in params_of(request.form).items() if k not in _AUTH_PARAMS}
        if "request_uri" in params:  # RFC 9126 §2.1
            raise InvalidRequestError("request_uri is not allowed in a pushed request.")
        if params.get("client_id", [client.client_id]) != [client.client_id]:
            raise InvalidRequestError("client_id does not match the authenticated client.")
        params["client_id"] = [client.client_id]
        consent_grant(server, params)  # validate now (§2.1)
        if "request" in params:
            raise InvalidRequestError("Request objects are not supported.")
    except OAuth2Error as error:
        error.redirect_uri = None  # RFC 9126 §2.3: errors are JSON, never redirects
        return server.handle_error_response(oauth_request, error)
    request_uri = pushed_requests.push(server.services.store, client.client_id, params)
    response = jsonify({"request_uri": request_uri, "expires_in": pushed_requests.PAR_TTL})
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"
    return response
