"""SAML errors, named after what the relying party is told (SAML Core §3.2.2.2).

``description`` is public (shown on the error page or sent as StatusMessage); ``detail`` is
for the audit log only.
"""

from __future__ import annotations

from idp.saml import constants as c


class SamlError(Exception):
    """A request we refuse. ``status`` (+ ``substatus``) go to the SP in a Response."""

    status = c.REQUESTER
    substatus: str | None = None

    def __init__(self, description: str, detail: str | None = None) -> None:
        super().__init__(description)
        self.description = description
        self.detail = detail or description


class MalformedMessage(SamlError):
    """Not a well-formed, acceptable SAML message: nobody to answer, so an error page."""


class UnknownServiceProvider(SamlError):
    """The Issuer is not a registered, enabled SP: an error page, never a redirect."""


class BadEndpoint(SamlError):
    """ACS URL/index or binding not in the SP's metadata: an error page (never post there)."""


class RequestDenied(SamlError):
    substatus = c.REQUEST_DENIED


class SignatureRefused(RequestDenied):
    """Signature missing where required, or not verifiable with the SP's metadata keys."""


class VersionMismatch(SamlError):
    status = c.VERSION_MISMATCH


class InvalidNameIdPolicy(SamlError):
    substatus = c.INVALID_NAMEID_POLICY


class NoAuthnContext(SamlError):
    substatus = c.NO_AUTHN_CONTEXT


class NoPassive(SamlError):
    substatus = c.NO_PASSIVE


class AuthnFailed(SamlError):
    status = c.RESPONDER
    substatus = c.AUTHN_FAILED
