"""``idp admin``: grant and revoke admin roles (the first security administrator included)."""

from __future__ import annotations

import click

from admin.roles import Role, RoleConflict, assign_role, grants_of, revoke_role
from idp.commands import CliError, emit, with_services
from idp.services import Services


@click.group()
def admin() -> None:
    """Administrators and their roles (separation of duties)."""


def _account_id(services: Services, username: str | None, account_id: str | None) -> str:
    if bool(username) == bool(account_id):
        raise CliError("give exactly one of --username and --account-id", code="usage_error")
    if account_id:
        return account_id
    from idp.accounts.service import find_person_by_username

    person = find_person_by_username(services, username)
    if person is None:
        raise CliError(f"no account with username {username!r}", code="not_found")
    return person.id


_WHO = [
    click.option("--username", help="the administrator's username"),
    click.option("--account-id", help="or their account id"),
]
_ROLE = [
    click.option("--role", required=True, type=click.Choice([r.value for r in Role])),
    click.option("--department", help="the department (department_admin only)"),
]


def _options(options):
    def apply(command):
        for option in reversed(options):
            command = option(command)
        return command

    return apply


@admin.command("grant-role")
@_options(_WHO + _ROLE)
@click.option("--json", "as_json", is_flag=True)
@with_services
def grant_role(services: Services, username, account_id, role, department, as_json) -> None:
    """Give an account an admin role (refused if it would mix separated duties)."""
    target = _account_id(services, username, account_id)
    try:
        assign_role(services.db, account_id=target, role=Role(role), department=department)
    except RoleConflict as exc:
        raise CliError(str(exc), code="role_conflict") from exc
    emit({"account_id": target, "role": role, "department": department}, as_json,
         f"granted {role}" + (f" ({department})" if department else "") + f" to {target}")


@admin.command("revoke-role")
@_options(_WHO + _ROLE)
@click.option("--json", "as_json", is_flag=True)
@with_services
def revoke_role_command(services: Services, username, account_id, role, department,
                        as_json) -> None:
    """Take an admin role away."""
    target = _account_id(services, username, account_id)
    if not revoke_role(services.db, account_id=target, role=Role(role), department=department):
        raise CliError(f"{target} does not hold {role}", code="not_found")
    emit({"account_id": target, "role": role, "revoked": True}, as_json,
         f"revoked {role} from {target}")


@admin.command("roles")
@_options(_WHO)
@click.option("--json", "as_json", is_flag=True)
@with_services
def roles_command(services: Services, username, account_id, as_json) -> None:
    """List an account's admin roles."""
    target = _account_id(services, username, account_id)
    with services.db.session() as session:
        grants = grants_of(session, target)
    data = [{"role": g.role.value, "department": g.department} for g in grants]
    emit(data, as_json, "\n".join(g.role.value + (f" ({g.department})" if g.department else "")
                                  for g in grants) or "no admin roles")
