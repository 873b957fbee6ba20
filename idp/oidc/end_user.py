"""Who a grant is for: the account and the facts of the SSO session it authenticated in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from idp.claims import subject_for
from idp.services import Services

# Keyring purpose of the salt of pairwise subjects (OIDC Core §8.1).
PAIRWISE_SALT = "oidc-pairwise"


@dataclass(frozen=True)
class EndUser:
    account_id: str
    sid: str | None
    auth_time: int
    acr: str
    amr: list[str] = field(default_factory=list)
    acting_for: dict[str, Any] | None = None
    # The `claims` request parameter (OIDC Core §5.5): {"userinfo": {...}, "id_token": {...}}.
    claims: dict[str, Any] = field(default_factory=dict)

    def get_user_id(self) -> str:  # Authlib's user protocol
        return self.account_id


def subject(services: Services, client: Any, account_id: str) -> str:
    """The ``sub`` this client sees: public or pairwise per its registration."""
    return subject_for(client, account_id, services.keyring.key(PAIRWISE_SALT)[1])
