"""Clients that trickle their requests do not keep anyone else waiting (issue 16).

Each slow connection sends one byte a second. With gunicorn's gthread workers, eight such
connections held all eight threads of `--workers 2 --threads 4` and the server answered
nobody until they closed (bench/slow_clients.py --server gunicorn --heads 8).
"""

from __future__ import annotations

import os
import time

import requests

HEAD = (b"GET /.well-known/openid-configuration HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
        + b"a" * 60)
BODY = b"grant_type=client_credentials&scope=api&client_id=nobody&client_secret=" + b"x" * 40
BODY_HEAD = (b"POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
             b"application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % len(BODY))
HEADER_TIMEOUT = 5


def _discovery(base: str) -> requests.Response:
    # Generous: the bound the server promises is the header timeout; a loaded machine is slow.
    return requests.get(f"{base}/.well-known/openid-configuration", timeout=HEADER_TIMEOUT * 2)


def test_a_hundred_clients_trickling_their_request_heads_neither_hold_others_nor_stay(
    serve, trickle
):
    served = serve("--header-timeout", str(HEADER_TIMEOUT), "--threads", "2")
    slow = trickle(served.port, 100, b"", HEAD)
    time.sleep(1.5)  # every connection open, its first bytes sent
    answer = _discovery(served.base)
    assert answer.status_code == 200
    assert answer.json()["issuer"] == served.base
    assert slow.open() == 100  # answered while all hundred were still trickling
    deadline = time.monotonic() + HEADER_TIMEOUT + 30
    while slow.open() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert slow.open() == 0  # the server hung up on each once its head was overdue
    assert _discovery(served.base).status_code == 200


def test_with_body_waiters_a_hundred_clients_trickling_their_request_bodies_do_not_hold_others(
    serve, trickle
):
    served = serve("--threads", "2", "--body-waiters", "128")
    slow = trickle(served.port, 100, BODY_HEAD, BODY)
    time.sleep(1.5)
    for _ in range(3):
        answer = _discovery(served.base)
        assert answer.status_code == 200
    assert slow.open() == 100
    # A client that does send its body gets its protocol answer from the same server.
    refused = requests.post(f"{served.base}/token", data={"grant_type": "client_credentials"},
                            auth=("nobody", "nothing"), timeout=HEADER_TIMEOUT * 2)
    assert refused.status_code == 401
    assert refused.json()["error"] == "invalid_client"


def test_workers_default_to_the_cores_this_process_may_use(serve):
    served = serve()
    cores = len(os.sched_getaffinity(0))
    deadline = time.monotonic() + 60
    while served.log.read_text().count("building the app") < cores and \
            time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)  # a worker too many would have logged by now
    assert served.log.read_text().count("building the app") == cores
