"""Wrong user codes are limited (RFC 8628 §5.1: the user code is guessable in principle, so
the verification URI must limit tries): counted per browser (its device cookie) and per client
address for a quarter of an hour; at the limit the page refuses every code, right or wrong,
until the window ends. The address limit also stops a guesser who drops the cookie."""

from __future__ import annotations

from dataclasses import dataclass

from idp.store import Store

WINDOW_SECONDS = 15 * 60
BROWSER_LIMIT = 5  # a person mistyping twice or three times is far below it
ADDRESS_LIMIT = 30  # a service hall's terminals may share one address


@dataclass(frozen=True)
class Enterer:
    """Who is typing codes: the browser's device id and the client address."""

    browser: str
    address: str | None

    def keys(self) -> list[tuple[str, int]]:
        keys = [(f"device-entry:b:{self.browser}", BROWSER_LIMIT)]
        if self.address:
            keys.append((f"device-entry:ip:{self.address}", ADDRESS_LIMIT))
        return keys


def locked(store: Store, who: Enterer) -> bool:
    return any(int(store.get(key) or 0) >= limit for key, limit in who.keys())


def count_wrong(store: Store, who: Enterer) -> bool:
    """Count one wrong code; True when this one reached a limit (the lockout to audit)."""
    reached = False
    for key, limit in who.keys():
        reached |= store.incr(key, WINDOW_SECONDS) == limit
    return reached
