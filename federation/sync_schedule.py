"""The sync schedule, run by every serving node without cron (as Keycloak's periodic LDAP sync
runs inside its servers): each active directory synced incrementally every
``IDP_LDAP_SYNC_INTERVAL_SECONDS`` and fully every ``IDP_LDAP_FULL_SYNC_INTERVAL_SECONDS``
(0: that one is off).

However many nodes (and workers) run the schedule, each period of each directory is claimed by
one of them: the first to set the period's key in the shared Store (set-if-absent, living as
long as the period). The sync's own lock still keeps two syncs of a directory from ever
overlapping, e.g. a scheduled one and the console's "sync now".
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from federation.directories import list_directories
from federation.sync_background import sync_quietly
from idp.audit import SYSTEM_ACTOR

if TYPE_CHECKING:
    from idp.services import Services

log = logging.getLogger(__name__)


def claim(services: Services, name: str, kind: str, period: int) -> bool:
    """True for the one caller, on any node, that takes this period of this directory."""
    return services.store.add(f"ldap-sync:due:{kind}:{name}", "1", period)


def run_due(services: Services, incremental: int, full: int) -> list[str]:
    """Sync each active directory whose period has come; the names synced (tried)."""
    ran = []
    for row in list_directories(services):
        if row.disabled:
            continue
        # A full run also brings the incremental mark up to date: claim both periods.
        if full and claim(services, row.name, "full", full):
            if incremental:
                claim(services, row.name, "incremental", incremental)
            sync_quietly(services, row.name, SYSTEM_ACTOR, full=True)
        elif incremental and claim(services, row.name, "incremental", incremental):
            sync_quietly(services, row.name, SYSTEM_ACTOR, full=False)
        else:
            continue
        ran.append(row.name)
    return ran


class SyncSchedule:
    """The schedule's thread on this node: it wakes a few times per shortest period."""

    def __init__(self, services: Services, incremental: int, full: int) -> None:
        self.services = services
        self.incremental, self.full = incremental, full
        shortest = min(p for p in (incremental, full) if p > 0)
        self.wake = min(max(shortest / 4, 0.25), 60.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="ldap-sync-schedule",
                                        daemon=True)

    def start(self) -> SyncSchedule:
        self._thread.start()
        return self

    def stop(self, timeout: float = 30) -> None:
        """Stop after the sync under way, if any (waiting at most ``timeout`` seconds)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.wait(self.wake):
            try:
                run_due(self.services, self.incremental, self.full)
            except Exception:  # the database or Store is down: try again at the next wake
                log.exception("staff directory sync schedule: this round failed")


def start_schedule(services: Services) -> SyncSchedule | None:
    """The node's schedule when one of the intervals is set, started; None otherwise."""
    settings = services.settings
    incremental = settings.ldap_sync_interval_seconds
    full = settings.ldap_full_sync_interval_seconds
    if not (incremental or full):
        return None
    log.info("staff directory sync: incremental every %s s, full every %s s (0: off)",
             incremental, full)
    return SyncSchedule(services, incremental, full).start()
