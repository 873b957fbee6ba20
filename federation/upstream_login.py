"""A login through an upstream identity provider, whatever its protocol: ``begin`` asks the
upstream's ``RedirectSource`` where to send the browser and keeps what the callback must match
(single use, ten minutes); ``arrive`` takes it back, lets the source check the callback and
lands the identity in its account (``federation.linking``). Every outcome is audited as LOGIN
(door "person", methods ["fed", ...], "source"); a refusal's reason is the source's detail
class, never a claim's value.

A first login that no link and no trusted ID number resolves is ``Arrival.login is None``: the
identity waits in the Store (``hold``) while the person chooses a new account or logs in to
an existing one to confirm (``choose_new`` / ``choose_existing``).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from federation.contract import (
    FederatedLogin,
    SourceError,
    SourceKind,
    SourceRefused,
    SourceUnavailable,
    UpstreamIdentity,
)
from federation.linking import UpstreamLinker
from federation.models import UpstreamProvider
from federation.upstreams import build, enabled_upstream
from idp.audit import Actor, EventType, Outcome, record
from idp.sso.login_request import load_login_request
from idp.sso.policy import upstream_allowed
from idp.store import get_json, put_json, take_json

if TYPE_CHECKING:
    from idp.services import Services

log = logging.getLogger(__name__)
STATE_TTL = 10 * 60
CHOICE_TTL = 10 * 60
DOOR = "person"
UNAVAILABLE = "source_unavailable"
# Audit reasons of a login the pending request's relying party does not allow (issue 15): it
# refuses every upstream (first factor "upstream"), or names others.
FIRST_FACTOR = "first_factor"
NOT_ALLOWED = "upstream_not_allowed"


def callback_url(issuer: str, name: str) -> str:
    """The redirect URI to register at the upstream: ``<issuer>/federation/<name>/callback``."""
    return f"{issuer.rstrip('/')}/federation/{name}/callback"


class UpstreamNotAllowed(SourceRefused):
    """The upstream answered for a login request whose relying party does not accept it
    (``idp.sso.policy.upstream_allowed``): nothing is redeemed, nobody logs in."""

    def __init__(self, login_id: str | None) -> None:
        super().__init__("此服务不接受通过该身份提供方登录，请使用页面上提供的方式。",
                         f"{NOT_ALLOWED} by the relying party of the pending login")
        self.login_id = login_id


@dataclass(frozen=True)
class Arrival:
    login: FederatedLogin | None  # None: a first login, the person chooses
    identity: UpstreamIdentity
    login_id: str | None
    provider: str  # the upstream's display name


def begin(services: Services, name: str, *, login_id: str | None) -> tuple[str, str]:
    """(URL to send the browser to, state to bind to it); SourceUnavailable when the upstream
    cannot be reached (its discovery), UpstreamDisabled when it is not enabled."""
    row = enabled_upstream(services, name)
    redirect = build(services, row).start(callback_url=callback_url(services.settings.issuer,
                                                                      name))
    state = redirect.keep["state"]
    put_json(services.store, _state_key(name, state),
             {"keep": dict(redirect.keep), "login_id": login_id}, STATE_TTL)
    return redirect.url, state


def arrive(services: Services, name: str, *, params: dict[str, str], actor: Actor,
           client_id: str | None = None) -> Arrival:
    """The callback: the identity it proves and its account (or None: first login)."""
    state = params.get("state") or params.get("RelayState") or ""
    # Single use: a replayed or forged state finds nothing (take is atomic on every Store).
    kept = take_json(services.store, _state_key(name, state)) if state else None
    try:
        if kept is None:
            raise SourceRefused("登录已超时或已完成，请重新登录。", "state unknown or replayed")
        # /start checked it too; the pending request decides, whoever sent the browser here.
        request = load_login_request(services.store, kept.get("login_id"))
        if not upstream_allowed(request, name):
            if request is not None and request.client_id:  # whom the refusal protected
                client_id = request.client_id[:128]
            raise UpstreamNotAllowed(kept.get("login_id"))
        row = enabled_upstream(services, name)
        identity = build(services, row).finish(
            callback_url=callback_url(services.settings.issuer, name), params=params,
            kept=kept["keep"])
        login = linker_of(services, row, actor).find(identity)
    except SourceError as exc:
        # The detail names the rule or the network error, never a person's claim values.
        log.warning("upstream %s refused a login: %s", name, exc.detail)
        failed(services, actor, name, client_id,
               UNAVAILABLE if isinstance(exc, SourceUnavailable) else _reason(exc))
        raise
    if login is not None:
        succeeded(services, actor, login, client_id)
    return Arrival(login, identity, kept.get("login_id"), row.display_name)


def linker_of(services: Services, row: UpstreamProvider, actor: Actor) -> UpstreamLinker:
    return UpstreamLinker(services, actor, link_by=row.config.get("link_by", "none"),
                          provider_name=row.display_name)


def hold(services: Services, arrival: Arrival) -> str:
    """Keep a first login's identity while the person chooses; the id for the browser."""
    choice = secrets.token_urlsafe(18)
    identity = {**asdict(arrival.identity), "attributes": dict(arrival.identity.attributes)}
    put_json(services.store, f"fed-choice:{choice}",
             {"identity": identity, "login_id": arrival.login_id}, CHOICE_TTL)
    return choice


def held(services: Services, choice: str | None) -> tuple[UpstreamIdentity, str | None] | None:
    """The identity kept under ``choice`` (taken: a choice is made once), with its login."""
    data = take_json(services.store, f"fed-choice:{choice}") if choice else None
    if data is None:
        return None
    raw = data["identity"]
    identity = UpstreamIdentity(source=raw["source"], kind=SourceKind(raw["kind"]),
                                subject=raw["subject"], level=raw["level"],
                                amr=tuple(raw["amr"]), attributes=raw["attributes"])
    return identity, data.get("login_id")


def peek(services: Services, choice: str | None) -> dict | None:
    """The held choice without taking it (the choice page shows the provider)."""
    return get_json(services.store, f"fed-choice:{choice}") if choice else None


def choose_new(services: Services, identity: UpstreamIdentity, *, actor: Actor,
               client_id: str | None = None) -> FederatedLogin:
    row = enabled_upstream(services, identity.source)
    login = linker_of(services, row, actor).create(identity)
    succeeded(services, actor, login, client_id)
    return login


def choose_existing(services: Services, identity: UpstreamIdentity, account_id: str, *,
                    actor: Actor, client_id: str | None = None) -> FederatedLogin:
    """Link to the account whose password the person just typed (``password_login``)."""
    row = enabled_upstream(services, identity.source)
    login = linker_of(services, row, actor).link_confirmed(identity, account_id)
    succeeded(services, actor, login, client_id)
    return login


def succeeded(services: Services, actor: Actor, login: FederatedLogin,
              client_id: str | None) -> None:
    services.audit_batch.record(
        EventType.LOGIN, actor=actor, account_id=login.account_id, username=login.username,
        client_id=client_id, door=DOOR, methods=list(login.amr), source=login.source)


def failed(services: Services, actor: Actor, name: str, client_id: str | None,
           reason: str) -> None:
    with services.db.begin() as session:
        record(session, EventType.LOGIN, Outcome.FAILURE, actor=actor, client_id=client_id,
               door=DOOR, methods=["fed"], source=name[:32], reason=reason)


def _reason(exc: SourceError) -> str:
    # The detail's first words name the broken rule ("iss ...", "nonce missing ...",
    # "signature: ..."); the rest may quote upstream values and stays out of the audit.
    return (exc.detail or "refused").split(":")[0].split(" ")[0][:32]


def _state_key(name: str, state: str) -> str:
    return f"fed-state:{name}:{state[:128]}"
