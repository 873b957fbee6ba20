"""Requests trickled a byte a second are cut off by the balancer and never reach a node.

granian, the nodes' server, bounds the time to read a request's head but not its body
(granian issue #728, closed as "wontfix"). So the deployment in docs/production.md has
HAProxy take whole requests first (`option http-buffer-request`) within
`timeout http-request`: a client that never finishes gets 408 from the balancer, and the
nodes' threads are not held by it.
"""

from __future__ import annotations

import socket
import threading
import time

import requests
from multinode_helpers import REQUEST_TIMEOUT

BODY = b"grant_type=client_credentials&scope=openid"
SLOW_CLIENTS = 20


def _trickle(port: int, head: bytes, body: bytes, answers: list[bytes]) -> None:
    """Send the head at once, then the body a byte a second; keep what comes back."""
    with socket.create_connection(("127.0.0.1", port), timeout=REQUEST_TIMEOUT + 20) as conn:
        conn.sendall(head)
        answer = b""
        for byte in body:
            conn.sendall(bytes([byte]))
            conn.settimeout(1)
            try:
                answer = conn.recv(4096)
            except TimeoutError:
                continue
            break
        answers.append(answer)


def _slow_bodies(port: int, count: int) -> tuple[list[threading.Thread], list[bytes]]:
    head = (b"POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
            b"application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % len(BODY))
    answers: list[bytes] = []
    threads = [threading.Thread(target=_trickle, args=(port, head, BODY, answers))
               for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads, answers


def test_bodies_trickled_a_byte_a_second_get_408_from_the_balancer_while_others_are_served(
    cluster
):
    started = time.monotonic()
    threads, answers = _slow_bodies(cluster.balancer.port, SLOW_CLIENTS)
    time.sleep(1)  # every slow request under way
    for _ in range(5):  # everyone else is answered meanwhile, by the nodes
        answer = requests.get(f"{cluster.url}/.well-known/openid-configuration", timeout=10)
        assert answer.status_code == 200
    for thread in threads:
        thread.join()
    took = time.monotonic() - started
    assert len(answers) == SLOW_CLIENTS
    assert all(answer.startswith(b"HTTP/1.1 408") for answer in answers), answers[:2]
    # Cut at the bound, long before the body would have been whole (one byte a second).
    assert took < len(BODY)


def test_a_head_trickled_a_byte_a_second_gets_408_from_the_balancer(cluster):
    head = b"GET /.well-known/openid-configuration HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
    answers: list[bytes] = []
    _trickle(cluster.balancer.port, b"", head + b"a" * 60, answers)
    assert answers[0].startswith(b"HTTP/1.1 408")
