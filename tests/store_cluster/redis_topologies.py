"""A real Redis Cluster (3 masters, 3 replicas) and a real Sentinel set (a master, a replica,
3 Sentinels), each redis-server our own child process on free ports in a temp dir.

Short timeouts keep a failover to a few seconds: cluster-node-timeout 1000 ms, Sentinel's
down-after-milliseconds 1000. Persistence is off (the Store's AOF is tested in tests/outages);
a failover test first waits for the replica to hold the writes (WAIT), as a real deployment's
replica almost always does.
"""

from __future__ import annotations

import random
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

REDIS_SERVER = shutil.which("redis-server")
REDIS_CLI = shutil.which("redis-cli")
SERVICE = "mymaster"
# A replica's first sync starts at once (Redis waits 5 s for more replicas by default).
_QUICK_SYNC = ("--repl-diskless-sync-delay", "0")


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for probe in sockets:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in sockets]
    finally:
        for probe in sockets:
            probe.close()


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def cluster_ports(count: int) -> list[int]:
    """Free ports whose cluster bus port (port + 10000, so at most 55535) is free too."""
    ports: list[int] = []
    while len(ports) < count:
        port = random.randrange(20000, 45000)
        if port not in ports and _bindable(port) and _bindable(port + 10000):
            ports.append(port)
    return ports


def wait_until(check: Callable[[], object], what: str, seconds: float = 30) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{what} within {seconds} s")


def cli(port: int, *args: str) -> str:
    """One redis-cli command's answer (raw), or '' when the server does not answer."""
    done = subprocess.run([REDIS_CLI, "-p", str(port), "--raw", *args], capture_output=True,
                          text=True, timeout=10, check=False)
    return done.stdout.strip() if done.returncode == 0 else ""


def replication(port: int) -> dict[str, str]:
    lines = cli(port, "INFO", "replication").splitlines()
    return dict(line.split(":", 1) for line in lines if ":" in line)


def wait_replicated(master_port: int, replica_port: int) -> None:
    """Until the replica holds every write the master had now (a deployment's replica is
    rarely more than a few milliseconds behind; a test must not depend on that)."""
    offset = int(replication(master_port)["master_repl_offset"])
    wait_until(lambda: int(replication(replica_port).get("slave_repl_offset", -1)) >= offset,
               "the replica did not catch up with its master")


class Node:
    """One redis-server (or Sentinel) in the foreground: its PID is the Popen's."""

    def __init__(self, directory: Path, port: int, *options: str) -> None:
        self.directory, self.port, self.options = directory, port, options
        directory.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen | None = None

    def start(self, *extra: str) -> None:
        with (self.directory / "redis.log").open("a") as log:
            self.process = subprocess.Popen(
                [REDIS_SERVER, *self.options, *extra, "--port", str(self.port), "--bind",
                 "127.0.0.1", "--dir", str(self.directory), "--daemonize", "no"],
                stdout=log, stderr=subprocess.STDOUT)
        wait_until(lambda: cli(self.port, "PING") == "PONG" or self.process.poll() is not None,
                   f"redis on {self.port} did not answer")
        assert self.process.poll() is None, (self.directory / "redis.log").read_text()[-2000:]

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """kill -9: no goodbye to the cluster, no last write."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.running:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Cluster:
    """Three masters, each with one replica, made by ``redis-cli --cluster create``."""

    def __init__(self, directory: Path) -> None:
        self.nodes = [
            Node(directory / str(port), port, "--cluster-enabled", "yes",
                 "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "1000",
                 "--save", "", "--appendonly", "no", *_QUICK_SYNC)
            for port in cluster_ports(6)]

    @property
    def url(self) -> str:
        """Two start nodes, as a deployment lists several in case one is down."""
        return "redis+cluster://" + ",".join(f"127.0.0.1:{n.port}" for n in self.nodes[:2]) + "/"

    def start(self) -> None:
        for node in self.nodes:
            node.start()
        created = subprocess.run(
            [REDIS_CLI, "--cluster", "create", *(f"127.0.0.1:{n.port}" for n in self.nodes),
             "--cluster-replicas", "1", "--cluster-yes"],
            capture_output=True, text=True, timeout=60, check=False)
        assert created.returncode == 0, created.stdout[-2000:] + created.stderr[-2000:]
        wait_until(self.healthy, "the cluster did not reach cluster_state:ok with 3 replicas")

    def healthy(self) -> bool:
        """Every running node sees all slots served and each master with a replica."""
        running = [n for n in self.nodes if n.running]
        return all("cluster_state:ok" in cli(n.port, "CLUSTER", "INFO") for n in running) and \
            len(self.masters()) == 3 and all(self.replica_of(p) for p in self.masters())

    def _table(self) -> list[list[str]]:
        port = next(n.port for n in self.nodes if n.running)
        return [line.split() for line in cli(port, "CLUSTER", "NODES").splitlines()]

    def masters(self) -> list[int]:
        return [int(row[1].split(":")[1].split("@")[0]) for row in self._table()
                if "master" in row[2] and "fail" not in row[2]]

    def replica_of(self, master_port: int) -> int | None:
        table = self._table()
        master_id = next(row[0] for row in table
                         if int(row[1].split(":")[1].split("@")[0]) == master_port)
        return next((int(row[1].split(":")[1].split("@")[0]) for row in table
                     if row[3] == master_id and "fail" not in row[2]), None)

    def master_of(self, key: str) -> int:
        """The port of the master that serves key's hash slot now."""
        slot = int(cli(self.masters()[0], "CLUSTER", "KEYSLOT", key))
        for row in self._table():
            if "master" in row[2] and "fail" not in row[2]:
                for part in row[8:]:
                    low, _, high = part.partition("-")
                    if low.isdigit() and int(low) <= slot <= int(high or low):
                        return int(row[1].split(":")[1].split("@")[0])
        raise AssertionError(f"no master serves slot {slot}")

    def node(self, port: int) -> Node:
        return next(n for n in self.nodes if n.port == port)

    def kill_master_of(self, key: str) -> Node:
        """kill -9 the master holding key, once its replica has key: the replica takes over
        after cluster-node-timeout."""
        port = self.master_of(key)
        wait_replicated(port, self.replica_of(port))
        node = self.node(port)
        node.kill()
        return node

    def recover(self, node: Node) -> None:
        """Start the killed node again: it rejoins as the replica of its successor."""
        node.start()
        wait_until(self.healthy, "the cluster did not heal")

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()


class SentinelSet:
    """A master, its replica, and three Sentinels watching them (quorum 2)."""

    def __init__(self, directory: Path) -> None:
        master_port, replica_port, *sentinel_ports = free_ports(5)
        plain = ("--save", "", "--appendonly", "no", *_QUICK_SYNC)
        self.master = Node(directory / "master", master_port, *plain)
        self.replica = Node(directory / "replica", replica_port, *plain,
                            "--replicaof", "127.0.0.1", str(master_port))
        self.sentinels = []
        for port in sentinel_ports:
            folder = directory / f"sentinel-{port}"
            folder.mkdir(parents=True)
            config = folder / "sentinel.conf"  # Sentinel rewrites its file: one each
            config.write_text(
                f"sentinel monitor {SERVICE} 127.0.0.1 {master_port} 2\n"
                f"sentinel down-after-milliseconds {SERVICE} 1000\n"
                f"sentinel failover-timeout {SERVICE} 5000\n")
            self.sentinels.append(Node(folder, port, str(config), "--sentinel"))

    @property
    def url(self) -> str:
        return ("redis+sentinel://" + ",".join(f"127.0.0.1:{s.port}" for s in self.sentinels)
                + f"/{SERVICE}/0")

    def start(self) -> None:
        for node in (self.master, self.replica, *self.sentinels):
            node.start()
        wait_until(self.healthy, "the Sentinels did not see the replica and each other")

    def master_port(self) -> int | None:
        answer = cli(self.sentinels[0].port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", SERVICE)
        return int(answer.splitlines()[1]) if answer else None

    def healthy(self) -> bool:
        port = self.sentinels[0].port
        replicas = cli(port, "SENTINEL", "REPLICAS", SERVICE)
        others = cli(port, "SENTINEL", "SENTINELS", SERVICE)
        return "master-link-status\nok" in replicas and others.splitlines().count("name") >= 2

    def master_of(self, key: str) -> int:
        """The master's port: it holds every key."""
        return self.master_port()

    def node(self, port: int) -> Node:
        return self.master if self.master.port == port else self.replica

    def kill_master_of(self, key: str) -> Node:
        """kill -9 the master (it holds every key), once its replica has caught up."""
        port = self.master_port()
        node = self.node(port)
        other = self.replica if node is self.master else self.master
        wait_replicated(port, other.port)
        node.kill()
        return node

    def recover(self, node: Node) -> None:
        """Start the killed master again as the new master's replica, as an operator would
        (the Sentinels would convert it too, but only after about 10 s)."""
        port = wait_until(lambda: self.master_port() not in (None, node.port) and
                          self.master_port(), "no replica was promoted")
        node.start("--replicaof", "127.0.0.1", str(port))
        wait_until(lambda: self.master_port() not in (None, node.port) and self.healthy()
                   and replication(node.port).get("master_link_status") == "up",
                   "the old master did not rejoin as a replica")

    def stop(self) -> None:
        for node in (*self.sentinels, self.replica, self.master):
            node.stop()
