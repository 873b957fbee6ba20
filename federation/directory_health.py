"""Whether each directory answered the last time anyone asked it: kept once for every node in
the Store, so an outage and its recovery are audited once each, not at every refused login.

Logins, syncs and ``test`` report what they saw (``observe``); only the call that changes the
state (compare-and-set in the Store: of two nodes seeing the same outage, one wins) writes the
event, ``admin.action`` ``directory.unavailable`` / ``directory.recovered``. ``/readyz`` reads
the states (``states``) and never contacts a directory itself.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import TYPE_CHECKING

from idp.audit import SYSTEM_ACTOR, EventType, Outcome, record
from idp.metrics import directory_state

if TYPE_CHECKING:
    from idp.services import Services

log = logging.getLogger(__name__)
STATE_TTL = 30 * 86400  # refreshed at every transition; a quiet directory's state may lapse


class Health(StrEnum):
    OK = "ok"
    UNAVAILABLE = "unavailable"
    UNKNOWN = "unknown"  # not contacted since the state lapsed (or ever)


def _key(name: str) -> str:
    return f"ldap-health:{name}"


def state(services: Services, name: str) -> Health:
    value = services.store.get(_key(name))
    return Health(value) if value in (Health.OK, Health.UNAVAILABLE) else Health.UNKNOWN


def observe(services: Services, name: str, answered: bool, detail: str = "") -> bool:
    """Record what a contact with the directory saw; True when this call changed the state
    (and so audited it). A first contact that answers is no recovery: stored, not audited."""
    new = Health.OK if answered else Health.UNAVAILABLE
    directory_state(name, answered)  # /metrics: yiwang_directory_up, this contact's view
    key = _key(name)
    old = services.store.get(key)
    if old == new:
        return False
    if old is None:
        if not services.store.add(key, new, STATE_TTL):
            return False  # another node recorded the first state at the same moment
        if answered:
            return False
    elif not services.store.swap(key, old, new, STATE_TTL):
        return False  # another node recorded this transition first
    action = "directory.recovered" if answered else "directory.unavailable"
    with services.db.begin() as session:
        record(session, EventType.ADMIN_ACTION,
               Outcome.SUCCESS if answered else Outcome.FAILURE, actor=SYSTEM_ACTOR,
               action=action, directory=name)
    if answered:
        log.info("directory %s answers again", name)
    else:  # the detail names the URLs and the error, never a password
        log.warning("directory %s unavailable: %s", name, detail)
    return True


def states(services: Services, names: list[str]) -> dict[str, str]:
    """name -> "ok" | "unavailable" | "unknown", for ``/readyz``."""
    return {name: state(services, name).value for name in names}
