"""OIDC Front-Channel Logout 1.0 §2-3: the logout URIs the logout page loads in iframes."""

from __future__ import annotations

from urllib.parse import urlencode

from idp.oidc.logout.participants import participants
from idp.services import Services
from idp.sso.session import SsoSession


def frontchannel_urls(services: Services, session: SsoSession) -> list[str]:
    """Each client's logout URI, with iss and sid when the client asked for them."""
    urls = []
    for client in participants(services, session):
        uri = client.frontchannel_logout_uri
        if not uri:
            continue
        if client.frontchannel_logout_session_required:
            query = urlencode({"iss": services.settings.issuer, "sid": session.sid})
            uri += ("&" if "?" in uri else "?") + query
        urls.append(uri)
    return urls
