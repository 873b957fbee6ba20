"""What the person at ``/device`` sees after typing a valid user code, free of Flask.

The relying party's own policy applies as at ``/authorize``: no session, a level below its
minimum or a first factor it does not accept sends the person through the login hand-off
(``idp.sso``) and back; an account class it does not admit is refused. Otherwise the person is
asked "is this your device?" and answers for this one request (``device_requests.decide``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from clients.policy import admits
from idp.accounts.service import account_class_of
from idp.audit import Actor, EventType, Outcome
from idp.oidc.device import device_requests
from idp.oidc.device.device_requests import DeviceRequest
from idp.sso.login_request import LoginRequest, Protocol, save_login_request
from idp.sso.policy import LoginRequirements, interaction_needed
from idp.sso.session import SsoSession

if TYPE_CHECKING:
    from idp.services import Services

CONFIRM_PATH = "/device/confirm"


@dataclass(frozen=True)
class GoLogin:
    login_id: str


@dataclass(frozen=True)
class Refused:
    """The relying party does not admit this kind of account: the device is told access_denied."""


@dataclass(frozen=True)
class AskPerson:
    """Ready: show the client, the scopes and the code, and ask."""


Step = GoLogin | Refused | AskPerson


def next_step(services: Services, request: DeviceRequest, client: Any,
              session: SsoSession | None, actor: Actor) -> Step:
    requirements = LoginRequirements(
        requested_at=request.created_at, min_level=int(client.min_level or 1),
        first_factors=tuple(client.first_factors) if client.first_factors else None,
        upstreams=tuple(client.upstreams) if client.upstreams else None,
    )
    reason = interaction_needed(session, requirements)
    if reason is not None:
        login = LoginRequest(
            return_to=CONFIRM_PATH, protocol=Protocol.OIDC, client_id=client.client_id,
            client_name=client.name, force_login=reason.fresh_login,
            min_level=requirements.min_level,
            first_factors=list(client.first_factors) if client.first_factors else None,
            upstreams=list(client.upstreams) if client.upstreams else None,
        )
        return GoLogin(save_login_request(services.store, login))
    if not admits(client.account_classes, account_class_of(services, session.account_id) or ""):
        # Issue 14: as /authorize's access_denied, the device hears it when it polls.
        if device_requests.decide(services.store, request.id, None) is not None:
            _audit(services, actor, request, "refused", session, Outcome.FAILURE,
                   reason="account_class")
        return Refused()
    return AskPerson()


def answer(services: Services, request: DeviceRequest, session: SsoSession, actor: Actor,
           *, approved: bool) -> bool:
    """The person's answer, once. The device's tokens carry this session's level (acr),
    methods (amr) and auth_time, but no sid: a terminal's grant does not end with the phone's
    browser session, nor is the terminal told of that session's logout."""
    user = {"account_id": session.account_id, "sid": None, "auth_time": session.auth_time,
            "acr": session.acr, "amr": list(session.amr),
            "acting_for": session.acting_for} if approved else None
    if device_requests.decide(services.store, request.id, user) is None:
        return False
    _audit(services, actor, request, "approve" if approved else "deny", session)
    return True


def audit_start(services: Services, actor: Actor, request: DeviceRequest) -> None:
    services.audit_batch.record(EventType.DEVICE_AUTHORIZATION, actor=actor,
                                client_id=request.client_id, action="start",
                                request=request.id, scope=request.scope)


def audit_lockout(services: Services, actor: Actor) -> None:
    services.audit_batch.record(EventType.DEVICE_AUTHORIZATION, Outcome.FAILURE, actor=actor,
                                action="locked")


def _audit(services: Services, actor: Actor, request: DeviceRequest, action: str,
           session: SsoSession, outcome: Outcome = Outcome.SUCCESS, **detail: Any) -> None:
    services.audit_batch.record(EventType.DEVICE_AUTHORIZATION, outcome, actor=actor,
                                account_id=session.account_id, username=session.username,
                                client_id=request.client_id, action=action,
                                request=request.id, **detail)
