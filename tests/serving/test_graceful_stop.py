"""SIGTERM stops `idp serve` gracefully: a request in flight gets its answer, new ones are
refused, and the server exits 0 (a deployment's rolling restart drops no request)."""

from __future__ import annotations

import signal
import socket
import time

import pytest
import requests

BODY = b"grant_type=client_credentials&scope=api&client_id=nobody&client_secret=nothing"


def test_sigterm_lets_the_request_in_flight_finish_and_refuses_new_ones(serve):
    served = serve("--workers", "1")
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as sock:
        # The request is in flight: its head is in, half its body still to come.
        sock.sendall(b"POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                     b"application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n"
                     % len(BODY) + BODY[:20])
        time.sleep(1)
        served.process.send_signal(signal.SIGTERM)
        time.sleep(1.5)
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{served.base}/healthz", timeout=5)
        sock.sendall(BODY[20:])
        answer = b""
        while b"invalid_client" not in answer:
            chunk = sock.recv(4096)
            assert chunk, f"closed without an answer: {answer!r}"
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400")  # the token endpoint's own refusal
    assert served.process.wait(timeout=30) == 0
