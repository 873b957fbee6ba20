"""RFC 7591 dynamic registration and RFC 7592 management, for the ``/connect/register`` endpoints.

Registrants are untrusted (``validate_metadata(trusted=False)``): they get default policy and
capped scopes. Each registration gets a registration access token (stored as a keyed hash) for
reading, replacing and deleting its own client.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from clients import credentials, registry
from clients.errors import ClientError, InvalidClientMetadata
from clients.initial_tokens import initial_access_token_valid, use_initial_access_token
from clients.metadata import to_metadata
from clients.models import OidcClient
from clients.validation import validate_metadata
from idp.audit import Actor

if TYPE_CHECKING:
    from idp.services import Services

# RFC 7592 §2.2: the client MUST NOT send these; the server ignores them.
_SERVER_FIELDS = ("registration_access_token", "registration_client_uri",
                  "client_secret_expires_at", "client_id_issued_at")


class InvalidToken(ClientError):
    """RFC 6750 §3.1: a missing, unknown or expired bearer token (HTTP 401)."""

    error = "invalid_token"
    status = 401


def _response(
    services: Services, client: OidcClient, secret: str | None, token: str | None
) -> dict[str, Any]:
    data = to_metadata(client)
    if secret is not None:
        # RFC 7591 §3.2.1: REQUIRED with a secret; 0 means it does not expire.
        data.update(client_secret=secret, client_secret_expires_at=0)
    data["registration_client_uri"] = (
        f"{services.settings.issuer}/connect/register/{client.client_id}")
    if token is not None:
        data["registration_access_token"] = token
    return data


def register_dynamic(
    services: Services, initial_token: str | None, metadata: Mapping[str, Any], actor: Actor
) -> dict[str, Any]:
    """RFC 7591 §3: validate, spend the initial access token, register; the response body."""
    if not initial_access_token_valid(services, initial_token):
        raise InvalidToken("a valid initial access token is required")
    values = validate_metadata(metadata, trusted=False)
    if not use_initial_access_token(services, initial_token):
        raise InvalidToken("a valid initial access token is required")
    key = registry.secret_key(services.keyring)
    token = credentials.new_secret()
    with services.db.begin() as session:
        client, secret = registry.create_in(session, services, values, actor)
        client.registration_access_token_hash = credentials.hash_secret(key, token)
    return _response(services, client, secret, token)


def _authorised(session, services: Services, client_id: str, token: str | None) -> OidcClient:
    client = registry.get_client(session, client_id)
    key = registry.secret_key(services.keyring)
    if client is None or not credentials.secret_matches(
        key, token, client.registration_access_token_hash
    ):
        # RFC 7592 §2: an unknown client and a wrong token look the same (401).
        raise InvalidToken("the registration access token is not valid for this client")
    return client


def read_registration(services: Services, client_id: str, token: str | None) -> dict[str, Any]:
    """RFC 7592 §2.1: the client's current metadata (no secret: only its hash is kept)."""
    registry.secret_key(services.keyring)
    with services.db.session() as session:
        client = _authorised(session, services, client_id, token)
        return _response(services, client, None, None)


def update_registration(
    services: Services, client_id: str, token: str | None, metadata: Mapping[str, Any],
    actor: Actor,
) -> dict[str, Any]:
    """RFC 7592 §2.2: replace the metadata with what was sent (policy fields are kept)."""
    if not isinstance(metadata, Mapping):
        raise InvalidClientMetadata("the request body must be a JSON object")
    key = registry.secret_key(services.keyring)
    with services.db.begin() as session:
        client = _authorised(session, services, client_id, token)
        if metadata.get("client_id") != client_id:
            raise InvalidClientMetadata("client_id must be sent and match the client")
        sent_secret = metadata.get("client_secret")
        if sent_secret is not None and not credentials.secret_matches(
            key, sent_secret, client.secret_hash
        ):
            raise InvalidClientMetadata("client_secret does not match the current secret")
        body = {k: v for k, v in metadata.items()
                if k not in _SERVER_FIELDS and k not in ("client_id", "client_secret")}
        secret = registry.update_in(session, services, client, body, actor,
                                    trusted=False, replace=True)
        return _response(services, client, secret, None)


def delete_registration(
    services: Services, client_id: str, token: str | None, actor: Actor
) -> None:
    """RFC 7592 §2.3: deprovision the client (its consents go with it)."""
    registry.secret_key(services.keyring)
    with services.db.session() as session:
        _authorised(session, services, client_id, token)
    registry.delete_client(services, client_id, actor)
