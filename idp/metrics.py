"""What ``/metrics`` counts (Prometheus, prometheus-client), for every layer to report into.

Every name and label is listed in docs/operating.md ("Monitoring"). Labels take values from closed
sets (doors, methods, grant types, Flask rules, registered clients, configured directories),
never from free text such as a raw path, so the number of series stays bounded.

Served by ``idp serve``, each worker process writes its values to files in
``PROMETHEUS_MULTIPROC_DIR`` (set by the serve command, one directory per run) and a scrape
sums them, so the figures are right whichever worker answers. The metrics are built on first
use rather than at import: ``idp serve`` may import this module before it sets that directory.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from prometheus_client import Counter, Gauge, Histogram, values

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# Seconds: a token request takes ~1-3 ms of CPU, a password login ~45 ms (argon2id), an
# outage waits up to the backend timeouts (5 s).
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.logins = Counter(
            "yiwang_logins", "Login steps by door, method and outcome (from the audit events).",
            ["door", "method", "outcome"])
        self.tokens = Counter(
            "yiwang_tokens", "OAuth tokens issued by grant type and client.",
            ["grant_type", "client"])
        self.requests = Histogram(
            "yiwang_request_duration_seconds", "Time to answer a request, by Flask rule.",
            ["endpoint", "method", "status"], buckets=LATENCY_BUCKETS)
        self.backend_errors = Counter(
            "yiwang_backend_unavailable", "Requests answered 503 because a backend failed.",
            ["backend"])
        self.audit_queue = Gauge(
            "yiwang_audit_queue_depth", "Audit events waiting for the group commit.",
            multiprocess_mode="livesum")
        self.directory_up = Gauge(
            "yiwang_directory_up", "1 when the staff directory answered its last contact, "
            "0 when it did not.", ["directory"], multiprocess_mode="mostrecent")


_built: Metrics | None = None
_lock = threading.Lock()


def metrics() -> Metrics:
    """The process's metrics, built on first use."""
    global _built
    if _built is None:
        with _lock:
            if _built is None:
                if os.environ.get(MULTIPROC_ENV) and \
                        not getattr(values.ValueClass, "_multiprocess", False):
                    # prometheus-client chose its value class when first imported, which may
                    # have been before the serve command set the directory.
                    values.ValueClass = values.MultiProcessValue()
                _built = Metrics()
    return _built


COUNTED_EVENTS = frozenset({"login", "login.mfa", "token.issue", "token.refresh"})
_METHODS = {"pwd": "password", "otp": "totp"}  # RFC 8176 amr values, as people say them


def count_audit_event(type: str, outcome: str, client_id: str | None,
                      detail: dict[str, Any]) -> None:
    """Count a committed audit event that is a login step or a token issue."""
    if type == "login":
        methods = "+".join(_METHODS.get(m, str(m)) for m in detail.get("methods") or ["unknown"])
        metrics().logins.labels(str(detail.get("door") or "person"), methods, outcome).inc()
    elif type == "login.mfa":
        method = str(detail.get("method") or "second_factor")
        metrics().logins.labels(str(detail.get("door") or "person"), method, outcome).inc()
    elif type in ("token.issue", "token.refresh") and outcome == "success":
        grant = str(detail.get("grant_type") or "unknown")
        metrics().tokens.labels(grant, client_id or "unknown").inc()




def backend_unavailable(backend: str) -> None:
    metrics().backend_errors.labels(backend).inc()


def audit_queue_depth(depth: int) -> None:
    metrics().audit_queue.set(depth)


def directory_state(name: str, answered: bool) -> None:
    metrics().directory_up.labels(name).set(1 if answered else 0)
