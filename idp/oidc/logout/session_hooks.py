"""What the OIDC provider adds to every SSO session, installed once per app by the factory:
back-channel logout when a session ends, its clients' front-channel logout URIs for the logout
page, and the "my account" revoker of one signed-in site."""

from __future__ import annotations

from idp.oidc.logout import backchannel, frontchannel
from idp.services import Services


def install(services: Services) -> None:
    sessions = services.sessions
    if not any(getattr(f, "oidc_backchannel", False) for f in sessions.end_listeners):
        sessions.end_listeners.append(backchannel.listener(services))
    # OIDC Front-Channel Logout 1.0 §3: the logout page loads these clients' logout URIs.
    sessions.frontchannel_sources["oidc"] = (
        lambda session: frontchannel.frontchannel_urls(services, session))
    # "My account" -> revoke one signed-in site: end that client's tokens and its session.
    if not any(getattr(f, "oidc_site_revoker", False) for f in sessions.participant_revokers):
        sessions.participant_revokers.append(backchannel.site_revoker(services))
