"""GET/POST /logout: the portal's logout (also the account page's button).

GET only asks (a link must not log anyone out: a cross-site <img> could); the form POSTs with
its CSRF token. Before the session ends we collect the front-channel logout URLs of the sites
it signed in to (signed SAML LogoutRequests for SPs without a SOAP endpoint, SAML Profiles
§4.4.3.1; OIDC Front-Channel Logout 1.0 §3 URIs) since ending it forgets them; the back-channel
ones are told by the end listeners. The "已退出" page loads them in hidden iframes and lists the
sites by name.
"""

from __future__ import annotations

from flask import make_response, render_template

from clients.saml.registry import get_sp
from idp.services import Services, services
from idp.sso.logout import end_session, frontchannel_urls
from idp.sso.session import SsoSession
from idp.web.auth.blueprints import bp
from idp.web.auth.login_flow import actor
from idp.web.headers import allow_frames
from idp.web.sso_cookie import clear_session_cookie, current_session


@bp.get("/logout")
def logout_confirm():
    current = current_session()
    return render_template("auth/logout_confirm.html",
                           signed_in_as=current[1].username if current else None)


@bp.post("/logout")
def logout():
    current = current_session()
    frames: list[str] = []
    sites: list[str] = []
    if current is not None:
        svc = services()
        sites = site_names(svc, current[1])
        frames = frontchannel_urls(svc, current[1])
        end_session(svc, token=current[0], actor=actor(), initiator="user")
    response = make_response(render_template("auth/logged_out.html", frames=frames, sites=sites))
    if frames:  # this page only: the sites' origins may be framed (headers.py keeps the rest)
        allow_frames(response, frames)
    clear_session_cookie(response)
    return response


def site_names(svc: Services, session: SsoSession) -> list[str]:
    """What the person sees being signed out: the name each site registered with."""
    names = []
    for key, held in session.participants.items():
        name = held.get("name") if isinstance(held, dict) else None
        if name is None and key.startswith("saml:"):
            sp = get_sp(svc, key[len("saml:"):])
            name = sp.name if sp is not None else None
        names.append(name or key.split(":", 1)[-1])
    return names

