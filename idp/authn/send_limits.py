"""How often SMS may go out (SMS bombing, toll fraud): counted in the Store, on every node.

Per phone: one message per ``sms_phone_interval_seconds`` and ``sms_phone_daily`` per Beijing
calendar day; per client IP: ``sms_ip_hourly`` per clock hour. Every message to a phone counts,
whatever it says, so a registered phone and a new one are limited alike. Callers may pass
``now``; the Store's TTLs only clean up.
"""

from __future__ import annotations

import time
from enum import StrEnum

from idp.settings import Settings
from idp.store import Store, change

BEIJING_OFFSET = 8 * 3600
DAY = 24 * 3600
HOUR = 3600


class SendRefusal(StrEnum):
    IP_LIMIT = "ip_limit"
    TOO_SOON = "too_soon"
    DAILY_LIMIT = "daily_limit"
    UNAVAILABLE = "unavailable"  # not a limit: the sender failed (idp.notify)


class SendLimits:
    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.s = settings

    def take_send(self, phone_tag: str, ip: str | None, now: int | None = None) \
            -> SendRefusal | None:
        """Count one message to the phone (its digest) from ip, or say why it may not go."""
        now = now or int(time.time())
        if ip and self.store.incr(f"sms:ip:{ip}:{now // HOUR}", HOUR) > self.s.sms_ip_hourly:
            return SendRefusal.IP_LIMIT
        if not self._interval_passed(phone_tag, now):
            return SendRefusal.TOO_SOON
        day = (now + BEIJING_OFFSET) // DAY
        if self.store.incr(f"sms:day:{phone_tag}:{day}", DAY + HOUR) > self.s.sms_phone_daily:
            return SendRefusal.DAILY_LIMIT
        return None

    def _interval_passed(self, phone_tag: str, now: int) -> bool:
        """Record this send's time unless the last one is younger than the interval (a
        compare-and-set: of two concurrent sends only one passes)."""
        interval = self.s.sms_phone_interval_seconds

        def mutate(last: str | None):
            if last is not None and now - int(last) < interval:
                return None
            return str(now), max(interval, 1)

        return change(self.store, f"sms:last:{phone_tag}", mutate)
