"""The authorization endpoint's decisions (OIDC Core §3.1.2), free of Flask.

Authlib validates the client, redirect URI, response type, scope, PKCE and nonce; this module
adds what is policy: request objects, response modes, ``prompt``, ``max_age``,
``id_token_hint``, ``acr_values``, the hand-off to login (``idp.sso``) and consent. Its result
is an ``Outcome`` (``outcomes``) the view turns into a response.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clients.consent import grant_consent, has_consent
from idp.audit import Actor
from idp.oidc.authorization import parameters, pending_requests, pushed_requests
from idp.oidc.authorization.outcomes import (
    EXPIRED,
    AskConsent,
    ChooseAccount,
    GoLogin,
    Outcome,
    Respond,
    ShowError,
)
from idp.oidc.authorization.pending_requests import Params, Pending
from idp.oidc.end_user import EndUser, subject
from idp.oidc.errors import (
    AccessDeniedError,
    ConsentRequiredError,
    InvalidRequestError,
    InvalidRequestURIError,
    LoginRequiredError,
    OAuth2Error,
)
from idp.services import Services
from idp.sso.login_request import LoginRequest, save_login_request
from idp.sso.policy import LoginRequirements, login_needed
from idp.sso.session import SsoSession


@dataclass
class Flow:
    services: Services
    server: Any  # idp.oidc.server.OidcServer
    sso_token: str | None
    session: SsoSession | None
    actor: Actor


def start(flow: Flow, params: Params) -> Outcome:
    """A new authorization request (GET or POST /authorize)."""
    request_uri = parameters.first(params, "request_uri")
    if request_uri and request_uri.startswith(pushed_requests.PAR_URN):
        # RFC 9126 §4: the pushed parameters replace the request's, client_id must match.
        pushed = pushed_requests.take_pushed(
            flow.services.store, request_uri, parameters.first(params, "client_id"))
        if pushed is None:
            return ShowError(InvalidRequestURIError.description or "invalid_request_uri")
        params = pushed
    return _decide(flow, Pending(params=params), resumed=False)


def resume(flow: Flow, pending_id: str | None, consent: bool | None = None) -> Outcome:
    """Back from the login page (consent None) or the consent form (True/False)."""
    saved = pending_requests.load(flow.services.store, pending_id)
    if saved is None:
        return ShowError(EXPIRED)
    return _decide(flow, saved, resumed=True, consent=consent)


def select_account(flow: Flow, pending_id: str | None, *, continue_as_current: bool) -> Outcome:
    """The account chooser's answer: go on with the session's person, or log in afresh."""
    saved = pending_requests.load(flow.services.store, pending_id)
    if saved is None:
        return ShowError(EXPIRED)
    saved.account_selected = True
    if continue_as_current and flow.session is not None:
        return _decide(flow, saved, resumed=True)
    # "Use another account": a fresh login (LoginRequest.force_login), whoever it is for.
    return _decide(flow, saved, resumed=True, other_account=True)


def consent_grant(server, params: Params):
    """Authlib's validation of an authorization request (client, redirect URI, response type,
    scope, PKCE). Authlib quotes response_type and redirect_uri in its error descriptions and
    refuses (ValueError) to build one holding characters outside RFC 6749 §4.1.2.1's set
    (non-ASCII, '"', '\\'): such a request is invalid, and its redirect URI is not trusted."""
    try:
        return server.get_consent_grant(request=params, end_user=None)
    except ValueError as exc:
        raise InvalidRequestError(
            "A parameter holds characters that are not allowed in it.") from exc


def _decide(flow: Flow, saved: Pending, *, resumed: bool, consent: bool | None = None,
            other_account: bool = False) -> Outcome:
    params = saved.params
    try:
        grant = consent_grant(flow.server, params)
    except OAuth2Error as error:
        return _error(error, parameters.response_mode(params))
    mode = parameters.response_mode(params)
    try:
        return _after_validation(flow, saved, grant, mode, resumed, consent, other_account)
    except OAuth2Error as error:
        error.redirect_uri = grant.redirect_uri
        error.state = grant.request.payload.state
        return _error(error, mode)


def _after_validation(flow, saved, grant, mode, resumed, consent, other_account) -> Outcome:
    data, client = grant.request.payload.data, grant.request.client
    parameters.refuse_unsupported(data)
    prompts = parameters.prompts(data.get("prompt"))
    claims_request = parameters.claims_request(data.get("claims"))
    requested_acr = parameters.requested_acr(data.get("acr_values"))
    session = flow.session
    # Back from the login page, a login made after the request satisfies prompt=login and
    # max_age (even max_age=0, whose clock would otherwise already have run again).
    fresh = resumed and session is not None and session.auth_time >= saved.created_at
    requirements = LoginRequirements(
        force_login_after=saved.created_at if "login" in prompts and resumed else None,
        max_age=None if fresh else parameters.max_age(data.get("max_age")),
        min_level=max(int(client.min_level or 1), min((int(v) for v in requested_acr),
                                                      default=1)),
    )
    reason = login_needed(session, requirements)
    if reason is None and "login" in prompts and not resumed:
        reason = "force_login"
    # The hint is always checked; a mismatch sends the person to log in, but who they then
    # log in as is theirs to choose (the relying party compares sub).
    hint_ok = _hint_matches(flow, client, session, data.get("id_token_hint"))
    if reason is None and not hint_ok and not fresh:
        reason = "other_account"
    if other_account:
        reason = "other_account"
    if reason is not None:
        if "none" in prompts:
            raise LoginRequiredError()
        return _go_login(flow, saved, client, data, requirements.min_level, reason)
    # OIDC Core §3.1.2.1 prompt=select_account: asked once per request, unless the person
    # just logged in for it (that login was the choice).
    if "select_account" in prompts and not saved.account_selected and not fresh:
        saved.account_selected = True  # the chooser's answer resumes past this point
        pending_requests.save(flow.services.store, saved)
        return ChooseAccount(saved.id)
    if consent is False:
        pending_requests.drop(flow.services.store, saved.id)
        raise AccessDeniedError()
    if not client.first_party and consent is not True:
        with flow.services.db.session() as db:
            remembered = has_consent(db, session.account_id, client.client_id,
                                     grant.request.scope)
        if "consent" in prompts or not remembered:
            if "none" in prompts:
                raise ConsentRequiredError()
            pending_requests.save(flow.services.store, saved)
            return AskConsent(saved.id)
    if consent is True:
        with flow.services.db.begin() as db:
            grant_consent(db, session.account_id, client.client_id, grant.request.scope,
                          flow.actor)
    if resumed:
        pending_requests.drop(flow.services.store, saved.id)
    return _issue(flow, grant, mode, parameters.acr(session.level, requested_acr),
                  claims_request)


def _issue(flow: Flow, grant, mode: str, acr: str, claims_request: dict) -> Respond:
    session, client = flow.session, grant.request.client
    grant.request.user = EndUser(
        account_id=session.account_id, sid=session.sid, auth_time=session.auth_time, acr=acr,
        amr=list(session.amr), acting_for=session.acting_for, claims=claims_request,
    )
    code = grant.generate_authorization_code()
    grant.save_authorization_code(code, grant.request)
    # What logout needs later (the sub this client knows) and the name "my account" shows;
    # written once per client.
    participant = {"sub": subject(flow.services, client, session.account_id),
                   "name": client.name}
    if session.participants.get(f"oidc:{client.client_id}") != participant:
        session.participants[f"oidc:{client.client_id}"] = participant
        flow.services.sessions.update(flow.sso_token, session)
    params = [("code", code)]
    if grant.request.payload.state:
        params.append(("state", grant.request.payload.state))
    return Respond(grant.redirect_uri, params, mode)


def _go_login(flow: Flow, saved: Pending, client, data, min_level: int, reason: str) -> GoLogin:
    pending_id = pending_requests.save(flow.services.store, saved)
    login = LoginRequest(
        return_to=f"/authorize/resume?pending={pending_id}", protocol="oidc",
        client_id=client.client_id, client_name=client.name,
        force_login=reason in ("force_login", "max_age", "other_account"),
        min_level=min_level, login_hint=data.get("login_hint"),
    )
    return GoLogin(save_login_request(flow.services.store, login))


def _hint_matches(flow: Flow, client, session: SsoSession | None, hint: str | None) -> bool:
    """Whether the id_token_hint (if any) names the session's person, as this client knows
    them."""
    claims = parameters.id_token_hint_claims(flow.services, hint)
    if claims is None:
        return True
    return session is not None and claims.get("sub") == subject(
        flow.services, client, session.account_id)


def _error(error: OAuth2Error, mode: str) -> Outcome:
    if not error.redirect_uri:
        return ShowError(error.description or error.error)
    return Respond(error.redirect_uri, list(error.get_body()), mode)
