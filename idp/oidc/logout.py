"""RP-initiated logout (OIDC RP-Initiated Logout 1.0) on Authlib's ``EndSessionEndpoint``.

The session ends at once only when a valid ``id_token_hint`` names it: the subject this client
knows for the session's account (pairwise included) and, when the hint has one, the session's
``sid``. Otherwise the person confirms on a plain CSRF-protected form first (§6: a hint-less
request, or an ID token of someone else, could be a forged logout). Ending the session runs
the back-channel listener; the page that loads the front-channel iframes then continues by
itself to the registered ``post_logout_redirect_uri`` (with ``state``), §3.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from authlib.common.urls import add_params_to_uri
from authlib.oidc.rpinitiated import EndSessionEndpoint
from flask import make_response, redirect, render_template, request

from idp.oidc.authorization import ID_TOKEN_ALGS
from idp.oidc.blueprint import bp
from idp.oidc.end_user import subject
from idp.oidc.errors import InvalidRequestError, OAuth2Error
from idp.oidc.server import actor, oidc_server
from idp.services import Services, services
from idp.sso.logout import FRONTCHANNEL_WAIT_MS, end_session, frontchannel_urls
from idp.sso.session import SsoSession
from idp.web import csrf
from idp.web.errors import render_error
from idp.web.headers import allow_frames
from idp.web.sso_cookie import clear_session_cookie, current_session


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

    def _validate_id_token_hint(self, id_token_hint: str) -> dict:
        # Authlib quotes the token's kid in its error description, then refuses (ValueError) to
        # build an error holding characters outside RFC 6749 §5.2's set: still a bad hint.
        try:
            return super()._validate_id_token_hint(id_token_hint)
        except ValueError as exc:
            raise InvalidRequestError("id_token_hint is not a valid ID token.") from exc


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
    current = current_session()
    if req.needs_confirmation or (current is not None and not hint_names_session(
            services(), req.id_token_claims, req.client, current[1])):
        return _confirm(req, current is not None)
    client_id = req.client.client_id if req.client else None
    return _end_and_leave(client_id, req.redirect_uri)


@bp.post("/session/end/confirm")
def logout_confirmed():
    client_id = request.form.get("client_id") or None
    return _end_and_leave(client_id, _confirmed_redirect(client_id, request.form))


def _confirm(req, signed_in: bool):
    """The confirmation form. When the request was good enough to redirect (a valid hint and
    a registered URI), the form carries the URI and ``state`` on, checked again on POST."""
    data = req.request.payload.data
    follow = {"post_logout_redirect_uri": data.get("post_logout_redirect_uri"),
              "state": data.get("state") or ""} if req.redirect_uri else None
    return render_template("oidc/logout_confirm.html", client=req.client, current=signed_in,
                           follow=follow, other_account=req.id_token_claims is not None)


def _confirmed_redirect(client_id: str | None, form: Mapping[str, str]) -> str | None:
    """§3: only a URI registered for the client, with the request's ``state``."""
    uri = form.get("post_logout_redirect_uri")
    client = oidc_server().query_client(client_id) if client_id and uri else None
    if client is None or not client.check_post_logout_redirect_uri(uri):
        return None
    state = form.get("state")
    return add_params_to_uri(uri, {"state": state}) if state else uri


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
