"""Connections to one directory: failover across its URLs in order, timeouts, TLS, and a small
pool of service-account connections (the searches), so a login costs no new TCP+bind.

A user's password is checked on a connection of its own, never on a pooled one: a bind changes
a connection's identity (RFC 4513 §5.2), and the pool's must stay the service account's.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import ldap

from federation.contract import SourceUnavailable
from federation.ldap.config import LdapConfig, TlsMode

log = logging.getLogger(__name__)
T = TypeVar("T")

# What a directory that is down or hung answers: try the next URL, then give up.
DOWN = (ldap.SERVER_DOWN, ldap.TIMEOUT, ldap.CONNECT_ERROR, ldap.TIMELIMIT_EXCEEDED)
UNAVAILABLE = ("该部门目录暂时不可用，请稍后再试。", "The department directory is unavailable.")


def unavailable(detail: str) -> SourceUnavailable:
    return SourceUnavailable(UNAVAILABLE[0], detail)


def open_bound(config: LdapConfig, dn: str, password: str):
    """A connection bound as dn, from the first URL that answers; ldap.INVALID_CREDENTIALS
    when the directory says no, SourceUnavailable when none answers within the timeout."""
    failures = []
    for url in config.urls:
        conn = _initialize(config, url)
        try:
            if config.tls is TlsMode.STARTTLS:
                conn.start_tls_s()
            conn.simple_bind_s(dn, password)
            return conn
        except DOWN as exc:
            _close(conn)
            failures.append(f"{url}: {type(exc).__name__}")
            log.warning("directory %s did not answer: %s", url, type(exc).__name__)
        except Exception:
            _close(conn)
            raise
    raise unavailable("; ".join(failures))


def _initialize(config: LdapConfig, url: str):
    conn = ldap.initialize(url)
    conn.set_option(ldap.OPT_PROTOCOL_VERSION, 3)
    conn.set_option(ldap.OPT_REFERRALS, 0)  # AD's referrals would bind anonymously elsewhere
    conn.set_option(ldap.OPT_NETWORK_TIMEOUT, config.timeout)  # connect()
    conn.set_option(ldap.OPT_TIMEOUT, config.timeout)  # every synchronous operation
    conn.timeout = config.timeout  # python-ldap's own wait in result() of the *_s calls
    if config.tls is not TlsMode.NONE:
        conn.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)
        if config.ca_file:
            conn.set_option(ldap.OPT_X_TLS_CACERTFILE, config.ca_file)
        conn.set_option(ldap.OPT_X_TLS_NEWCTX, 0)  # the options above apply from here on
    return conn


class Pool:
    """At most ``size`` idle service-account connections; a connection that failed is dropped,
    never returned to the pool."""

    def __init__(self, config: LdapConfig) -> None:
        self.config = config
        self._idle: list = []
        self._lock = threading.Lock()

    def run(self, operation: Callable[[Any], T]) -> T:
        """operation(conn) on a pooled connection. A reused connection the directory has
        since dropped (an idle timeout, a restart: SERVER_DOWN) is retried once on a fresh
        one, which fails over across the URLs; a hung one (TIMEOUT) is not: the person has
        waited long enough."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is not None:
            try:
                return self._use(conn, operation)
            except ldap.SERVER_DOWN:
                log.info("a pooled connection was closed by the directory; reconnecting")
        return self._use(self._service_bind(), operation)

    def _use(self, conn, operation: Callable[[Any], T]) -> T:
        try:
            result = operation(conn)
        except BaseException:
            _close(conn)
            raise
        with self._lock:
            if len(self._idle) < self.config.pool_size:
                self._idle.append(conn)
                return result
        _close(conn)
        return result

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            _close(conn)

    def _service_bind(self):
        try:
            return open_bound(self.config, self.config.bind_dn, self.config.bind_password)
        except ldap.INVALID_CREDENTIALS as exc:  # the directory refuses our service account
            raise unavailable("the service account's bind was refused") from exc


def _close(conn) -> None:
    try:
        conn.unbind_s()
    except ldap.LDAPError:
        pass
