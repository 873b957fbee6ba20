"""The one search helper: paged (RFC 2696) so a directory's size limit never truncates it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import ldap
from ldap.controls import SimplePagedResultsControl

Entry = tuple[str, dict[str, list[bytes]]]


def paged_search(conn, base: str, filterstr: str, attributes: Sequence[str] | None,
                 *, page_size: int = 500, limit: int | None = None) -> list[Entry]:
    """Every entry under base matching filterstr (at most ``limit``), asking page by page.
    The filter must already be built with escaped values (``ldap.filter``)."""
    found: list[Entry] = []
    for page in iter_pages(conn, base, filterstr, attributes, page_size=page_size):
        found.extend(page)
        if limit is not None and len(found) >= limit:
            return found[:limit]
    return found


def iter_pages(conn, base: str, filterstr: str, attributes: Sequence[str] | None,
               *, page_size: int = 500) -> Iterator[list[Entry]]:
    """The same search, one page at a time (what a sync works through, a page per
    transaction). The cookie lives only on this connection (RFC 2696 §3)."""
    control = SimplePagedResultsControl(True, size=page_size, cookie=b"")
    while True:
        msgid = conn.search_ext(base, ldap.SCOPE_SUBTREE, filterstr,
                                list(attributes) if attributes else None,
                                serverctrls=[control])
        _, data, _, controls = conn.result3(msgid, timeout=conn.timeout)
        yield [(dn, attrs) for dn, attrs in data if dn]  # not search references
        cookie = next((c.cookie for c in controls
                       if c.controlType == SimplePagedResultsControl.controlType), b"")
        if not cookie:
            return
        control.cookie = cookie
