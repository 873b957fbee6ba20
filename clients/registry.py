"""Registering and managing OIDC clients: one transaction and one CLIENT_CHANGE event each.

The audit event carries the non-secret fields that changed (before/after), never a secret or a
registration access token.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from clients import credentials, policy
from clients.errors import ClientNotFound, InvalidClientMetadata
from clients.metadata import audit_view, changes, to_metadata
from clients.models import OidcClient
from clients.policy import POLICY_FIELDS
from clients.validation import validate_metadata
from federation.upstreams import upstream_names
from idp.audit import Actor, EventType, record
from idp.db import utcnow

if TYPE_CHECKING:
    from idp.services import Services
    from keys.data_keys import Keyring

# Methods where the client proves itself with a shared secret.
SECRET_METHODS = ("client_secret_basic", "client_secret_post")


def secret_key(keyring: Keyring) -> bytes:
    """The HMAC key of client secrets. Its first use may create it in its own transaction, so
    call this before opening a write transaction on SQLite (the service functions here do)."""
    return keyring.key(credentials.KEY_PURPOSE)[1]


def get_client(
    session: Session, client_id: str | None, *, keyring: Keyring | None = None
) -> OidcClient | None:
    """The client (disabled ones too: check ``client.disabled``), or None.

    Pass ``keyring`` (``services.keyring``) when Authlib will call ``check_client_secret``.
    """
    if not client_id or not isinstance(client_id, str) or len(client_id) > 64:
        return None
    client = session.get(OidcClient, client_id)
    if client is not None and keyring is not None:
        client.attach_secret_key(secret_key(keyring))
    return client


def _require(session: Session, client_id: str) -> OidcClient:
    client = get_client(session, client_id)
    if client is None:
        raise ClientNotFound(f"no client {client_id!r}")
    return client


def _audit(
    session: Session, action: str, client: OidcClient, actor: Actor | None,
    before: dict | None, after: dict | None,
) -> None:
    old, new = changes(before or {}, after or {})
    record(session, EventType.CLIENT_CHANGE, actor=actor, client_id=client.client_id,
           action=action, before=old, after=new)


def _set_secret(key: bytes, client: OidcClient) -> str | None:
    """A fresh secret for clients that use one; clears the hash for the others."""
    if client.token_endpoint_auth_method not in SECRET_METHODS:
        client.secret_hash = None
        return None
    secret = credentials.new_secret()
    client.secret_hash = credentials.hash_secret(key, secret)
    client.secret_rotated_at = utcnow()
    return secret


def _check_upstreams(session: Session, values: dict[str, Any]) -> None:
    """Issue 15: the upstreams a client names must be registered ones."""
    if values.get("upstreams"):
        policy.upstreams(values["upstreams"], upstream_names(session))


def create_in(
    session: Session, services: Services, values: dict[str, Any], actor: Actor | None,
    action: str = "register",
) -> tuple[OidcClient, str | None]:
    """Insert a validated client in the caller's transaction (used by dynamic registration)."""
    _check_upstreams(session, values)
    client = OidcClient(client_id=credentials.new_client_id(), **values)
    secret = _set_secret(secret_key(services.keyring), client)
    client.created_at = client.updated_at = utcnow()
    session.add(client)
    session.flush()
    _audit(session, action, client, actor, None, audit_view(client))
    return client, secret


def register_client(
    services: Services, metadata: Mapping[str, Any], actor: Actor | None, *, trusted: bool = True
) -> tuple[OidcClient, str | None]:
    """Validate metadata and register a client: (client, its secret shown once, or None)."""
    values = validate_metadata(metadata, trusted=trusted)
    secret_key(services.keyring)
    with services.db.begin() as session:
        return create_in(session, services, values, actor)


def get_builtin(services: Services, key: str) -> OidcClient | None:
    """The IdP's own client registered under ``key``, if it exists."""
    with services.db.session() as session:
        return session.scalar(select(OidcClient).where(OidcClient.builtin == key))


def ensure_builtin(
    services: Services, key: str, metadata: Mapping[str, Any], actor: Actor | None
) -> OidcClient:
    """The IdP's own client ``key``, registered from ``metadata`` if missing: exactly one,
    whatever the number of workers or nodes starting at once. The unique ``builtin`` column
    decides between concurrent inserts; the losers' transactions (and audit events) roll back
    and they read the winner's client (insert-or-ignore, not check-then-insert)."""
    found = get_builtin(services, key)
    if found is not None:
        return found
    values = {**validate_metadata(metadata, trusted=True), "builtin": key}
    secret_key(services.keyring)
    try:
        with services.db.begin() as session:
            client, _ = create_in(session, services, values, actor)
            return client
    except IntegrityError:
        found = get_builtin(services, key)
        if found is None:  # the conflict was about something else
            raise
        return found


def update_in(
    session: Session, services: Services, client: OidcClient, metadata: Mapping[str, Any],
    actor: Actor | None, *, trusted: bool, replace: bool,
) -> str | None:
    """Apply metadata to client in the caller's transaction; returns a new secret if one was
    needed (the auth method changed to a secret-based one)."""
    current = to_metadata(client, policy=trusted)
    merged = dict(metadata) if replace else {**current, **metadata}
    values = validate_metadata(merged, trusted=trusted, scope_ceiling=set(client.allowed_scopes))
    if not trusted:
        for field in POLICY_FIELDS:
            values.pop(field, None)
    _check_upstreams(session, values)
    before = audit_view(client)
    for field, value in values.items():
        setattr(client, field, value)
    secret = None
    if client.token_endpoint_auth_method not in SECRET_METHODS or client.secret_hash is None:
        secret = _set_secret(secret_key(services.keyring), client)
    client.updated_at = utcnow()
    _audit(session, "update", client, actor, before, audit_view(client))
    return secret


def update_client(
    services: Services, client_id: str, metadata: Mapping[str, Any], actor: Actor | None,
    *, trusted: bool = True, replace: bool = False,
) -> tuple[OidcClient, str | None]:
    """Change a client: merged into its current metadata, or (``replace``) as RFC 7592 PUT."""
    secret_key(services.keyring)
    with services.db.begin() as session:
        client = _require(session, client_id)
        secret = update_in(session, services, client, metadata, actor, trusted=trusted,
                           replace=replace)
        return client, secret


def disable_client(
    services: Services, client_id: str, actor: Actor | None, *, disabled: bool = True
) -> OidcClient:
    """Stop (or with disabled=False, resume) every authorization and token for the client."""
    with services.db.begin() as session:
        client = _require(session, client_id)
        before = audit_view(client)
        client.disabled = disabled
        client.updated_at = utcnow()
        _audit(session, "disable" if disabled else "enable", client, actor, before,
               audit_view(client))
        return client


def rotate_secret(services: Services, client_id: str, actor: Actor | None) -> str:
    """A new secret, replacing the old one at once (shown once)."""
    key = secret_key(services.keyring)
    with services.db.begin() as session:
        client = _require(session, client_id)
        if client.token_endpoint_auth_method not in SECRET_METHODS:
            raise InvalidClientMetadata(
                f"client uses {client.token_endpoint_auth_method}: it has no secret to rotate"
            )
        secret = _set_secret(key, client)
        client.updated_at = utcnow()
        record(session, EventType.CLIENT_CHANGE, actor=actor, client_id=client_id,
               action="rotate_secret")
        assert secret is not None  # noqa: S101 - SECRET_METHODS always get one
        return secret


def list_clients(services: Services, *, department: str | None = None) -> list[OidcClient]:
    """Every client (of one department if given), by name."""
    stmt = select(OidcClient).order_by(OidcClient.name, OidcClient.client_id)
    if department is not None:
        stmt = stmt.where(OidcClient.department == department)
    with services.db.session() as session:
        return list(session.scalars(stmt))


def delete_client(services: Services, client_id: str, actor: Actor | None) -> None:
    """Remove the client and its consents (the database cascades)."""
    with services.db.begin() as session:
        client = _require(session, client_id)
        _audit(session, "delete", client, actor, audit_view(client), None)
        session.delete(client)
