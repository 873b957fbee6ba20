"""Console view of the signing keys (state and age) and rotation, through ``SigningKeys``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from admin.access import require
from admin.errors import AdminError
from admin.principal import Admin
from admin.roles import Permission
from admin.trail import need_reason, record_action
from idp.services import Services
from keys.algorithms import ALL_SLOTS


@dataclass(frozen=True)
class KeyRow:
    kid: str
    alg: str
    state: str
    created_at: datetime
    activated_at: datetime | None
    retired_at: datetime | None
    published_until: datetime | None
    age_seconds: int

    @property
    def age(self) -> str:
        """The age as the JSON API gives it: "4 min", "1.5 h", "30.0 d"."""
        return self.age_text("en")

    def age_text(self, lang: str) -> str:
        """The age in the page's language: "4 分钟" (Chinese first) or "4 min"."""
        seconds = self.age_seconds
        minute, hour, day = ("min", "h", "d") if lang == "en" else ("分钟", "小时", "天")
        if seconds >= 86400:
            return f"{seconds / 86400:.1f} {day}"
        if seconds >= 3600:
            return f"{seconds / 3600:.1f} {hour}"
        return f"{seconds // 60} {minute}"


def list_keys(services: Services, admin: Admin) -> list[KeyRow]:
    require(admin, Permission.KEYS_VIEW)
    signing = services.signing_keys
    now = signing.now()
    return [
        KeyRow(info.kid, info.alg, info.state, info.created_at, info.activated_at,
               info.retired_at, info.published_until(signing.longest_token_lifetime),
               int((now - info.created_at).total_seconds()))
        for info in signing.all_keys()
    ]


def rotate(services: Services, admin: Admin, alg: str, reason: str | None):
    """next -> current, current -> retired, a new next (KEY_ROTATE by the keys service)."""
    why = need_reason(reason)
    require(admin, Permission.KEYS_ROTATE)
    if alg not in ALL_SLOTS:
        raise AdminError("bad_input", f"alg: one of {', '.join(ALL_SLOTS)}")
    result = services.signing_keys.rotate(alg, admin.actor)
    with services.db.begin() as session:
        record_action(session, admin, "key.rotate", why, target=alg,
                      before={"current": _previous(result)},
                      after={"current": result.current, "next": result.next})
    return result


def _previous(result) -> str | None:
    return result.retired
