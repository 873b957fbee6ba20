"""SSO sessions in the Store, shared by every node.

The browser holds an opaque token (cookie) "<sid>.<secret>"; the Store keeps one entry per
session, "sso:<sid>", holding the session and only a hash of the secret, so a dump of the Store
yields no usable cookie. ``sid`` is the public id, used as the OIDC ``sid`` claim and the SAML
``SessionIndex``. One entry per session keeps a login to two Store writes (session, index).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from idp.settings import Settings
from idp.store import Store

COOKIE_NAME = "yiwang_sso"
_TOKEN_ID = re.compile(r"[A-Za-z0-9_-]+")
# Refresh the idle timer at most this often, so reads do not write on every request.
_TOUCH_EVERY = 60


@dataclass
class SsoSession:
    sid: str
    account_id: str
    username: str
    auth_time: int  # epoch seconds of the last (re-)authentication
    amr: list[str]  # RFC 8176 methods: "pwd", "otp", ...
    level: int  # assurance level reached: the person's 1 or 2, 3 with a second factor
    created_at: int
    last_seen: int
    acting_for: dict[str, Any] | None = None  # {"id", "name", "credit_code", "role"}
    # Relying parties signed in through this session: "oidc:<client_id>" or
    # "saml:<entity_id>" -> what their logout needs (e.g. SAML NameID).
    participants: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def acr(self) -> str:
        return str(self.level)


SessionEndListener = Callable[[SsoSession, Any], None]
# Called as revoker(session, participant_key, participant_data) when the person revokes one
# signed-in site from "my account" (e.g. OIDC revokes that client's tokens for the sid).
ParticipantRevoker = Callable[[SsoSession, str, dict[str, Any]], None]


class SessionService:
    """Create, load, change and end SSO sessions; ``end`` tells every registered listener."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.absolute = settings.session_absolute_seconds
        self.idle = settings.session_idle_seconds
        self.end_listeners: list[SessionEndListener] = []
        self.participant_revokers: list[ParticipantRevoker] = []

    def create(
        self, *, account_id: str, username: str, level: int, amr: list[str],
        acting_for: dict[str, Any] | None = None, now: int | None = None,
    ) -> tuple[str, SsoSession]:
        """A new session; returns (cookie token, session)."""
        now = now or int(time.time())
        session = SsoSession(
            sid=secrets.token_urlsafe(16), account_id=account_id, username=username,
            auth_time=now, amr=amr, level=level, created_at=now, last_seen=now,
            acting_for=acting_for,
        )
        token = f"{session.sid}.{secrets.token_urlsafe(32)}"
        self._save(_digest(token), session, now)
        self._index_add(session.account_id, session.sid, now)
        return token, session

    def load(self, token: str | None, now: int | None = None) -> SsoSession | None:
        """The live session for a cookie token, or None; extends the idle timer."""
        found = self._by_token(token)
        if found is None:
            return None
        now = now or int(time.time())
        secret_hash, session = found
        if not self._alive(session, now):
            return None
        if now - session.last_seen >= _TOUCH_EVERY:
            session.last_seen = now
            self._save(secret_hash, session, now)
        return session

    def update(self, token: str, session: SsoSession, now: int | None = None) -> None:
        """Store changes made to a loaded session (re-authentication, participants, acting_for)."""
        if token.split(".", 1)[0] != session.sid:
            raise ValueError("the token is not this session's")
        self._save(_digest(token), session, now or int(time.time()))

    def reauthenticate(
        self, token: str, session: SsoSession, *, level: int, amr: list[str],
        now: int | None = None,
    ) -> None:
        """A new authentication in the same session: same sid, fresh ``auth_time`` (this is
        what satisfies prompt=login, max_age and ForceAuthn)."""
        now = now or int(time.time())
        session.auth_time, session.last_seen, session.level, session.amr = now, now, level, amr
        self._save(_digest(token), session, now)

    def add_participant(self, token: str, key: str, data: dict[str, Any] | None = None) -> None:
        """Record a relying party signed in through the session ("oidc:<id>", "saml:<id>")."""
        session = self.load(token)
        if session is not None and session.participants.get(key) != (data or {}):
            session.participants[key] = data or {}
            self.update(token, session)

    def revoke_participant(self, token: str, key: str) -> bool:
        """Remove one signed-in site and tell every registered revoker; False if absent."""
        session = self.load(token)
        if session is None or key not in session.participants:
            return False
        data = session.participants.pop(key)
        self.update(token, session)
        for revoker in self.participant_revokers:
            revoker(session, key, data)
        return True

    def by_sid(self, sid: str) -> SsoSession | None:
        found = self._get(sid) if is_token_id(sid) else None
        return found[1] if found else None

    def for_account(self, account_id: str) -> list[SsoSession]:
        now = int(time.time())
        found = (self._get(sid) for sid in self._index(account_id))
        return [f[1] for f in found if f is not None and self._alive(f[1], now)]

    def end(self, *, token: str | None = None, sid: str | None = None, context: Any = None):
        """End one session (by cookie token or sid); returns it, or None if none was live.

        Listeners (OIDC back-channel logout, SAML single logout, audit) run after the session
        is gone from the Store, so a failing listener cannot keep it alive.
        """
        if token is not None:
            found = self._by_token(token)  # a forged token ends nothing
            sid = found[1].sid if found else None
        if not is_token_id(sid):
            return None
        raw = self.store.take(f"sso:{sid}")
        if raw is None:
            return None
        session = SsoSession(**json.loads(raw)["session"])
        self._index_remove(session.account_id, sid)
        for listener in self.end_listeners:
            listener(session, context)
        return session

    def end_all_for_account(self, account_id: str, context: Any = None) -> int:
        ended = 0
        for session in self.for_account(account_id):
            ended += self.end(sid=session.sid, context=context) is not None
        return ended

    # -- storage -----------------------------------------------------------------------
    def _alive(self, session: SsoSession, now: int) -> bool:
        return now < session.created_at + self.absolute and now < session.last_seen + self.idle

    def _ttl(self, session: SsoSession, now: int) -> int:
        return max(1, min(session.created_at + self.absolute, now + self.idle) - now)

    def _save(self, secret_hash: str, session: SsoSession, now: int) -> None:
        entry = {"secret_hash": secret_hash, "session": asdict(session)}
        self.store.put(f"sso:{session.sid}", json.dumps(entry), self._ttl(session, now))

    def _get(self, sid: str) -> tuple[str, SsoSession] | None:
        raw = self.store.get(f"sso:{sid}")
        if not raw:
            return None
        entry = json.loads(raw)
        return entry["secret_hash"], SsoSession(**entry["session"])

    def _by_token(self, token: str | None) -> tuple[str, SsoSession] | None:
        """(secret hash, session) when token is a live session's cookie, compared in constant
        time; None for a missing, malformed or forged token."""
        sid, dot, _ = (token or "").partition(".")
        found = self._get(sid) if dot and is_token_id(sid) else None
        if found is None or not hmac.compare_digest(found[0], _digest(token)):
            return None
        return found

    # The per-account index maps session ids to the end of their absolute lifetime, so
    # "my account", the admin console and logout-by-subject can find every session of a
    # person. Entries past that end are pruned on write by time alone: no read per session,
    # however many sessions an account has opened.
    def _index(self, account_id: str) -> dict[str, int]:
        raw = self.store.get(f"sso-account:{account_id}")
        entries = json.loads(raw) if raw else {}
        return entries if isinstance(entries, dict) else {}

    def _index_add(self, account_id: str, sid: str, now: int) -> None:
        entries = {k: end for k, end in self._index(account_id).items() if end > now}
        entries[sid] = now + self.absolute
        self.store.put(f"sso-account:{account_id}", json.dumps(entries), self.absolute)

    def _index_remove(self, account_id: str, sid: str) -> None:
        entries = self._index(account_id)
        if entries.pop(sid, None) is not None:
            self.store.put(f"sso-account:{account_id}", json.dumps(entries), self.absolute)


def is_token_id(value: str | None) -> bool:
    """True for a plausible random id (base64url, as ``secrets.token_urlsafe`` makes): anything
    else (NUL bytes, which PostgreSQL refuses, or junk) is never looked up."""
    return bool(value) and len(value) <= 64 and _TOKEN_ID.fullmatch(value) is not None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
