"""Tables of the staff directories: each registered directory, and each staff account's link
to its directory entry.

A directory's bind password is stored only sealed (``keys/sealing.py``, bound to the column);
everything else about it is plain configuration kept as JSON, read by ``federation/ldap``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from idp.accounts.models import new_id
from idp.db import Base, utcnow

# The sealing context of the bind secret (a column name, not a password).
BIND_PASSWORD = "ldap_directory.bind_password"  # noqa: S105


class Directory(Base):
    """One department's LDAP / AD directory, registered by ``idp federation add-ldap``."""

    __tablename__ = "ldap_directories"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(32), unique=True)  # also the "@name" of its staff
    department: Mapped[str] = mapped_column(String(128))
    # urls, bind_dn, user_base, user_filter, group_base, mapping, group_roles, tls, ca_file,
    # timeout, level (federation.ldap.config.LdapConfig): never the secret.
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    bind_password_sealed: Mapped[str] = mapped_column(Text)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class StaffLink(Base):
    """A staff account is federated: its fields come from this directory entry at each login
    and are read-only here. ``subject`` is the entry's entryUUID (its DN when the directory has
    none): an entry renamed in its directory still finds its account."""

    __tablename__ = "staff_links"
    __table_args__ = (UniqueConstraint("directory", "subject", name="uq_staff_links_subject"),)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True)
    directory: Mapped[str] = mapped_column(String(32), index=True)
    subject: Mapped[str] = mapped_column(String(255))
    entry_dn: Mapped[str] = mapped_column(String(512))
    employee_number: Mapped[str | None] = mapped_column(String(64))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)  # from --group-role
    groups: Mapped[list[str]] = mapped_column(JSON, default=list)  # the cn of each group
    synced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

# The sealing context of an upstream identity provider's client secret.
CLIENT_SECRET = "upstream_provider.client_secret"  # noqa: S105


class UpstreamProvider(Base):
    """An upstream identity provider citizens may log in through (OIDC, plain OAuth 2.0, SAML),
    registered by ``idp federation add-oidc`` / ``add-oauth2``. Its client secret is stored only
    sealed; the rest (issuer or endpoints, scopes, claim mapping, level, link policy) is JSON."""

    __tablename__ = "upstream_providers"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(32), unique=True)  # in /federation/<name>/...
    kind: Mapped[str] = mapped_column(String(16))  # federation.contract.SourceKind
    display_name: Mapped[str] = mapped_column(String(128))  # the login page's button
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    client_secret_sealed: Mapped[str | None] = mapped_column(Text)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class FederatedLink(Base):
    """A person account reached through an upstream: the upstream's stable subject (for OIDC
    ``iss`` + ``sub``) lands in this account at every later login."""

    __tablename__ = "federated_links"
    __table_args__ = (UniqueConstraint("source", "subject", name="uq_federated_links_subject"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    source: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(512))
    account_id: Mapped[str] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
