"""The JSON shape of RFC 7591 client metadata: types, lengths and ranges, checked at the edge.

``/connect/register`` (RFC 7591 §3, RFC 7592 §2.2) checks a body against ``METADATA`` before
``clients.validation`` sees it, so a value of the wrong type (``"client_secret": 123``) is an
``invalid_client_metadata`` answer, not an exception deep in a service. The meaning of each
value (which grant types, which URIs) stays ``clients.validation``'s.
"""

from __future__ import annotations

from typing import Any

from idp.json_body import array, line

URI = line(2000, nullable=True)
_URIS = array(line(2000), 20, nullable=True)
_NAME = line(64, nullable=True)
_FLAG = {"type": ["boolean", "null"]}

METADATA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "redirect_uris": _URIS,
        "post_logout_redirect_uris": _URIS,
        "token_endpoint_auth_method": _NAME,
        "grant_types": array(line(64), 10, nullable=True),
        "response_types": array(line(64), 10, nullable=True),
        "application_type": _NAME,
        "subject_type": _NAME,
        "client_name": line(200, nullable=True),
        "scope": line(1000, nullable=True),
        "contacts": array(line(320), 20, nullable=True),
        **{name: URI for name in (
            "client_uri", "logo_uri", "policy_uri", "tos_uri", "initiate_login_uri", "jwks_uri",
            "sector_identifier_uri", "backchannel_logout_uri", "frontchannel_logout_uri")},
        "jwks": {"type": ["object", "null"]},
        "software_id": line(200, nullable=True),
        "software_version": line(200, nullable=True),
        "id_token_signed_response_alg": _NAME,
        "userinfo_signed_response_alg": _NAME,
        "default_max_age": {"type": ["integer", "null"], "minimum": 0, "maximum": 10**9},
        "require_auth_time": _FLAG,
        "backchannel_logout_session_required": _FLAG,
        "frontchannel_logout_session_required": _FLAG,
        # RFC 7592 §2.2: an update names the client and may carry its current secret.
        "client_id": line(64, nullable=True),
        "client_secret": line(256, nullable=True),
    },
    # RFC 7591 §2: "the authorization server MUST ignore any client metadata sent by the
    # client that it does not understand" (the control-character check still covers them).
    "additionalProperties": True,
}
