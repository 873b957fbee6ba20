"""The grant types a client may be registered for (RFC 7591 ``grant_types``).

No implicit and no password grant (RFC 9700 §2.1.2, §2.4). The device code grant (RFC 8628)
is for terminals and TVs without a browser of their own; a person approves it at ``/device``.
"""

from __future__ import annotations

DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"  # RFC 8628 §3.4
GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials", DEVICE_CODE)
# Grants in which a person signs in (so an ID token, and the openid scope, make sense).
PERSON_GRANTS = ("authorization_code", DEVICE_CODE)
