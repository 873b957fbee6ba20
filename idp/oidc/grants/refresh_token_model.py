"""The refresh-token table: the only OIDC state kept in SQL (codes and PAR requests live in the
Store).

A refresh token is stored only as the SHA-256 of its value (256 random bits, so a plain hash
cannot be brute-forced). Every rotation adds a row to the token's family; reuse of a rotated
token revokes the whole family (RFC 9700 §4.14.2). Each row also names the access token issued
with it, so revoking the family revokes every access token of the grant (RFC 7009 §2.1).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from idp.db import Base, utcnow


class RefreshToken(Base):
    __tablename__ = "oidc_refresh_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    family_id: Mapped[str] = mapped_column(String(32), index=True)
    client_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("oidc_clients.client_id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[str] = mapped_column(String(36), index=True)
    scope: Mapped[str] = mapped_column(String(1000))
    sid: Mapped[str | None] = mapped_column(String(64))
    auth_time: Mapped[int] = mapped_column(Integer)
    acr: Mapped[str] = mapped_column(String(8))
    amr: Mapped[list[str]] = mapped_column(JSON, default=list)
    acting_for: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # RFC 9700 §4.14.2: an absolute expiry for the family, however often it is rotated.
    family_expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rotated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The access token issued in the same response: its jti and exp (epoch seconds).
    access_jti: Mapped[str | None] = mapped_column(String(64))
    access_exp: Mapped[int | None] = mapped_column(Integer)

    # --- Authlib's TokenMixin (refresh grant, introspection, revocation) -----------------

    def check_client(self, client) -> bool:
        return self.client_id == client.get_client_id()

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return max(0, int((aware(self.expires_at) - utcnow()).total_seconds()))

    def is_expired(self) -> bool:
        return min(aware(self.expires_at), aware(self.family_expires_at)) <= utcnow()

    def is_revoked(self) -> bool:
        return self.revoked_at is not None or self.rotated_at is not None


def aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes for timezone-aware columns: they are UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
