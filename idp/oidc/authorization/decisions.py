"""The authorization endpoint's decisions (OIDC Core §3.1.2), free of Flask.

Authlib validates the client, redirect URI, response type, scope, PKCE and nonce; this module
reads the rest (``parameters``), states what the request demands (``prompt``, ``max_age``,
``acr_values``, ``id_token_hint``, consent) as ``LoginRequirements`` and asks the login policy
shared with SAML (``idp.sso.policy``) whether the person must first log in (the hand-off to
``idp.sso``), choose an account or consent; then it issues the code. Its result is an
``Outcome`` (``outcomes``) the view turns into a response.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from clients.consent import grant_consent, has_consent
from clients.policy import admits
from idp.accounts.service import account_class_of
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
from idp.sso.login_request import LoginRequest, Protocol, save_login_request
from idp.sso.policy import (
    Consent,
    ExpectedSubject,
    LoginRequirements,
    Prompt,
    Reason,
    interaction_needed,
)
from idp.sso.session import SsoSession

if TYPE_CHECKING:  # the server is built from the grants, never from this module
    from idp.oidc.server import OidcServer


@dataclass
class Flow:
    """One authorization request's surroundings: the app's services, the Authlib server, the
    browser's SSO session (cookie token and session) and who is asking (for the audit log)."""

    services: Services
    server: OidcServer
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


def consent_grant(server: OidcServer, params: Params):
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


def _after_validation(flow: Flow, saved: Pending, grant, mode: str, resumed: bool,
                      consent: bool | None, other_account: bool) -> Outcome:
    data, client = grant.request.payload.data, grant.request.client
    parameters.refuse_unsupported(data)
    prompts = parameters.prompts(data.get("prompt"))
    claims_request = parameters.claims_request(data.get("claims"))
    requested_acr = parameters.requested_acr(data.get("acr_values"))
    requirements = _requirements(flow, saved, grant, prompts, requested_acr, resumed=resumed,
                                 consent=consent, other_account=other_account)
    reason = interaction_needed(flow.session, requirements)
    if reason is not None:
        return _interact(flow, saved, client, data, prompts, requirements, reason)
    if not admits(client.account_classes,
                  account_class_of(flow.services, flow.session.account_id) or ""):
        # Issue 14: a relying party admits citizens, staff or both; refused like a denial
        # (RFC 6749 §4.1.2.1 access_denied), back to the client that asked.
        pending_requests.drop(flow.services.store, saved.id)
        raise AccessDeniedError(description="This application does not admit this kind of "
                                "account (citizen or staff); sign in with another account.")
    if consent is False:
        pending_requests.drop(flow.services.store, saved.id)
        raise AccessDeniedError()
    session = flow.session
    if consent is True:
        with flow.services.db.begin() as db:
            grant_consent(db, session.account_id, client.client_id, grant.request.scope,
                          flow.actor)
    if resumed:
        pending_requests.drop(flow.services.store, saved.id)
    return _issue(flow, grant, mode, parameters.acr(session.level, requested_acr),
                  claims_request)


def _requirements(flow: Flow, saved: Pending, grant, prompts: set[str], requested_acr: list[str],
                  *, resumed: bool, consent: bool | None,
                  other_account: bool) -> LoginRequirements:
    """The request's demands in the login policy's terms (``idp.sso.policy``)."""
    data, client = grant.request.payload.data, grant.request.client
    return LoginRequirements(
        requested_at=saved.created_at, resumed=resumed, force_login="login" in prompts,
        max_age=parameters.max_age(data.get("max_age")),
        min_level=max(int(client.min_level or 1),
                      min(parameters.requested_levels(requested_acr), default=1)),
        phishing_resistant=parameters.phishing_resistant_asked(requested_acr),
        first_factors=tuple(client.first_factors) if client.first_factors else None,
        upstreams=tuple(client.upstreams) if client.upstreams else None,
        other_account=other_account,
        expected=_expected_subject(flow, client, data.get("id_token_hint")),
        select_account="select_account" in prompts and not saved.account_selected,
        # First-party clients (the portal's own sites) are not asked for consent.
        consent=None if client.first_party else Consent(
            remembered=lambda account_id: _remembered(flow, client, grant.request.scope,
                                                      account_id),
            ask_again="consent" in prompts, answer=consent),
    )


def _interact(flow: Flow, saved: Pending, client, data, prompts: set[str],
              requirements: LoginRequirements, reason: Reason) -> Outcome:
    """Keep the request and send the person where ``reason`` says; with prompt=none, the
    error OIDC Core §3.1.2.6 names instead."""
    if reason.prompt is Prompt.LOGIN:
        if "none" in prompts:
            raise LoginRequiredError()
        return _go_login(flow, saved, client, data, requirements, reason)
    if reason.prompt is Prompt.SELECT_ACCOUNT:
        saved.account_selected = True  # the chooser's answer resumes past this point
        pending_requests.save(flow.services.store, saved)
        return ChooseAccount(saved.id)
    if "none" in prompts:
        raise ConsentRequiredError()
    pending_requests.save(flow.services.store, saved)
    return AskConsent(saved.id)


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


def _go_login(flow: Flow, saved: Pending, client, data, requirements: LoginRequirements,
              reason: Reason) -> GoLogin:
    pending_id = pending_requests.save(flow.services.store, saved)
    login = LoginRequest(
        return_to=f"/authorize/resume?pending={pending_id}", protocol=Protocol.OIDC,
        client_id=client.client_id, client_name=client.name, force_login=reason.fresh_login,
        min_level=requirements.min_level, login_hint=data.get("login_hint"),
        first_factors=list(client.first_factors) if client.first_factors else None,
        upstreams=list(client.upstreams) if client.upstreams else None,
        passkey_required=requirements.phishing_resistant,
    )
    return GoLogin(save_login_request(flow.services.store, login))


def _expected_subject(flow: Flow, client, hint: str | None) -> ExpectedSubject | None:
    """The person an id_token_hint names, as this client knows them (the hint is verified
    even when no session is there to compare it with)."""
    claims = parameters.id_token_hint_claims(flow.services, hint)
    if claims is None:
        return None
    return ExpectedSubject(claims.get("sub"),
                           lambda account_id: subject(flow.services, client, account_id))


def _remembered(flow: Flow, client, scope: str, account_id: str) -> bool:
    """Whether the person already consented to this client for these scopes (asked only
    when the login checks pass)."""
    with flow.services.db.session() as db:
        return has_consent(db, account_id, client.client_id, scope)


def _error(error: OAuth2Error, mode: str) -> Outcome:
    if not error.redirect_uri:
        return ShowError(error.description or error.error)
    return Respond(error.redirect_uri, list(error.get_body()), mode)
