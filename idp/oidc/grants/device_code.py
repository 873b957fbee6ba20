"""RFC 8628 on Authlib: the device authorization endpoint (§3.1-3.2) and the device code
grant at the token endpoint (§3.4-3.5), with our storage (``idp.oidc.device``).

Authlib answers the protocol; these subclasses add: the client must be registered for the grant
(``unauthorized_client``), the scope is the client's allowed part of what it asked, user codes
from ``user_codes``, the lifetime and interval from the settings, and a device code that gives
tokens, or ``access_denied``, once.
"""

from __future__ import annotations

from authlib.consts import default_json_headers
from authlib.oauth2.rfc6749.errors import (
    AccessDeniedError,
    InvalidGrantError,
    InvalidScopeError,
    UnauthorizedClientError,
)
from authlib.oauth2.rfc8628 import (
    DEVICE_CODE_GRANT_TYPE,
    AuthorizationPendingError,
    DeviceAuthorizationEndpoint,
    DeviceCodeGrant,
    ExpiredTokenError,
    SlowDownError,
)

from idp.oidc.audit_actor import actor
from idp.oidc.device import device_requests, review
from idp.oidc.device.device_requests import DeviceRequest, Status
from idp.oidc.device.user_codes import shown
from idp.oidc.end_user import EndUser
from idp.oidc.grants.client_auth import TOKEN_AUTH_METHODS

VERIFICATION_PATH = "/device"


class DeviceAuthorization(DeviceAuthorizationEndpoint):
    """POST /device_authorization: confidential clients authenticate as at /token, public
    clients name themselves (RFC 8628 §3.1)."""

    CLIENT_AUTH_METHODS = TOKEN_AUTH_METHODS

    def create_endpoint_response(self, request):
        client = self.authenticate_client(request)
        if not client.check_grant_type(DEVICE_CODE_GRANT_TYPE):
            raise UnauthorizedClientError(
                description="The client is not registered for the device code grant.")
        services = self.server.services
        # Only what the client may have; none asked for: openid (an ID token, RFC 8628 §3.1
        # leaves the default to the server).
        scope = client.get_allowed_scope(request.payload.scope or "openid")
        if not scope:  # nothing it asked for is allowed to it (RFC 6749 §5.2)
            raise InvalidScopeError(description="None of the requested scopes is allowed to "
                                                "this client.")
        created, device_code = device_requests.create(
            services.store, client.client_id, scope, services.settings.device_code_seconds,
            services.settings.device_poll_interval_seconds)
        uri = services.settings.issuer + VERIFICATION_PATH
        data = {
            "device_code": device_code,
            "user_code": shown(created.user_code),
            "verification_uri": uri,
            "verification_uri_complete": f"{uri}?user_code={shown(created.user_code)}",
            "expires_in": services.settings.device_code_seconds,
            "interval": created.interval,
        }
        review.audit_start(services, actor(), created)
        return 200, data, default_json_headers


class DeviceCode(DeviceCodeGrant):
    """grant_type=urn:ietf:params:oauth:grant-type:device_code at /token."""

    TOKEN_ENDPOINT_AUTH_METHODS = TOKEN_AUTH_METHODS

    def query_device_credential(self, device_code: str):
        request = device_requests.by_device_code(self.server.services.store, device_code)
        if request is None:
            # Unknown, already used, or long expired (RFC 6749 §5.2).
            raise InvalidGrantError(description="The device code is not valid.")
        return _Credential(request)

    def validate_device_credential(self, credential: _Credential) -> EndUser:
        request, store = credential.request, self.server.services.store
        if request.expired:
            raise ExpiredTokenError()
        if request.status == Status.PENDING:
            if device_requests.polled_too_soon(store, request):
                raise SlowDownError()
            raise AuthorizationPendingError()
        answered = device_requests.take_answered(store, request.id)
        if answered is None:  # a concurrent poll took it first
            raise InvalidGrantError(description="The device code is not valid.")
        if answered.status != Status.APPROVED or not answered.user:
            raise AccessDeniedError()
        return EndUser(**answered.user)

    def query_user_grant(self, user_code: str):  # pragma: no cover - replaced above
        raise NotImplementedError

    def should_slow_down(self, credential) -> bool:  # pragma: no cover - replaced above
        raise NotImplementedError


class _Credential:
    """Authlib's ``DeviceCredentialMixin`` over our Store record."""

    def __init__(self, request: DeviceRequest) -> None:
        self.request = request

    def get_client_id(self) -> str:
        return self.request.client_id

    def get_scope(self) -> str:
        return self.request.scope

    def get_user_code(self) -> str:
        return self.request.user_code

    def is_expired(self) -> bool:
        return self.request.expired
