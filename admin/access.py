"""The console's only door to the role model: every check is ``admin.roles.authorize``.

Views and services call ``require`` (raises ``Forbidden``) or ``allowed`` (a boolean, for
hiding buttons and filtering lists) with the signed-in administrator's grants, unchanged.
A view that serves several departments asks ``require_somewhere`` (the permission holds in at
least one department); the service then checks the object's own department.
"""

from __future__ import annotations

from admin import roles
from admin.principal import Admin
from admin.roles import Forbidden, Permission
from idp.services import Services

Refused = Forbidden


def load_grants(services: Services, account_id: str) -> list[roles.Grant]:
    with services.db.session() as session:
        return roles.grants_of(session, account_id)


def allowed(admin: Admin | None, permission: Permission, department: str | None = None) -> bool:
    return admin is not None and roles.authorize(admin.grants, permission, department)


def require(admin: Admin | None, permission: Permission, department: str | None = None) -> None:
    roles.require(admin.grants if admin else [], permission, department)


def allowed_somewhere(admin: Admin | None, permission: Permission) -> bool:
    if admin is None:
        return False
    scope = roles.departments(admin.grants, permission)
    return scope is None or bool(scope)


def require_somewhere(admin: Admin | None, permission: Permission) -> None:
    if not allowed_somewhere(admin, permission):
        raise Forbidden(permission)
