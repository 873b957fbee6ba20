"""The SAML endpoints: thin views over ``sso``, ``slo`` and ``metadata``."""

from __future__ import annotations

from flask import Blueprint, Response, make_response, redirect, render_template, request

from idp.audit import Actor
from idp.saml import logout_listener, slo, sso
from idp.saml.answers import Answer
from idp.saml.bindings import from_post, from_redirect
from idp.saml.errors import SamlError
from idp.saml.metadata import CACHE_SECONDS, idp_metadata
from idp.saml.post_page import post_page
from idp.saml.sso_front import SamlSsoFront, actor_of, decided_answer
from idp.services import services
from idp.sso.logout import FRONTCHANNEL_WAIT_MS
from idp.web import csrf
from idp.web.headers import allow_frames
from idp.web.i18n import t
from idp.web.lean_session import skip_sessions
from idp.web.sso_cookie import clear_session_cookie, current_session

bp = Blueprint("saml", __name__, url_prefix="/saml")
SESSIONLESS_PATHS = ("/saml/sso", "/saml/idp-initiated")


@bp.record_once
def _install(state) -> None:
    # Sessions ended anywhere (portal, OIDC, admin) log the person out of SAML SPs too.
    svc = state.app.extensions["yiwang"]
    svc.sessions.end_listeners.append(logout_listener.listener(svc))
    svc.sessions.participant_revokers.append(logout_listener.revoker(svc))
    # SPs without a SOAP endpoint are told through the logout page's iframes.
    svc.sessions.frontchannel_sources["saml"] = (
        lambda session: logout_listener.frontchannel_urls(svc, session))
    # The SP's requests use the SSO cookie, never Flask's cookie session: opening that (a
    # serializer built, the cookie read) and saving it cost ~40 µs, 2-3% of a signed response
    # (issue 16). Flashed messages wait for the next portal page instead of an auto-submit
    # page nobody reads; /saml/resume, right after the login page, keeps its session.
    skip_sessions(state.app, SESSIONLESS_PATHS)
    # Their GETs, the SSO answers SPs ask for most, are decided before Flask (sso_front).
    state.app.wsgi_app = SamlSsoFront(state.app.wsgi_app, state.app)


def actor() -> Actor:
    return actor_of(request.environ)


def render(answer: Answer):
    response = make_response(_render(answer))
    if answer.clear_session:
        clear_session_cookie(response)
    return response


def _render(answer: Answer):
    if answer.frames and answer.kind in ("post", "redirect", "page"):
        return _with_frames(answer)
    if answer.kind == "post":
        return post_page(answer.url, answer.fields)
    if answer.kind == "redirect":
        return redirect(answer.url, answer.status)
    if answer.kind == "page":
        return render_template("saml/logged_out.html", message=answer.message)
    # The protocol reason (English, from the SAML checks) is shown as the error code.
    message = t("无法受理该应用发来的登录或退出请求。",
                "The sign-in or sign-out request from this service could not be accepted.")
    return render_template("error.html", status=answer.status, message=message,
                           error_code=answer.message), answer.status


def _with_frames(answer: Answer):
    """Load the other sites' front-channel logout iframes, then deliver the answer (the
    LogoutRequest to the next SP or the LogoutResponse to the initiator) by itself."""
    page = render_template(
        "logout/frames.html", frames=answer.frames, wait_ms=FRONTCHANNEL_WAIT_MS,
        next_url=answer.url if answer.kind == "redirect" else None,
        post={"url": answer.url, "fields": answer.fields} if answer.kind == "post" else None)
    return allow_frames(make_response(page), answer.frames)


@bp.get("/metadata")
def metadata():
    return Response(idp_metadata(services()), mimetype="application/samlmetadata+xml",
                    headers={"Cache-Control": f"public, max-age={CACHE_SECONDS}"})


@bp.route("/sso", methods=["GET", "POST"])
@csrf.exempt  # the SP's form carries no CSRF token; the request is checked as SAML instead
def single_sign_on():
    decided = decided_answer(request.environ)  # by the middleware in front (sso_front)
    if decided is not None:
        return render(decided)
    try:
        inbound = (from_redirect(request.query_string, "SAMLRequest") if request.method == "GET"
                   else from_post(request.form, "SAMLRequest"))
    except SamlError as error:
        return render(Answer.error(error.description))
    return render(sso.start(services(), inbound, current_session(), actor()))


@bp.get("/resume")
def resume():
    return render(sso.resume(services(), request.args.get("req"), current_session(), actor()))


@bp.get("/idp-initiated")
def idp_initiated():
    decided = decided_answer(request.environ)
    if decided is not None:
        return render(decided)
    return render(sso.idp_initiated(services(), request.args.get("sp"),
                                    request.args.get("RelayState"), current_session(), actor()))


@bp.route("/slo", methods=["GET", "POST"])
@csrf.exempt  # LogoutRequest/Response are authenticated by their signatures
def single_logout():
    params = request.args if request.method == "GET" else request.form
    field = "SAMLRequest" if "SAMLRequest" in params else "SAMLResponse"
    try:
        inbound = (from_redirect(request.query_string, field) if request.method == "GET"
                   else from_post(request.form, field))
    except SamlError as error:
        return render(Answer.error(error.description))
    if field == "SAMLRequest":
        return render(slo.handle_request(services(), inbound, current_session(), actor()))
    return render(slo.handle_response(services(), inbound, actor()))
