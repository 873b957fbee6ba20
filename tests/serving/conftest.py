"""A real `idp serve` with the options a test names, and clients that trickle their requests."""

from __future__ import annotations

import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import IDP, free_port, wait_for_health


@dataclass
class Served:
    base: str
    port: int
    process: subprocess.Popen
    log: Path


@pytest.fixture
def serve(idp_env, tmp_path) -> Iterator:
    """serve(*options) -> Served: `idp serve` with these options, its issuer its own URL."""
    started: list[subprocess.Popen] = []

    def start(*options: str) -> Served:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = tmp_path / f"serve-{port}.log"
        with log.open("w") as out:
            process = subprocess.Popen([IDP, "serve", "--bind", f"127.0.0.1:{port}", *options],
                                       env=idp_env(IDP_ISSUER=base), stdout=out,
                                       stderr=subprocess.STDOUT)
        started.append(process)
        return Served(wait_for_health(process, base, log), port, process, log)

    yield start
    for process in started:
        process.terminate()
    for process in started:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Tricklers:
    """Connections that each send one byte of their request a second, from one thread."""

    sockets: list[socket.socket]
    drip: bytes
    hung_up: set[int] = field(default_factory=set)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        for sent in range(len(self.drip)):
            if self.stop.wait(1.0):
                return
            for n, sock in enumerate(self.sockets):
                if n in self.hung_up:
                    continue
                try:
                    sock.sendall(self.drip[sent:sent + 1])
                    sock.setblocking(False)
                    if sock.recv(1024) == b"":  # the server closed it
                        self.hung_up.add(n)
                except BlockingIOError:  # open, nothing to read: still waiting
                    pass
                except OSError:
                    self.hung_up.add(n)
                finally:
                    sock.setblocking(True)

    def open(self) -> int:
        return len(self.sockets) - len(self.hung_up)


@pytest.fixture
def trickle() -> Iterator:
    """trickle(port, count, first, drip) -> Tricklers: count connections that send first at
    once, then drip one byte a second each; all closed at teardown."""
    running: list[tuple[Tricklers, threading.Thread]] = []

    def start(port: int, count: int, first: bytes, drip: bytes) -> Tricklers:
        sockets = [socket.create_connection(("127.0.0.1", port), timeout=10)
                   for _ in range(count)]
        for sock in sockets:
            if first:
                sock.sendall(first)
        tricklers = Tricklers(sockets, drip)
        thread = threading.Thread(target=tricklers.run, daemon=True)
        thread.start()
        running.append((tricklers, thread))
        return tricklers

    yield start
    for tricklers, thread in running:
        tricklers.stop.set()
        thread.join(timeout=5)
        for sock in tricklers.sockets:
            sock.close()
