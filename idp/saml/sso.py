"""Web SSO (SAML Profiles §4.1): SP-initiated, resumed after login, and IdP-initiated.

The hand-off to login is protocol-neutral (``idp.sso``): a valid request is kept in the Store,
a ``LoginRequest`` sends the browser to ``/login``, and ``/saml/resume`` re-checks the session
with the same login policy (``idp.sso.policy.interaction_needed``, shared with OIDC) before
answering.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from dataclasses import asdict

from clients.policy import admits
from clients.saml.models import ServiceProvider
from clients.saml.registry import get_sp
from idp.accounts.service import account_class_of
from idp.audit import Actor, EventType, Outcome
from idp.saml import authn_request
from idp.saml import constants as c
from idp.saml.answers import Answer
from idp.saml.assertions import (
    error_fields,
    nameid_for,
    participant_key,
    person_row,
    success_fields,
)
from idp.saml.authn_request import AuthnRequestInfo, Target
from idp.saml.bindings import MAX_RELAY_STATE, Inbound
from idp.saml.constants import SAML as SAML_NS
from idp.saml.endpoints import sso_url
from idp.saml.errors import AuthnFailed, NoAuthnContext, NoPassive, RequestDenied, SamlError
from idp.services import Services
from idp.sso.login_request import LOGIN_REQUEST_TTL, LoginRequest, Protocol, save_login_request
from idp.sso.policy import LoginRequirements, Reason, interaction_needed
from idp.sso.session import SsoSession, is_token_id

log = logging.getLogger(__name__)
PENDING_PREFIX = "saml-pending:"


def start(services: Services, inbound: Inbound, current: tuple[str, SsoSession] | None, actor: Actor
          ) -> Answer:
    """An AuthnRequest arrived (Redirect or POST binding)."""
    now = int(time.time())
    try:
        target = authn_request.resolve(services, inbound)
    except SamlError as error:  # no trustworthy endpoint: an error page, never a post
        claimed = inbound.root.findtext(f"{{{SAML_NS}}}Issuer")  # as sent, unverified
        _audit_refusal(services, actor, (claimed or "").strip() or None, error)
        return Answer.error(error.description)
    try:
        info = authn_request.validate(
            services, inbound, target, sso_url(services.settings.issuer), now
        )
    except SamlError as error:
        return refuse(services, target, error, actor)
    return _answer(services, info, target.sp, current, actor)


def idp_initiated(services: Services, entity_id: str | None, relay_state: str | None,
                  current: tuple[str, SsoSession] | None, actor: Actor) -> Answer:
    """Unsolicited response (Profiles §4.1.5) to a registered SP's default ACS."""
    sp = get_sp(services, entity_id)
    acs = sp.default_acs() if sp is not None and not sp.disabled else None
    if acs is None:
        _audit_refusal(services, actor, entity_id, SamlError("unknown service provider"))
        return Answer.error("unknown service provider")
    if relay_state is not None and len(relay_state.encode()) > MAX_RELAY_STATE:
        return Answer.error("RelayState longer than 80 bytes")
    info = AuthnRequestInfo(
        id=None, sp=sp.entity_id, acs_url=acs["location"], relay_state=relay_state,
        force_authn=False, is_passive=False, min_level=sp.min_level,
        nameid_format=sp.nameid_format, received_at=int(time.time()),
    )
    return _answer(services, info, sp, current, actor)


def resume(services: Services, pending: str | None, current: tuple[str, SsoSession] | None,
           actor: Actor) -> Answer:
    """Back from the login page: answer the kept request with the (new) session."""
    raw = services.store.take(PENDING_PREFIX + pending) if is_token_id(pending) else None
    if raw is None:
        return Answer.error("this sign-in request has expired; start again from the site")
    info = AuthnRequestInfo(**json.loads(raw))
    sp = get_sp(services, info.sp)
    if sp is None or sp.disabled:
        return Answer.error("unknown service provider")
    reason = interaction_needed(current[1] if current else None,
                                _requirements(info, sp, resumed=True))
    if reason is not None:  # the user did not (or could not) log in as required
        error = (NoAuthnContext("assurance level not reached", reason.value)
                 if reason in (Reason.INSUFFICIENT_LEVEL, Reason.PASSKEY_REQUIRED)
                 else AuthnFailed("authentication did not complete", reason.value))
        return refuse(services, _target(sp, info), error, actor)
    return _respond(services, info, sp, current, actor)


def refuse(services: Services, target: Target, error: SamlError, actor: Actor) -> Answer:
    """An error-status Response to the (metadata-verified) ACS; never an assertion."""
    _audit_refusal(services, actor, target.sp.entity_id, error)
    fields = error_fields(services, target.acs_url, target.request_id, error, target.relay_state)
    return Answer.post(target.acs_url, fields)


def _answer(services: Services, info: AuthnRequestInfo, sp: ServiceProvider,
            current: tuple[str, SsoSession] | None, actor: Actor) -> Answer:
    reason = interaction_needed(current[1] if current else None,
                                _requirements(info, sp, resumed=False))
    if reason is None:
        return _respond(services, info, sp, current, actor)
    if info.is_passive:  # Core §3.4.1: IsPassive and no usable session -> NoPassive
        error = NoPassive("login would be needed", reason.value)
        return refuse(services, _target(sp, info), error, actor)
    key = secrets.token_urlsafe(24)
    services.store.put(PENDING_PREFIX + key, json.dumps(asdict(info)), LOGIN_REQUEST_TTL)
    login = LoginRequest(
        return_to=f"/saml/resume?req={key}", protocol=Protocol.SAML, client_id=sp.entity_id,
        client_name=sp.name, force_login=info.force_authn or reason.fresh_login,
        min_level=info.min_level,
        first_factors=list(sp.first_factors) if sp.first_factors else None,
        upstreams=list(sp.upstreams) if sp.upstreams else None,
        passkey_required=info.phishing_resistant,
    )
    return Answer.redirect(f"/login?login={save_login_request(services.store, login)}")


def _respond(services: Services, info: AuthnRequestInfo, sp: ServiceProvider,
             current: tuple[str, SsoSession], actor: Actor) -> Answer:
    token, session = current
    # One read of the person where the SP gets personal claims: that row has the class too.
    person = person_row(services, sp, session.account_id)
    account_class = (person.account_class if person is not None
                     else account_class_of(services, session.account_id))
    if not admits(sp.account_classes, account_class or ""):
        # Issue 14: an SP admits citizens, staff or both.
        return refuse(services, _target(sp, info), RequestDenied(
            "This service does not admit this kind of account (citizen or staff).",
            f"account class not in {sp.account_classes}"), actor)
    nameid = nameid_for(services, sp, session, info.nameid_format)
    fields = success_fields(
        services, sp, session, person, acs_url=info.acs_url, in_response_to=info.id, nameid=nameid,
        nameid_format=info.nameid_format, relay_state=info.relay_state,
        # The class asked for, met (Core §3.3.2.2.1): the passkey's instead of the level's.
        class_ref=c.PHISHING_RESISTANT if info.phishing_resistant else None,
    )
    # Single logout needs the NameID and SessionIndex each SP holds (Profiles §4.4).
    participant = {"nameid": nameid, "format": info.nameid_format}
    if session.participants.get(participant_key(sp)) != participant:
        services.sessions.add_participant(token, participant_key(sp), participant)
    # The event is this answer's only database write: group-committed with concurrent
    # callers' events, still durable before the assertion leaves (idp.audit.group).
    services.audit_batch.record(
        EventType.SAML_ASSERTION, Outcome.SUCCESS, actor=actor, account_id=session.account_id,
        username=session.username, client_id=sp.entity_id[:128], sid=session.sid,
        level=session.level, nameid_format=info.nameid_format, unsolicited=info.id is None)
    return Answer.post(info.acs_url, fields)


def _requirements(info: AuthnRequestInfo, sp: ServiceProvider, *,
                  resumed: bool) -> LoginRequirements:
    """The AuthnRequest's demands in the login policy's terms: ForceAuthn, a login made for
    this request (Core §3.4.1); RequestedAuthnContext and the SP's policy, a level (and the
    passkey class, a passkey); the SP's first factors (issue 13) and upstreams (issue 15)."""
    return LoginRequirements(
        requested_at=info.received_at, resumed=resumed, force_login=info.force_authn,
        min_level=info.min_level, phishing_resistant=info.phishing_resistant,
        first_factors=tuple(sp.first_factors) if sp.first_factors else None,
        upstreams=tuple(sp.upstreams) if sp.upstreams else None)


def _target(sp: ServiceProvider, info: AuthnRequestInfo) -> Target:
    return Target(sp, info.acs_url, info.id, info.relay_state)


def _audit_refusal(services: Services, actor: Actor, entity_id: str | None,
                   error: SamlError) -> None:
    log.info("SAML request refused: %s", error.detail)
    services.audit_batch.record(  # the refusal's only write, as in _respond
        EventType.SAML_ASSERTION, Outcome.FAILURE, actor=actor,
        client_id=(entity_id or "")[:128] or None, reason=type(error).__name__,
        detail=error.detail[:200])
