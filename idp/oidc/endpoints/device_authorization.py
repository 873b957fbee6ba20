"""POST /device_authorization (RFC 8628 §3.1): a terminal or TV asks for a device code and a
user code; Authlib answers (``idp.oidc.grants.device_code``), errors as RFC 6749 §5.2 JSON."""

from __future__ import annotations

from idp.oidc.grants.device_code import DeviceAuthorization
from idp.oidc.server import oidc_server
from idp.web import csrf


@csrf.exempt  # a protocol request from the device, authenticated as at /token
def device_authorization():
    return oidc_server().create_endpoint_response(DeviceAuthorization.ENDPOINT_NAME)
