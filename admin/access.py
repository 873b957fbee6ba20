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
from federation.staff_roles import console_departments
from idp.services import Services

Refused = Forbidden


def load_grants(services: Services, account_id: str) -> list[roles.Grant]:
    """The account's roles: those given by an administrator, plus, for a staff member, the
    department administrator role their directory group gives (``federation.staff_roles``)
    unless it would join a separated duty the account already holds."""
    with services.db.session() as session:
        given = roles.grants_of(session, account_id)
        from_directory = [roles.Grant(roles.Role.DEPARTMENT_ADMIN, department)
                          for department in console_departments(session, account_id)]
    if any(roles.FAMILY[g.role] != "system" for g in given):
        return given  # 三员分立: a security or audit administrator is no department admin too
    return given + [g for g in from_directory if g not in given]


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
