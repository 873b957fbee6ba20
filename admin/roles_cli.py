"""``idp admin``: grant and revoke admin roles (the first security administrator included).

Answers in Chinese and English (as ``idp users`` does); ``--json`` names the account by id
and username.
"""

from __future__ import annotations

import click

from admin.role_words import both, refusal, role_name
from admin.roles import Role, RoleConflict, assign_role, grants_of, revoke_role
from idp.commands import CliError, emit, with_services
from idp.services import Services


@click.group()
def admin() -> None:
    """Administrators and their roles (separation of duties)."""


def _account(services: Services, username: str | None, account_id: str | None
             ) -> tuple[str, str | None]:
    """(account id, username) of the account named by one of the two options."""
    if bool(username) == bool(account_id):
        raise CliError(both("请只给出 --username 或 --account-id 之一",
                            "give exactly one of --username and --account-id"),
                       code="usage_error")
    from idp.accounts.service import find_person_by_username, get_person

    person = (find_person_by_username(services, username) if username
              else get_person(services, account_id))
    if person is None:
        raise CliError(both("没有该账号", f"no account {username or account_id!r}"),
                       code="not_found")
    return person.id, person.username


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


def _role_text(role: str, department: str | None, lang: str) -> str:
    return role_name(role, lang) + (f" ({department})" if department else "")


@admin.command("grant-role")
@_options(_WHO + _ROLE)
@click.option("--json", "as_json", is_flag=True)
@with_services
def grant_role(services: Services, username, account_id, role, department, as_json) -> None:
    """Give an account an admin role (refused if it would mix separated duties)."""
    target, name = _account(services, username, account_id)
    try:
        assign_role(services.db, account_id=target, role=Role(role), department=department)
    except RoleConflict as exc:
        raise CliError(both(*refusal(str(exc))), code="role_conflict") from exc
    emit({"account_id": target, "username": name, "role": role, "department": department},
         as_json, both(f"已授予 {name} {_role_text(role, department, 'zh')}",
                       f"granted {_role_text(role, department, 'en')} to {name}"))


@admin.command("revoke-role")
@_options(_WHO + _ROLE)
@click.option("--json", "as_json", is_flag=True)
@with_services
def revoke_role_command(services: Services, username, account_id, role, department,
                        as_json) -> None:
    """Take an admin role away."""
    target, name = _account(services, username, account_id)
    if not revoke_role(services.db, account_id=target, role=Role(role), department=department):
        raise CliError(both(f"{name} 没有 {_role_text(role, department, 'zh')} 角色",
                            f"{name} does not hold {role}"), code="not_found")
    emit({"account_id": target, "username": name, "role": role, "revoked": True}, as_json,
         both(f"已撤销 {name} 的 {_role_text(role, department, 'zh')}",
              f"revoked {_role_text(role, department, 'en')} from {name}"))


@admin.command("roles")
@_options(_WHO)
@click.option("--json", "as_json", is_flag=True)
@with_services
def roles_command(services: Services, username, account_id, as_json) -> None:
    """List an account's admin roles."""
    target, name = _account(services, username, account_id)
    with services.db.session() as session:
        grants = grants_of(session, target)
    data = [{"role": g.role.value, "department": g.department} for g in grants]
    lines = [f"{g.role.value:<17} {_role_text(g.role.value, g.department, 'zh')}"
             for g in grants]
    emit(data, as_json, "\n".join(lines) or both(f"{name} 没有管理角色", "no admin roles"))
