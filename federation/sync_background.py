"""A sync started without waiting for it (the console's "sync now", the schedule): it runs in a
thread of this node and says what happened in the log and the audit; the Store lock of
``federation.sync`` still keeps it the only sync of its directory on every node."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from federation.contract import SourceError
from federation.directories import DirectoryError
from federation.sync import SyncBusy, SyncResult, sync_directory
from idp.audit import Actor

if TYPE_CHECKING:
    from idp.services import Services

log = logging.getLogger(__name__)


def sync_quietly(services: Services, name: str, actor: Actor, full: bool) -> SyncResult | None:
    """One sync; None when it could not run or stopped (busy, disabled, unavailable: each
    already told by the sync's own lock, audit and the directory's health)."""
    try:
        result = sync_directory(services, name, actor=actor, full=full)
    except SyncBusy:
        log.info("directory %s: a sync is already running; not started", name)
    except DirectoryError as exc:
        log.info("directory %s: not synced: %s", name, exc.description)
    except SourceError as exc:
        log.warning("directory %s: sync stopped, the next one resumes: %s", name, exc.detail)
    except Exception:  # a background thread has nobody to raise to: the log must say it
        log.exception("directory %s: sync failed", name)
    else:
        log.info("directory %s synced (%s): %d added, %d changed, %d disabled", name,
                 result.mode, result.added, result.changed, result.disabled)
        return result
    return None


def start_sync(services: Services, name: str, actor: Actor, full: bool) -> threading.Thread:
    thread = threading.Thread(target=sync_quietly, args=(services, name, actor, full),
                              name=f"ldap-sync-{name}", daemon=True)
    thread.start()
    return thread
