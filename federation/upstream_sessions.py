"""Which upstream session each of our SSO sessions came from, kept in the Store for the
session's lifetime: what single logout across an upstream needs (``federation.upstream_logout``
for OIDC, ``federation.saml.logout`` for SAML). The record goes when the session ends
(``forget``, an end listener)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from federation.oidc.source import UPSTREAM_ID_TOKEN, UPSTREAM_SID
from idp.store import get_json, put_json

HINT = "upstream_session.id_token"  # the sealing context of the kept logout hint

if TYPE_CHECKING:
    from idp.services import Services
    from idp.sso.session import SsoSession


def remember(services: Services, sid: str, source: str, attributes: dict[str, str]) -> None:
    """Note that our session ``sid`` came from ``source`` (and its upstream session)."""
    ttl = services.settings.session_absolute_seconds
    upstream_sid = attributes.get(UPSTREAM_SID)
    hint = attributes.get(UPSTREAM_ID_TOKEN)
    # Sealed: an upstream's ID token may carry personal claims (a name, an ID number).
    put_json(services.store, f"fed-session:{sid}", {
        "source": source, "id_token": services.cipher.seal(hint, HINT) if hint else None,
        "upstream_sid": upstream_sid}, ttl)
    if upstream_sid:
        services.store.put(f"fed-sid:{source}:{upstream_sid[:128]}", sid, ttl)


def upstream_of(services: Services, sid: str) -> dict[str, Any] | None:
    return get_json(services.store, f"fed-session:{sid}")


def logout_hint(services: Services, kept: dict[str, Any]) -> str | None:
    """The ID token (or the SAML source's hint) the upstream gave, for its logout."""
    sealed = kept.get("id_token")
    return services.cipher.open(sealed, HINT) if sealed else None


def forget(services: Services, session: SsoSession, _context: Any = None) -> None:
    """The end listener: the session is gone, so is its record."""
    kept = upstream_of(services, session.sid)
    if kept is None:
        return
    services.store.delete(f"fed-session:{session.sid}")
    if kept.get("upstream_sid"):
        services.store.delete(f"fed-sid:{kept['source']}:{kept['upstream_sid'][:128]}")
