"""RP-initiated logout (OIDC RP-Initiated Logout 1.0): ``/session/end`` and its confirmation.

The session ends at once only when a valid ``id_token_hint`` names it
(``idp.oidc.logout.rp_initiated``). Otherwise the person confirms on a plain CSRF-protected
form first (§6: a hint-less request, or an ID token of someone else, could be a forged logout).
Ending the session runs the back-channel listener; the page that loads the front-channel
iframes then continues by itself to the registered ``post_logout_redirect_uri`` (with
``state``), §3. Authlib validates the request (``idp.oidc.authlib_endpoints.EndSession``).
"""

from __future__ import annotations

from flask import make_response, redirect, render_template, request

from idp.oidc.audit_actor import actor
from idp.oidc.authlib_endpoints import EndSession
from idp.oidc.errors import OAuth2Error
from idp.oidc.logout.rp_initiated import confirmed_redirect, hint_names_session
from idp.oidc.server import oidc_server
from idp.services import services
from idp.sso.logout import FRONTCHANNEL_WAIT_MS, end_session, frontchannel_urls
from idp.web import csrf
from idp.web.errors import render_error
from idp.web.headers import allow_frames
from idp.web.sso_cookie import clear_session_cookie, current_session


@csrf.exempt  # RPs may POST the logout request (§2); confirmations go to /session/end/confirm
def logout():
    server = oidc_server()
    try:
        req = server.validate_endpoint_request(EndSession.ENDPOINT_NAME)
    except OAuth2Error as error:
        return render_error(400, error.description)
    current = current_session()
    if req.needs_confirmation or (current is not None and not hint_names_session(
            services(), req.id_token_claims, req.client, current[1])):
        return _confirm(req, current is not None)
    client_id = req.client.client_id if req.client else None
    return _end_and_leave(client_id, req.redirect_uri)


def logout_confirmed():
    client_id = request.form.get("client_id") or None
    uri = request.form.get("post_logout_redirect_uri")
    client = oidc_server().query_client(client_id) if client_id and uri else None
    return _end_and_leave(client_id, confirmed_redirect(client, uri, request.form.get("state")))


def _confirm(req, signed_in: bool):
    """The confirmation form. When the request was good enough to redirect (a valid hint and
    a registered URI), the form carries the URI and ``state`` on, checked again on POST."""
    data = req.request.payload.data
    follow = {"post_logout_redirect_uri": data.get("post_logout_redirect_uri"),
              "state": data.get("state") or ""} if req.redirect_uri else None
    return render_template("oidc/logout_confirm.html", client=req.client, current=signed_in,
                           follow=follow, other_account=req.id_token_claims is not None)


def _end_and_leave(client_id: str | None, redirect_uri: str | None):
    current = current_session()
    frames: list[str] = []
    if current is not None:
        token, session = current
        frames = frontchannel_urls(services(), session)
        end_session(services(), token=token, actor=actor(), initiator="rp", client_id=client_id)
    if frames:
        response = allow_frames(make_response(render_template(
            "logout/frames.html", frames=frames, next_url=redirect_uri,
            wait_ms=FRONTCHANNEL_WAIT_MS)), frames)
    elif redirect_uri:
        response = redirect(redirect_uri, code=303)
    else:
        response = make_response(render_template("oidc/logged_out.html"))
    clear_session_cookie(response)
    return response
