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
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from idp.settings import Settings
from idp.store import Store, change

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
    # The upstream identity provider (its name) the last authentication came through (issue
    # 15; amr "fed"), None for a local one: a relying party that names its upstreams checks it.
    upstream: str | None = None

    @property
    def acr(self) -> str:
        return str(self.level)


_FIELD_NAMES = frozenset(declared.name for declared in fields(SsoSession))

SessionEndListener = Callable[[SsoSession, Any], None]
# Called as revoker(session, participant_key, participant_data) when the person revokes one
# signed-in site from "my account" (e.g. OIDC revokes that client's tokens for the sid).
ParticipantRevoker = Callable[[SsoSession, str, dict[str, Any]], None]
# Called as source(session) before a session ends: the front-channel logout URLs of the sites
# it signed in to, for the logout page's iframes (one source per protocol: "oidc", "saml").
FrontChannelSource = Callable[[SsoSession], list[str]]


class SessionService:
    """Create, load, change and end SSO sessions; ``end`` tells every registered listener."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.absolute = settings.session_absolute_seconds
        self.idle = settings.session_idle_seconds
        self.end_listeners: list[SessionEndListener] = []
        self.participant_revokers: list[ParticipantRevoker] = []
        self.frontchannel_sources: dict[str, FrontChannelSource] = {}

    def create(
        self, *, account_id: str, username: str, level: int, amr: list[str],
        acting_for: dict[str, Any] | None = None, upstream: str | None = None,
        now: int | None = None,
    ) -> tuple[str, SsoSession]:
        """A new session; returns (cookie token, session)."""
        now = now or int(time.time())
        session = SsoSession(
            sid=secrets.token_urlsafe(16), account_id=account_id, username=username,
            auth_time=now, amr=amr, level=level, created_at=now, last_seen=now,
            acting_for=acting_for, upstream=upstream,
        )
        token = f"{session.sid}.{secrets.token_urlsafe(32)}"
        self._save(_digest(token), session, now)
        self._index_add(session.account_id, session.sid, now)
        return token, _remember(session)

    def load(self, token: str | None, now: int | None = None) -> SsoSession | None:
        """The live session for a cookie token, or None; extends the idle timer."""
        found = self._by_token(token)
        if found is None:
            return None
        now = now or int(time.time())
        raw, entry = found
        session = _session(raw, entry)
        if not self._alive(session, now):
            return None
        if now - session.last_seen >= _TOUCH_EVERY:
            session.last_seen = now
            # One try: a failed swap means another request just wrote a fresher entry (and
            # extended the session); writing this older copy over it would lose its change.
            self.store.swap(f"sso:{session.sid}", raw, _dump(entry["secret_hash"], session),
                            self._ttl(session, now))
        return session

    def update(self, token: str, session: SsoSession, now: int | None = None) -> None:
        """Store changes made to a loaded session (re-authentication, participants, acting_for).

        Only what the caller changed since loading is applied, to the newest stored entry:
        a site another request added meanwhile stays, and a participant the caller removed
        goes. Nothing is written for a session that has ended or a token not its own.
        """
        self._merge(token, session, now)

    def reauthenticate(
        self, token: str, session: SsoSession, *, level: int, amr: list[str],
        upstream: str | None = None, now: int | None = None,
    ) -> None:
        """A new authentication in the same session: same sid, fresh ``auth_time`` (this is
        what satisfies prompt=login, max_age and ForceAuthn)."""
        now = now or int(time.time())
        session.auth_time, session.last_seen, session.level, session.amr = now, now, level, amr
        session.upstream = upstream
        # The new authentication replaces the old one's facts even where they look unchanged.
        self._merge(token, session, now, force=("auth_time", "level", "amr", "upstream"))

    def add_participant(self, token: str, key: str, data: dict[str, Any] | None = None) -> None:
        """Record a relying party signed in through the session ("oidc:<id>", "saml:<id>")."""

        def add(session: SsoSession) -> bool:
            if session.participants.get(key) == (data or {}):
                return False
            session.participants[key] = data or {}
            return True

        self._edit(token, add)

    def revoke_participant(self, token: str, key: str) -> bool:
        """Remove one signed-in site and tell every registered revoker; False if absent."""
        removed: dict[str, Any] = {}

        def remove(session: SsoSession) -> bool:
            if key not in session.participants:
                return False
            removed[key] = session.participants.pop(key)
            return True

        session = self._edit(token, remove)
        if session is None:
            return False
        for revoker in self.participant_revokers:
            revoker(session, key, removed[key])
        return True

    def by_sid(self, sid: str) -> SsoSession | None:
        found = self._read(sid) if is_token_id(sid) else None
        return _session(*found) if found else None

    def for_account(self, account_id: str) -> list[SsoSession]:
        now = int(time.time())
        found = (self.by_sid(sid) for sid in self._index(account_id))
        return [s for s in found if s is not None and self._alive(s, now)]

    def stop_acting_for(self, account_id: str, legal_person_id: str) -> int:
        """The account's sessions acting for that legal person act for nobody any more (its
        authorisation ended): later tokens and assertions carry no ``legal_person``. Returns
        how many sessions changed."""
        now = int(time.time())

        def drop(raw: str | None) -> tuple[str, int] | None:
            entry = json.loads(raw) if raw else None
            if entry is None or (entry["session"].get("acting_for") or {}).get("id") \
                    != legal_person_id:
                return None
            session = stored_session(entry["session"])
            session.acting_for = None
            return _dump(entry["secret_hash"], session), self._ttl(session, now)

        return sum(change(self.store, f"sso:{sid}", drop) for sid in self._index(account_id))

    def end(self, *, token: str | None = None, sid: str | None = None, context: Any = None):
        """End one session (by cookie token or sid); returns it, or None if none was live.

        Listeners (OIDC back-channel logout, SAML single logout, audit) run after the session
        is gone from the Store, so a failing listener cannot keep it alive.
        """
        if token is not None:
            found = self._by_token(token)  # a forged token ends nothing
            sid = found[1]["session"]["sid"] if found else None
        if not is_token_id(sid):
            return None
        raw = self.store.take(f"sso:{sid}")
        if raw is None:
            return None
        session = stored_session(json.loads(raw)["session"])
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
        self.store.put(f"sso:{session.sid}", _dump(secret_hash, session), self._ttl(session, now))

    def _read(self, sid: str) -> tuple[str, dict[str, Any]] | None:
        """(raw entry, parsed entry) of a stored session; the raw text is what a swap expects."""
        raw = self.store.get(f"sso:{sid}")
        return (raw, json.loads(raw)) if raw else None

    def _by_token(self, token: str | None) -> tuple[str, dict[str, Any]] | None:
        """(raw, entry) when token is a live session's cookie, compared in constant time;
        None for a missing, malformed or forged token."""
        sid, dot, _ = (token or "").partition(".")
        found = self._read(sid) if dot and is_token_id(sid) else None
        if found is None or not hmac.compare_digest(found[1]["secret_hash"], _digest(token)):
            return None
        return found

    def _edit(
        self, token: str, apply: Callable[[SsoSession], bool], now: int | None = None
    ) -> SsoSession | None:
        """Change the token's live session with ``apply`` (False: nothing to change) on the
        newest stored entry; the session as written, or None when nothing was written."""
        now = now or int(time.time())
        sid, digest = token.partition(".")[0], _digest(token)
        written: list[SsoSession] = []  # set by mutate; read only when its write succeeded

        def mutate(raw: str | None) -> tuple[str, int] | None:
            entry = json.loads(raw) if raw else None
            # The same check as load(): a forged token or an ended session changes nothing.
            if entry is None or not hmac.compare_digest(entry["secret_hash"], digest):
                return None
            session = stored_session(entry["session"])
            if not self._alive(session, now) or not apply(session):
                return None
            session.last_seen = max(session.last_seen, now)  # a change is a use
            written[:] = [session]
            return _dump(entry["secret_hash"], session), self._ttl(session, now)

        return written[0] if is_token_id(sid) and change(self.store, f"sso:{sid}", mutate) else None

    def _merge(
        self, token: str, session: SsoSession, now: int | None, force: tuple[str, ...] = ()
    ) -> None:
        """Apply the fields the caller changed in ``session`` since it was loaded (and those in
        ``force``) to the newest stored entry; participants per site, so sites added or removed
        by concurrent requests are kept as they are."""
        if token.split(".", 1)[0] != session.sid:
            raise ValueError("the token is not this session's")
        mine = asdict(session)
        # As loaded; for a session not loaded through this service every field counts as changed.
        base: dict[str, Any] = getattr(session, "_loaded", {})
        sites, base_sites = mine.pop("participants"), base.get("participants", {})

        def apply(stored: SsoSession) -> bool:
            for name, value in mine.items():
                if name in force or (name != "last_seen" and value != base.get(name)):
                    setattr(stored, name, value)
            for key in base_sites.keys() - sites.keys():
                stored.participants.pop(key, None)
            stored.participants.update(
                {k: v for k, v in sites.items() if base_sites.get(k) != v})
            return True

        written = self._edit(token, apply, now)
        if written is not None:  # the caller's object now mirrors the Store, its new baseline
            vars(session).update(vars(_remember(written)))

    # The per-account index maps session ids to the end of their absolute lifetime, so
    # "my account", the admin console and logout-by-subject can find every session of a
    # person. Entries past that end are pruned on write by time alone: no read per session,
    # however many sessions an account has opened.
    def _index(self, account_id: str) -> dict[str, int]:
        return _index_entries(self.store.get(f"sso-account:{account_id}"))

    def _index_add(self, account_id: str, sid: str, now: int) -> None:
        def add(raw: str | None) -> tuple[str, int]:
            entries = {k: end for k, end in _index_entries(raw).items() if end > now}
            entries[sid] = now + self.absolute
            return json.dumps(entries), self.absolute

        change(self.store, f"sso-account:{account_id}", add)

    def _index_remove(self, account_id: str, sid: str) -> None:
        def remove(raw: str | None) -> tuple[str, int] | None:
            entries = _index_entries(raw)
            if entries.pop(sid, None) is None:
                return None
            return json.dumps(entries), self.absolute

        change(self.store, f"sso-account:{account_id}", remove)


def is_token_id(value: str | None) -> bool:
    """True for a plausible random id (base64url, as ``secrets.token_urlsafe`` makes): anything
    else (NUL bytes, which PostgreSQL refuses, or junk) is never looked up."""
    return bool(value) and len(value) <= 64 and _TOKEN_ID.fullmatch(value) is not None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def stored_session(stored: dict[str, Any]) -> SsoSession:
    """A session from its stored fields. Fields this version does not know are left out: in
    a rolling upgrade a node still on the older version reads sessions the newer ones wrote."""
    return SsoSession(**{name: value for name, value in stored.items() if name in _FIELD_NAMES})


def _session(raw: str, entry: dict[str, Any]) -> SsoSession:
    """The session of a stored entry, remembering its fields as stored (see _remember); a
    second parse of the raw text is that copy, at a fraction of asdict's cost."""
    session = stored_session(entry["session"])
    session._loaded = json.loads(raw)["session"]  # type: ignore[attr-defined]
    return session


def _remember(session: SsoSession) -> SsoSession:
    """Keep a copy of the session's fields as stored, so update() applies only what the
    caller changes afterwards (asdict copies nested values)."""
    session._loaded = asdict(session)  # type: ignore[attr-defined] - not a stored field
    return session


def _dump(secret_hash: str, session: SsoSession) -> str:
    return json.dumps({"secret_hash": secret_hash, "session": asdict(session)})


def _index_entries(raw: str | None) -> dict[str, int]:
    entries = json.loads(raw) if raw else {}
    return entries if isinstance(entries, dict) else {}
