"""Readiness (``/readyz``): can this node serve requests now?

``/healthz`` is liveness: the process answers. Readiness also asks the database and the Store
for one round trip each, bounded by their timeouts, and names the one that cannot answer, so a
load balancer takes the node out of rotation until both can (and back in without a restart).

It also reports each enabled staff directory as its last contact saw it ("ok", "unavailable",
"unknown": ``federation.directory_health``, never a new LDAP round trip). A directory that is
down harms only its own staff, so it never makes the node unready.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Response, jsonify

from federation.directories import list_directories
from federation.directory_health import states
from idp.services import Services
from idp.web.errors import RETRY_AFTER_SECONDS, describe

log = logging.getLogger(__name__)

_KEY = "readyz"  # one short-lived Store entry shared by every node: a write proves writable


def probe(services: Services) -> dict[str, bool]:
    """Whether each backend answered now."""
    return {
        "database": _answers("database", services.db.ping),
        "store": _answers("store", lambda: services.store.put(_KEY, "1", 10)),
    }


def _answers(name: str, check: Callable[[], object]) -> bool:
    try:
        check()
    except Exception as exc:  # whatever the failure, the node is not ready; the log says why
        log.warning("not ready: the %s cannot be used: %s", name, describe(exc))
        return False
    return True


def _directories(services: Services) -> dict[str, str]:
    try:
        names = [row.name for row in list_directories(services) if not row.disabled]
        return states(services, names)
    except Exception as exc:  # informational: never what decides readiness
        log.warning("readiness: directory states unreadable: %s", describe(exc))
        return {}


def response(services: Services) -> Response:
    """200 with every check "ok", or 503 (with Retry-After) naming the unusable ones."""
    checks = probe(services)
    ready = all(checks.values())
    body = {"status": "ready" if ready else "unavailable",
            **{name: "ok" if ok else "unavailable" for name, ok in checks.items()}}
    if checks["database"] and checks["store"]:
        body["directories"] = _directories(services)
    answer = jsonify(body)
    answer.status_code = 200 if ready else 503
    answer.headers["Cache-Control"] = "no-store"
    if not ready:
        answer.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return answer
