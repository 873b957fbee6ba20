"""A load generator for the multi-node tests: browsers that log in and relying parties that take
tokens, through the balancer, each request recorded with when it started and who served it."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import requests
from multinode_helpers import Authorization, Cluster, authorize, log_in, redeem


@dataclass(frozen=True)
class Sent:
    """One step of the load (the login is a GET and a POST, the others one request): when it
    was sent and answered (monotonic clock), the node that served its last request, and what
    went wrong if it did."""

    step: str
    started: float
    ended: float
    served_by: str
    error: str = ""


@dataclass
class Load:
    """threads users, each in a loop: a fresh browser logs in, roams the relying party,
    refreshes its tokens. stop() ends the loops after their current step."""

    cluster: Cluster
    threads: int = 4
    sent: list[Sent] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _workers: list[threading.Thread] = field(default_factory=list)
    _local: threading.local = field(default_factory=threading.local)

    def start(self) -> None:
        self._workers = [threading.Thread(target=self._user, daemon=True)
                         for _ in range(self.threads)]
        for worker in self._workers:
            worker.start()

    def stop(self) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=60)

    def answered(self, since: float = 0.0) -> list[Sent]:
        """The requests sent after since that succeeded."""
        with self._lock:
            return [s for s in self.sent if s.started > since and not s.error]

    def failed(self) -> list[Sent]:
        with self._lock:
            return [s for s in self.sent if s.error]

    def _user(self) -> None:
        while not self._stop.is_set():
            browser = requests.Session()
            browser.hooks["response"].append(self._note_server)
            ok = self._step("login", _logged_in, self.cluster, browser)
            grant = ok and self._step("authorize", authorize, self.cluster, browser)
            if not isinstance(grant, Authorization):
                continue
            grant.rp.hooks["response"].append(self._note_server)
            tokens = self._step("token", redeem, self.cluster, grant)
            if tokens:
                self._step("refresh", grant.rp.refresh_token, self.cluster.endpoint("token"),
                           refresh_token=tokens["refresh_token"], timeout=20)

    def _note_server(self, response: requests.Response, *args, **kwargs) -> None:
        self._local.served_by = response.headers.get("X-Served-By", "")

    def _step(self, name: str, action, *args, **kwargs):
        """Run one step, action(*args, **kwargs); record it; its result, or None if failed."""
        self._local.served_by = ""
        started = time.monotonic()
        error, result = "", None
        try:
            result = action(*args, **kwargs)
            if name == "authorize" and isinstance(result, requests.Response):  # no code
                error = f"no code: {result.status_code}"
        except Exception as exc:  # any failure of the request is what is being counted
            error = f"{type(exc).__name__}: {exc}"[:300]
        with self._lock:
            self.sent.append(Sent(name, started, time.monotonic(), self._local.served_by, error))
        return None if error else result


def _logged_in(cluster: Cluster, browser: requests.Session) -> requests.Response:
    response = log_in(cluster, browser)
    if response.status_code != 303:
        raise AssertionError(f"{response.status_code} from {response.headers.get('X-Served-By')}")
    return response
