"""Reading a whole directory for a sync: its user entries page by page on a connection of
their own (a paged search's cookie is bound to its connection, RFC 2696 §3, so it cannot
share the login pool), each entry's mapped attributes, and every group's members at once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import ldap
from ldap.filter import escape_filter_chars

from federation.ldap.attributes import first_value, mapped, stable_id
from federation.ldap.config import LdapConfig
from federation.ldap.connection import DOWN, open_bound, unavailable
from federation.ldap.search import iter_pages, paged_search

GROUPS = "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))"
CHANGED = "modifyTimestamp"  # RFC 4512 §3.4: every entry's operational change time


@dataclass(frozen=True)
class DirectoryEntry:
    subject: str  # entryUUID, objectGUID, else the DN (as LdapSource's logins)
    dn: str
    attributes: dict[str, str]  # our names (federation.ldap.config.DEFAULT_MAPPING)
    changed: str | None  # its modifyTimestamp (GeneralizedTime), if the directory keeps one


def read_entries(config: LdapConfig, *, since: str | None = None,
                 page_size: int | None = None) -> Iterator[list[DirectoryEntry]]:
    """The user entries (changed at or after ``since`` when given), a page at a time.
    SourceUnavailable when the directory is down or stops answering mid-way."""
    filterstr = config.user_filter
    if since:  # ">=" so an entry changed in the same second as the last sync is seen again
        filterstr = f"(&{filterstr}({CHANGED}>={escape_filter_chars(since)}))"
    wanted = [*config.mapping.values(), "entryUUID", "objectGUID", CHANGED]
    try:
        conn = open_bound(config, config.bind_dn, config.bind_password)
    except ldap.INVALID_CREDENTIALS as exc:
        raise unavailable("the service account's bind was refused") from exc
    try:
        for page in iter_pages(conn, config.user_base, filterstr, wanted,
                               page_size=page_size or config.page_size):
            yield [_entry(config, dn, attrs) for dn, attrs in page]
    except DOWN as exc:
        raise unavailable(f"sync search: {type(exc).__name__}") from exc
    except ldap.NO_SUCH_OBJECT:
        return
    finally:
        try:
            conn.unbind_s()
        except ldap.LDAPError:
            pass


def groups_by_member(config: LdapConfig) -> dict[str, list[str]]:
    """Lower-cased member DN -> the cn of each group it is in: one search of a few hundred
    groups instead of one group search per entry."""
    if not config.group_base:
        return {}
    try:
        conn = open_bound(config, config.bind_dn, config.bind_password)
    except ldap.INVALID_CREDENTIALS as exc:
        raise unavailable("the service account's bind was refused") from exc
    try:
        found = paged_search(conn, config.group_base, GROUPS,
                             ["cn", "member", "uniqueMember"], page_size=config.page_size)
    except DOWN as exc:
        raise unavailable(f"group search: {type(exc).__name__}") from exc
    except ldap.NO_SUCH_OBJECT:
        found = []
    finally:
        try:
            conn.unbind_s()
        except ldap.LDAPError:
            pass
    members: dict[str, list[str]] = {}
    for dn, attrs in found:
        cn = first_value(attrs, "cn") or dn
        for key, values in attrs.items():
            if key.lower() in ("member", "uniquemember"):
                for value in values:
                    members.setdefault(value.decode("utf-8").lower(), []).append(cn)
    return {dn: sorted(cns) for dn, cns in members.items()}


def _entry(config: LdapConfig, dn: str, attrs: dict[str, list[bytes]]) -> DirectoryEntry:
    return DirectoryEntry(subject=stable_id(attrs, dn), dn=dn,
                          attributes=mapped(attrs, config.mapping),
                          changed=first_value(attrs, CHANGED))
