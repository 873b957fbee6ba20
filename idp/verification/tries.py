"""How many verification tries an account and an IP may make in an hour (Store counters).

Every try counts, matched or not: the register answers whether a name fits a number, so
unlimited tries would make it an oracle for guessing someone's ID number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from idp.verification.errors import VerificationError

if TYPE_CHECKING:
    from idp.services import Services

WINDOW_SECONDS = 3600


def take_try(services: Services, kind: str, account_id: str, ip: str | None) -> None:
    """Count one try of kind ("person" | "entity"); VerificationError ``too_many_tries`` once
    the account or the IP is over ``IDP_VERIFY_TRIES_PER_HOUR``."""
    limit = services.settings.verify_tries_per_hour
    counts = [services.store.incr(f"verify:{kind}:acct:{account_id}", WINDOW_SECONDS)]
    if ip:
        counts.append(services.store.incr(f"verify:{kind}:ip:{ip}", WINDOW_SECONDS))
    if max(counts) > limit:
        raise VerificationError("too_many_tries")
