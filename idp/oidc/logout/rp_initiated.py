"""OIDC RP-Initiated Logout 1.0, the decisions: whether an ``id_token_hint`` names the
browser's session (§2), and where a confirmed logout may return (§3).

Authlib's ``EndSessionEndpoint`` validates the request (``idp.oidc.authlib_endpoints``); the
view (``idp.oidc.endpoints.end_session``) ends the session at once only when the hint names
it, and otherwise asks the person first (§6: a hint-less request, or an ID token of someone
else, could be a forged logout).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from authlib.common.urls import add_params_to_uri

from idp.oidc.end_user import subject
from idp.services import Services
from idp.sso.session import SsoSession


def hint_names_session(services: Services, claims: Mapping[str, Any] | None, client: Any,
                       session: SsoSession) -> bool:
    """Whether a verified ``id_token_hint`` was issued to this very session's account (§2:
    the hint says who the RP thinks is logged in). ``sub`` is compared with the subject the
    client was given (pairwise clients never see the account id); a ``sid`` must be the
    session's. Without a client (several audiences) only a matching ``sid`` can tell."""
    if claims is None:
        return False
    sid = claims.get("sid")
    if sid is not None and sid != session.sid:
        return False
    if client is None:
        return sid is not None
    return claims.get("sub") == subject(services, client, session.account_id)


def confirmed_redirect(client: Any, uri: str | None, state: str | None) -> str | None:
    """§3: after the confirmation form, only a URI registered for the client, with the
    request's ``state``; None (our own "logged out" page) otherwise."""
    if client is None or not uri or not client.check_post_logout_redirect_uri(uri):
        return None
    return add_params_to_uri(uri, {"state": state}) if state else uri
