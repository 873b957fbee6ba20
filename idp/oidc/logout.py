"""RP-initiated logout (OIDC RP-Initiated Logout 1.0) on Authlib's ``EndSessionEndpoint``.

With a valid ``id_token_hint`` the session ends at once; without one the person confirms on a
plain form first (§6: a hint-less request could be a forged logout). Ending the session runs
the back-channel listener; the logged-out page carries the front-channel iframes, then goes to
the registered ``post_logout_redirect_uri`` (with ``state``) when there is one.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from authlib.oidc.rpinitiated import EndSessionEndpoint
from flask import make_response, redirect, render_template, request

from idp.oidc.authorization import ID_TOKEN_ALGS
from idp.oidc.backchannel import frontchannel_urls
from idp.oidc.blueprint import bp
from idp.oidc.errors import OAuth2Error
from idp.oidc.server import actor, oidc_server
from idp.services import services
from idp.sso.logout import end_session
from idp.sso.web import clear_session_cookie, current_session
from idp.web import csrf
from idp.web.errors import render_error


class EndSession(EndSessionEndpoint):
    def get_server_jwks(self) -> dict:
        return self.server.services.signing_keys.jwks()

    def get_algorithms(self) -> list[str]:
        return ID_TOKEN_ALGS

    def _is_valid_post_logout_redirect_uri(self, client, post_logout_redirect_uri) -> bool:
        # Our clients keep their URIs in a column, not Authlib's client_metadata.
        return client.check_post_logout_redirect_uri(post_logout_redirect_uri)

    def end_session(self, end_session_request) -> None:
        """The view ends the session itself (it needs the cookie and renders the page)."""


# The end_session_endpoint is /session/end (as node oidc-provider's): the portal's own
# POST /logout form belongs to the login pages. GET /logout is an alias for relying parties
# configured by hand.
@bp.route("/session/end", methods=["GET", "POST"])
@bp.get("/logout")
@csrf.exempt  # RPs may POST the logout request (§2); confirmations go to /session/end/confirm
def logout():
    server = oidc_server()
    try:
        req = server.validate_endpoint_request(EndSession.ENDPOINT_NAME)
    except OAuth2Error as error:
        return render_error(400, error.description)
    if req.needs_confirmation:
        return render_template("oidc/logout_confirm.html",
                               client=req.client, current=current_session() is not None)
    client_id = req.client.client_id if req.client else None
    return _end_and_leave(client_id, req.redirect_uri)


@bp.post("/session/end/confirm")
def logout_confirmed():
    return _end_and_leave(request.form.get("client_id") or None, None)


def _end_and_leave(client_id: str | None, redirect_uri: str | None):
    current = current_session()
    frames: list[str] = []
    if current is not None:
        token, session = current
        frames = frontchannel_urls(services(), session)
        end_session(services(), token=token, actor=actor(), initiator="rp", client_id=client_id)
    if frames:
        response = make_response(render_template(
            "oidc/logged_out.html", frames=frames, redirect_uri=redirect_uri))
        origins = " ".join(sorted({_origin(u) for u in frames}))
        response.headers["Content-Security-Policy"] = (
            f"default-src 'self'; frame-src {origins}; style-src 'self'; "
            "frame-ancestors 'none'; base-uri 'none'")
    elif redirect_uri:
        response = redirect(redirect_uri, code=303)
    else:
        response = make_response(render_template("oidc/logged_out.html", frames=[],
                                                 redirect_uri=None))
    clear_session_cookie(response)
    return response


def _origin(uri: str) -> str:
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}"
