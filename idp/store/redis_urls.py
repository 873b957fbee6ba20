"""The three forms of IDP_REDIS_URL: one Redis server, a Redis Cluster, a master behind Sentinel.

    redis://[[user]:password@]host[:port][/db]           one server (redis-py's own URL;
                                                         rediss:// for TLS, unix:// a socket)
    redis+cluster://[[user]:password@]host[:port][,host[:port]...][/]
                                                         a Redis Cluster: any of its nodes to
                                                         start from (port 6379 by default)
    redis+sentinel://[[user]:password@]host[:port][,host[:port]...]/service[/db]
                                                         the master that the Sentinels (port
                                                         26379 by default) name ``service``

The user and password are the data nodes' (cluster nodes, Sentinel's master). Options:
``sentinel_username`` and ``sentinel_password`` authenticate to the Sentinels themselves;
``ssl_ca_certs`` names the CA file for ``rediss+cluster://`` and ``rediss+sentinel://`` (TLS
to every node). redis-py documents URLs for one server only and has no form for a Cluster's
or a Sentinel set's several addresses: these two follow the ``redis+sentinel://`` convention
of the Redis-Sentinel-Url package, which other Python projects (Prefect, docket) also read.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

CLUSTER_SCHEMES = ("redis+cluster", "rediss+cluster")
SENTINEL_SCHEMES = ("redis+sentinel", "rediss+sentinel")
_DEFAULT_PORT = {"cluster": 6379, "sentinel": 26379}
_OPTIONS = {"cluster": {"ssl_ca_certs"},
            "sentinel": {"ssl_ca_certs", "sentinel_username", "sentinel_password"}}


@dataclass(frozen=True)
class RedisTarget:
    """Where the Store's Redis is. ``server``: ``url`` as redis-py reads it; ``cluster`` and
    ``sentinel``: the nodes to ask, and for Sentinel the service name and database."""

    kind: str  # "server", "cluster" or "sentinel"
    url: str = ""
    nodes: tuple[tuple[str, int], ...] = ()
    service: str = ""
    db: int = 0
    username: str | None = None
    password: str | None = None
    sentinel_username: str | None = None
    sentinel_password: str | None = None
    tls: bool = False
    ssl_ca_certs: str | None = None


def parse_redis_url(url: str) -> RedisTarget:
    """The target named by url; ValueError (saying what is wrong, never the password) when
    url is none of the three forms."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme in CLUSTER_SCHEMES:
        kind = "cluster"
    elif scheme in SENTINEL_SCHEMES:
        kind = "sentinel"
    elif scheme in ("redis", "rediss", "unix"):
        return RedisTarget("server", url=url)
    else:
        raise ValueError("must start with redis://, rediss://, unix://, redis+cluster:// or "
                         "redis+sentinel://")
    parts = urlsplit(url)
    userinfo, _, hosts = parts.netloc.rpartition("@")
    username, _, password = userinfo.partition(":")
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    unknown = set(options) - _OPTIONS[kind]
    if unknown:
        raise ValueError(f"{scheme}:// takes no option {', '.join(sorted(unknown))}")
    path = [unquote(p) for p in parts.path.split("/") if p]
    service, db = "", 0
    if kind == "cluster" and path:
        raise ValueError("a Redis Cluster has one database: the URL has no path")
    if kind == "sentinel":
        if not path or len(path) > 2:
            raise ValueError("redis+sentinel:// needs /service_name[/db] after the Sentinels")
        service = path[0]
        db = _number(path[1], "the database") if len(path) == 2 else 0
    return RedisTarget(
        kind, nodes=_nodes(hosts, _DEFAULT_PORT[kind]), service=service, db=db,
        username=unquote(username) or None, password=unquote(password) or None,
        sentinel_username=options.get("sentinel_username") or None,
        sentinel_password=options.get("sentinel_password") or None,
        tls=scheme.startswith("rediss"), ssl_ca_certs=options.get("ssl_ca_certs") or None)


def _nodes(hosts: str, default_port: int) -> tuple[tuple[str, int], ...]:
    nodes = []
    for item in hosts.split(","):
        item = item.strip()
        if item.startswith("["):  # [IPv6]:port
            host, _, rest = item[1:].partition("]")
            port = rest.removeprefix(":")
        elif item.count(":") == 1:
            host, _, port = item.partition(":")
        else:
            host, port = item, ""
        if not host:
            raise ValueError("names an empty host")
        nodes.append((host, _number(port, "a port") if port else default_port))
    return tuple(nodes)


def _number(text: str, what: str) -> int:
    if not text.isdigit():
        raise ValueError(f"has {text!r} where {what} should be")
    return int(text)
