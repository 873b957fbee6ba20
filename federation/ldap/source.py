"""A staff directory as a ``federation.contract.CredentialSource``: find the entry with the
service account, then bind as it with the typed password (never kept here).

The typed login name reaches the directory only escaped (RFC 4515 §3, ``escape_filter_chars``)
inside the ``username`` mapping's equality filter, ANDed with the directory's user filter: a
name such as ``*)(uid=*`` matches nobody.
"""

from __future__ import annotations

from dataclasses import dataclass

import ldap
from ldap.filter import escape_filter_chars

from federation.contract import SourceKind, SourceRefused, UpstreamIdentity, granted_level
from federation.ldap.attributes import first_value, stable_id
from federation.ldap.attributes import mapped as attribute_map
from federation.ldap.config import LdapConfig
from federation.ldap.connection import DOWN, Pool, open_bound, unavailable
from federation.ldap.search import Entry, paged_search

REFUSED = ("用户名或密码错误。", "Wrong username or password.")
GROUP_FILTER = "(&(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))(|(member={dn})" \
               "(uniqueMember={dn})))"


@dataclass(frozen=True)
class Probe:
    """What ``idp federation test`` reports: the URL that answered and what one search found."""

    entries: int
    sample: str | None  # the first entry's DN


class LdapSource:
    kind = SourceKind.LDAP

    def __init__(self, name: str, config: LdapConfig) -> None:
        self.name = name
        self.config = config
        self.pool = Pool(config)

    def check_password(self, username: str, password: str) -> UpstreamIdentity:
        # RFC 4513 §5.1.2: an empty password is an unauthenticated bind that "succeeds".
        if not username or not password:
            raise SourceRefused(REFUSED[0], "empty username or password")
        dn, attrs = self._find(username)
        try:
            open_bound(self.config, dn, password).unbind_s()
        except ldap.INVALID_CREDENTIALS as exc:
            raise SourceRefused(REFUSED[0], f"bind refused for {dn}") from exc
        except ldap.LDAPError as exc:  # locked in AD, constraint, ...: a refusal
            raise SourceRefused(REFUSED[0], f"bind error {type(exc).__name__}") from exc
        groups = self._groups(dn)
        return self._identity(dn, attrs, groups)

    def probe(self) -> Probe:
        """Bind with the service account and search the users once (at most 5 entries)."""
        found = self._search(self.config.user_base, self.config.user_filter, ["1.1"], limit=5)
        return Probe(entries=len(found), sample=found[0][0] if found else None)

    def close(self) -> None:
        self.pool.close()

    def _find(self, username: str) -> Entry:
        attribute = self.config.mapping["username"]
        filterstr = f"(&{self.config.user_filter}({attribute}={escape_filter_chars(username)}))"
        wanted = [*self.config.mapping.values(), "entryUUID", "objectGUID"]
        found = self._search(self.config.user_base, filterstr, wanted, limit=2)
        if len(found) != 1:  # nobody, or an ambiguous name: no bind is tried
            raise SourceRefused(REFUSED[0], f"{len(found)} entries for the name")
        return found[0]

    def _groups(self, dn: str) -> list[str]:
        if not self.config.group_base:
            return []
        escaped = escape_filter_chars(dn)
        found = self._search(self.config.group_base, GROUP_FILTER.format(dn=escaped), ["cn"])
        return sorted(first_value(attrs, "cn") or group_dn for group_dn, attrs in found)

    def _search(self, base: str, filterstr: str, attributes: list[str],
                limit: int | None = None) -> list[Entry]:
        try:
            return self.pool.run(lambda conn: paged_search(
                conn, base, filterstr, attributes, page_size=self.config.page_size, limit=limit))
        except DOWN as exc:
            raise unavailable(f"search: {type(exc).__name__}") from exc
        except ldap.NO_SUCH_OBJECT:
            return []

    def _identity(self, dn: str, attrs: dict[str, list[bytes]],
                  groups: list[str]) -> UpstreamIdentity:
        mapped = attribute_map(attrs, self.config.mapping)
        mapped["entry_dn"] = dn
        mapped["groups"] = "\n".join(groups)
        roles = sorted({self.config.group_roles[g] for g in groups if g in self.config.group_roles})
        mapped["roles"] = "\n".join(roles)
        return UpstreamIdentity(source=self.name, kind=self.kind, subject=stable_id(attrs, dn),
                                # A directory asserts no level: its staff get the one the
                                # operator configured (the department verified them).
                                level=granted_level(self.config.level, ceiling=2),
                                amr=("pwd",), attributes=mapped)


def build(name: str, config) -> LdapSource:
    """The ``federation.registry`` factory: config is the row's JSON plus the unsealed secret."""
    return LdapSource(name, LdapConfig.from_row(config, config["bind_password"]))
