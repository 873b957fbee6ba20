"""What the authorization endpoint's decisions end in: an ``Outcome`` the view turns into a
response (``idp.oidc.endpoints.authorization_http.render``)."""

from __future__ import annotations

from dataclasses import dataclass

# What every page says when the authorization request it belongs to is missing, unknown or
# timed out (consent, account chooser, return from login).
EXPIRED = "授权请求已过期，请返回应用重新登录。 The request expired; start again."


@dataclass(frozen=True)
class Respond:
    """Answer the client at its validated redirect URI (success or error)."""

    redirect_uri: str
    params: list[tuple[str, str]]
    mode: str


@dataclass(frozen=True)
class ShowError:
    """An HTML error page: the client or redirect URI cannot be trusted (RFC 6749 §4.1.2.1)."""

    description: str


@dataclass(frozen=True)
class GoLogin:
    """Send the browser to the login pages with this ``LoginRequest`` (``idp.sso``)."""

    login_id: str


@dataclass(frozen=True)
class AskConsent:
    """Show the consent page for the kept request."""

    pending_id: str


@dataclass(frozen=True)
class ChooseAccount:
    """prompt=select_account with a session: continue as its person, or use another."""

    pending_id: str


Outcome = Respond | ShowError | GoLogin | AskConsent | ChooseAccount
