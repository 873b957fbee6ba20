"""OIDC errors, named after their protocol codes (Authlib's classes, re-exported in one place).

Each carries the code (``error``), a public ``description`` and, once the redirect URI has been
validated, the ``redirect_uri`` to answer on (RFC 6749 §4.1.2.1). An error without
``redirect_uri`` is shown as an HTML page and never redirected.
"""

from authlib.oauth2.rfc6749 import (
    AccessDeniedError,
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    OAuth2Error,
)
from authlib.oidc.core.errors import (
    AccountSelectionRequiredError,
    ConsentRequiredError,
    InteractionRequiredError,
    InvalidRequestURIError,
    LoginRequiredError,
    RequestNotSupportedError,
    RequestURINotSupportedError,
)

__all__ = [
    "AccessDeniedError",
    "AccountSelectionRequiredError",
    "ConsentRequiredError",
    "InteractionRequiredError",
    "InvalidClientError",
    "InvalidGrantError",
    "InvalidRequestError",
    "InvalidRequestURIError",
    "LoginRequiredError",
    "OAuth2Error",
    "RequestNotSupportedError",
    "RequestURINotSupportedError",
]
