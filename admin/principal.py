"""Who is using the console: the signed-in administrator, their role grants, where from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from idp.audit import Actor


@dataclass(frozen=True)
class Admin:
    account_id: str
    username: str
    grants: list[Any] = field(default_factory=list)  # admin.roles.AdminRoleGrant rows
    actor: Actor = field(default_factory=Actor)
