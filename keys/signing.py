"""``SigningKeys``: the one way the IdP signs and verifies JWTs and gets its SAML key.

Decrypted keys are cached per process (signing is then only the signature's cost). Every
``REFRESH_SECONDS`` the service reads the slots' generation, one small query, and reloads the
key list if another node (or the CLI) changed it; on that same beat it applies the rotation
schedule and removes expired retired keys, so no separate job is needed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from joserfc import jwt
from joserfc.jwk import import_key
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from idp.audit import Actor
from idp.db import Database, utcnow
from idp.settings import Settings, SettingsError
from keys.algorithms import JWT_ALGORITHMS, RSA_BITS, SAML, JoseKey, JwtRegistry, from_pem
from keys.algorithms import jose_key as make_jose_key
from keys.certificates import CertificateError, load_pair
from keys.compact_jws import SIGNERS, CompactSigner
from keys.data_keys import Keyring
from keys.lifecycle import Lifecycle, NewKey, Rotation, aware, seal_context
from keys.models import KeySlot, KeyState, SigningKey
from keys.sealing import FieldCipher
from keys.verification import TokenVerificationError, decode

__all__ = ["KeyInfo", "SigningKeys", "TokenVerificationError"]

log = logging.getLogger(__name__)

REFRESH_SECONDS = 2.0
_ORDER = {KeyState.CURRENT: 0, KeyState.NEXT: 1, KeyState.RETIRED: 2}
# OIDC Core §15.1: RS256 is the algorithm every relying party supports; the JWKS always has it.
DEFAULT_ALG = "RS256"
_NEVER = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class KeyInfo:
    """Public facts about one stored key (what `idp keys list` shows)."""

    kid: str
    alg: str
    state: str
    jwk: dict[str, Any]
    certificate: str | None
    created_at: datetime
    activated_at: datetime | None
    retired_at: datetime | None
    sealed: str

    def published_until(self, lifetime: timedelta) -> datetime | None:
        return self.retired_at + lifetime if self.retired_at else None


class SigningKeys:
    def __init__(
        self, db: Database, keyring: Keyring, settings: Settings,
        clock: Callable[[], datetime] = utcnow, refresh_seconds: float = REFRESH_SECONDS,
    ) -> None:
        if settings.rsa_key_bits not in RSA_BITS:
            raise SettingsError("IDP_RSA_KEY_BITS must be 2048 or 3072")
        if settings.key_rotation_days < 0 or settings.longest_token_seconds <= 0:
            raise SettingsError(
                "IDP_KEY_ROTATION_DAYS must be >= 0 and IDP_LONGEST_TOKEN_SECONDS > 0")
        self.db, self.keyring, self.settings, self.clock = db, keyring, settings, clock
        self.longest_token_lifetime = timedelta(seconds=settings.longest_token_seconds)
        self.jwks_max_age = settings.jwks_max_age_seconds
        self.refresh_seconds = refresh_seconds
        self._lock = threading.RLock()
        self._checked = -1e9
        self._generation = -1
        self._keys: dict[str, KeyInfo] = {}
        self._private: dict[str, JoseKey] = {}
        self._signers: dict[str, CompactSigner] = {}  # by kid, over the keys in _private
        self._public: dict[str, JoseKey] = {}
        self._registries = {alg: JwtRegistry(algorithms=[alg]) for alg in JWT_ALGORITHMS}
        self._lifecycle: Lifecycle | None = None
        # (generation, valid until, body, ETag) of the serialised JWK Set (jwks_document).
        self._jwks_document: tuple[int, datetime, bytes, str] | None = None

    # --- signing ---------------------------------------------------------------------------

    def signing_key(self, alg: str = DEFAULT_ALG) -> JoseKey:
        """The private joserfc key (kid, use, alg set) of alg's current key; made on first use."""
        if alg not in JWT_ALGORITHMS:
            raise ValueError(f"unsupported JWT algorithm {alg!r}")
        return self._private_key(self._current(alg))

    def sign_jwt(self, claims: dict, alg: str = DEFAULT_ALG, header: dict | None = None) -> str:
        """A compact JWS of claims by alg's current key; header may add e.g. typ (RFC 9068)."""
        key = self.signing_key(alg)
        if alg in SIGNERS:  # our own header and claims: signed without joserfc (compact_jws)
            signer = self._signers.get(key.kid)
            if signer is None:
                signer = self._signers[key.kid] = CompactSigner(alg, key.kid, key.private_key)
            return signer.sign(claims, header)
        protected = {**(header or {}), "alg": alg, "kid": key.kid}
        return jwt.encode(protected, claims, key, registry=self._registries[alg])

    def saml_signing(self) -> tuple[Any, str]:
        """(cryptography RSA private key, PEM certificate) of the current SAML signing key."""
        info = self._current(SAML)
        return self._private_key(info).private_key, info.certificate or ""

    def saml_certificates(self) -> list[str]:
        """PEM certificates for the IdP metadata: current first, then next (RPs learn it early)."""
        self._current(SAML)
        order = {KeyState.CURRENT: 0, KeyState.NEXT: 1}
        infos = [k for k in self._keys.values() if k.alg == SAML and k.state in order]
        return [k.certificate or "" for k in sorted(infos, key=lambda k: order[k.state])]

    # --- publishing and verifying ----------------------------------------------------------

    def jwks(self) -> dict:
        """RFC 7517 §5 JWK Set of every published JWT key: next, current, unexpired retired.

        Per algorithm the current key comes first: a relying party that ignores kid and takes
        the first key of the right alg still verifies new tokens.
        """
        self._current(DEFAULT_ALG)
        keys = sorted(self.published(), key=lambda k: (k.alg, _ORDER[k.state]))
        return {"keys": [dict(k.jwk) for k in keys if k.alg != SAML]}

    def jwks_document(self) -> tuple[bytes, str]:
        """The JWK Set as JSON bytes and its strong ETag (RFC 9110 §8.8.3), made again only
        when the published keys change: a rotation on any node (the slots' generation) or a
        retired key leaving the set. The ETag is a digest of the bytes, so every node sharing
        the database gives the same one and a balancer's 304s stay right."""
        self._current(DEFAULT_ALG)
        now, cached = self.now(), self._jwks_document
        if cached is not None and cached[0] == self._generation and now < cached[1]:
            return cached[2], cached[3]
        generation = self._generation
        body = json.dumps(self.jwks(), separators=(",", ":")).encode()
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        ends = [k.published_until(self.longest_token_lifetime) for k in self.published()]
        until = min((end for end in ends if end is not None), default=_NEVER)
        self._jwks_document = (generation, until, body, etag)
        return body, etag

    def published(self) -> list[KeyInfo]:
        self._refresh()
        now = self.now()
        return [k for k in self._keys.values()
                if k.state != KeyState.RETIRED
                or k.published_until(self.longest_token_lifetime) > now]

    def public_key(self, kid: str) -> JoseKey | None:
        """The published JWT key with this kid (joserfc, public part only), or None."""
        info = next((k for k in self.published() if k.kid == kid and k.alg != SAML), None)
        if info is None:
            return None
        if kid not in self._public:
            self._public[kid] = import_key(info.jwk)
        return self._public[kid]

    def verify_jwt(self, token: str, algorithms: list[str], *, check_time: bool = True,
                   leeway: int = 0) -> dict:
        """Claims of a JWT signed by one of our published keys (found by kid), else
        TokenVerificationError. "none" and HMAC are never accepted, even if listed. With
        check_time, exp and nbf are checked (an id_token_hint may be expired: pass False)."""
        now = self.now().timestamp() if check_time else None
        return decode(token, algorithms, self._find_public, now, leeway)

    # --- life cycle ------------------------------------------------------------------------

    def rotate(self, alg: str = DEFAULT_ALG, actor: Actor | None = None) -> Rotation:
        """Promote next -> current, current -> retired, make a new next (audited)."""
        result = self.lifecycle.rotate(alg, self.now(), actor)
        self._refresh(force=True)
        if result is None:  # only a scheduled rotation (due_before) may decline
            raise RuntimeError("rotation declined")
        return result

    def import_certificate(self, cert_pem: bytes, key_pem: bytes, *, activate: bool = False,
                           actor: Actor | None = None) -> Rotation:
        """Make an imported SAML pair the next key (or, with activate, the current one)."""
        key, cert = load_pair(cert_pem, key_pem)
        if make_jose_key(SAML, key).kid in {k.kid for k in self.all_keys()}:
            raise CertificateError("this key is already stored")
        result = self.lifecycle.replace_next(SAML, NewKey(key, cert), self.now(), actor)
        if activate:
            result = self.lifecycle.rotate(SAML, self.now(), actor, reason="import") or result
        self._refresh(force=True)
        return result

    def remove_expired(self) -> list[str]:
        kids = self.lifecycle.remove_expired(self.now(), self.longest_token_lifetime)
        self._refresh(force=True)
        return kids

    def all_keys(self) -> list[KeyInfo]:
        """Every stored key, published or not yet removed, newest first per algorithm."""
        self._refresh(force=True)
        return sorted(self._keys.values(),
                      key=lambda k: (k.alg, _ORDER[k.state], -k.created_at.timestamp()))

    def now(self) -> datetime:
        return aware(self.clock())  # type: ignore[return-value]

    @property
    def lifecycle(self) -> Lifecycle:
        if self._lifecycle is None:
            cipher = FieldCipher(self.keyring, "signing")
            self._lifecycle = Lifecycle(self.db, cipher, self.settings.issuer,
                                        self.settings.rsa_key_bits)
        return self._lifecycle

    # --- cache -----------------------------------------------------------------------------

    def _current(self, alg: str) -> KeyInfo:
        self._refresh()
        info = self._find_current(alg)
        if info is None:  # first use of alg, or a rotation this node has not seen yet
            self.lifecycle.ensure(alg, self.now())
            self._refresh(force=True)
            info = self._find_current(alg)
        if info is None:
            raise RuntimeError(f"no current {alg} key after creating one")
        return info

    def _find_current(self, alg: str) -> KeyInfo | None:
        return next((k for k in self._keys.values()
                     if k.alg == alg and k.state == KeyState.CURRENT), None)

    def _private_key(self, info: KeyInfo) -> JoseKey:
        # Decrypted once per process and kept: signing then costs only the signature.
        key = self._private.get(info.kid)
        if key is None:
            pem = self.lifecycle.cipher.open(info.sealed, seal_context(info.kid))
            key = self._private[info.kid] = make_jose_key(info.alg, from_pem(pem))
        return key

    def _find_public(self, kid: str) -> JoseKey | None:
        key = self.public_key(kid)
        # Maybe a key another node made since our last look: look again, but at most a few
        # times a second, so tokens with made-up kids cannot hammer the database.
        if key is None and time.monotonic() - self._checked > 0.25:
            self._refresh(force=True)
            key = self.public_key(kid)
        return key

    def _refresh(self, *, force: bool = False) -> None:
        if not force and time.monotonic() - self._checked < self.refresh_seconds:
            return
        with self._lock:
            if not force and time.monotonic() - self._checked < self.refresh_seconds:
                return
            try:
                self._reload()
            except SQLAlchemyError:
                if not self._keys:
                    raise
                # The database is briefly unreachable: keep signing with the keys we hold.
                log.warning("could not re-read the signing keys; using cached ones",
                            exc_info=True)
                self._checked = time.monotonic()
                return  # housekeeping would only wait on the same database again
            self._checked = time.monotonic()
            try:
                if self._housekeeping():
                    self._reload()
            except SQLAlchemyError:  # never let housekeeping stop signing; next beat retries
                log.warning("key housekeeping failed; retrying later", exc_info=True)

    def _reload(self) -> None:
        with self.db.session() as session:
            generation = session.scalar(select(func.coalesce(func.sum(KeySlot.generation), 0)))
            if generation == self._generation:
                return
            rows = list(session.scalars(select(SigningKey)))
        self._keys = {row.kid: _info(row) for row in rows}
        # Forget decrypted keys that were removed.
        self._private = {kid: k for kid, k in self._private.items() if kid in self._keys}
        self._public = {kid: k for kid, k in self._public.items() if kid in self._keys}
        self._signers = {kid: k for kid, k in self._signers.items() if kid in self._keys}
        self._generation = generation

    def _housekeeping(self) -> bool:
        """Apply IDP_KEY_ROTATION_DAYS and remove expired retired keys; True if anything did."""
        now, changed = self.now(), False
        lifetime = self.longest_token_lifetime
        if any(k.state == KeyState.RETIRED and k.published_until(lifetime) <= now
               for k in self._keys.values()):
            changed = bool(self.lifecycle.remove_expired(now, lifetime))
        days = self.settings.key_rotation_days
        if days:
            due_before = now - timedelta(days=days)
            for info in list(self._keys.values()):
                if info.state == KeyState.CURRENT and info.activated_at and (
                        info.activated_at <= due_before):
                    rotated = self.lifecycle.rotate(info.alg, now, reason="schedule",
                                                    due_before=due_before)
                    changed = changed or rotated is not None
        return changed


def _info(row: SigningKey) -> KeyInfo:
    return KeyInfo(
        kid=row.kid, alg=row.alg, state=row.state, jwk=dict(row.public_jwk),
        certificate=row.certificate, created_at=aware(row.created_at),  # type: ignore[arg-type]
        activated_at=aware(row.activated_at), retired_at=aware(row.retired_at),
        sealed=row.private_key,
    )

