"""``idp users``: real-name accounts from the command line (passwords only on stdin)."""

from __future__ import annotations

import sys
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import click

from idp.accounts import service
from idp.accounts.enums import ADMIN_LEVEL, AccountClass
from idp.accounts.errors import AccountError
from idp.accounts.identity_numbers import CST
from idp.accounts.models import Authorisation, LegalPerson, Person
from idp.audit import SYSTEM_ACTOR
from idp.commands import CliError, emit, with_services
from idp.verification.entities import revoke_agent_now

if TYPE_CHECKING:
    from idp.services import Services

GRANTED_BY = "system"  # the CLI acts as the operator of the server, not as a named admin


@click.group()
def users() -> None:
    """Citizen and administrator accounts, legal persons, and their agents."""


def _password(stdin: bool) -> str:
    # Passwords never come as arguments: those land in shell history and `ps` output.
    if not stdin:
        raise CliError("give the password on standard input with --password-stdin",
                       code="invalid_request")
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise CliError("no password on standard input", code="invalid_request")
    return password


def _run(operation, *args, **kwargs):
    try:
        return operation(*args, **kwargs)
    except AccountError as error:
        raise CliError.coded(error.code, error.description) from None


@users.command("add-person")
@click.option("--username", required=True)
@click.option("--password-stdin", "password_stdin", is_flag=True, help="read the password")
@click.option("--name", required=True)
@click.option("--id-number", required=True, help="resident ID number (GB 11643)")
@click.option("--phone")
@click.option("--email")
@click.option("--level", type=int, default=1, show_default=True, help="assurance level 1-3")
@click.option("--json", "as_json", is_flag=True)
@with_services
def add_person(services: Services, username, password_stdin, name, id_number, phone, email, level,
               as_json) -> None:
    """Create a citizen account."""
    person = _run(
        service.create_person, services, SYSTEM_ACTOR, username=username,
        password=_password(password_stdin), name=name, id_number=id_number, phone=phone,
        email=email, assurance_level=level,
    )
    emit(_person(services, person), as_json, f"created citizen {person.username} ({person.id})")


@users.command("add-admin")
@click.option("--username", required=True)
@click.option("--password-stdin", "password_stdin", is_flag=True, help="read the password")
@click.option("--name", required=True)
@click.option("--level", type=click.IntRange(1, 3), default=ADMIN_LEVEL, show_default=True,
              help="assurance level; the console needs 2 plus a second factor")
@click.option("--json", "as_json", is_flag=True)
@with_services
def add_admin(services: Services, username, password_stdin, name, level, as_json) -> None:
    """Create an administrator account (GB/T 22239 level 3 password policy)."""
    person = _run(
        service.create_person, services, SYSTEM_ACTOR, username=username,
        password=_password(password_stdin), name=name, account_class=AccountClass.ADMIN,
        assurance_level=level,
    )
    emit(_person(services, person), as_json, f"created admin {person.username} ({person.id})")


@users.command("add-legal-person")
@click.option("--name", required=True)
@click.option("--credit-code", required=True, help="unified social credit code (GB 32100)")
@click.option("--representative", required=True, help="username of the legal representative")
@click.option("--json", "as_json", is_flag=True)
@with_services
def add_legal_person(services: Services, name, credit_code, representative, as_json) -> None:
    """Register a legal person with its legal representative."""
    legal = _run(
        service.create_legal_person, services, SYSTEM_ACTOR, name=name,
        credit_code=credit_code, representative_username=representative, granted_by=GRANTED_BY,
    )
    data = _legal(legal) | {"representative": representative.strip().lower()}
    emit(data, as_json, f"registered {legal.name} ({legal.credit_code})")


@users.command("grant-agent")
@click.option("--credit-code", required=True)
@click.option("--username", required=True)
@click.option("--valid-until", type=click.DateTime(["%Y-%m-%d"]),
              help="last day (China Standard Time) the agent may act")
@click.option("--json", "as_json", is_flag=True)
@with_services
def grant_agent(services: Services, credit_code, username, valid_until, as_json) -> None:
    """Authorise a citizen as agent (经办人) of a legal person."""
    until = _end_of_day(valid_until.date()) if valid_until else None
    grant = _run(
        service.grant_agent, services, SYSTEM_ACTOR, credit_code=credit_code,
        username=username, valid_until=until, granted_by=GRANTED_BY,
    )
    emit(_grant(grant), as_json, f"granted agent {username.strip().lower()} ({grant.id})")


@users.command("revoke-agent")
@click.option("--credit-code", required=True)
@click.option("--username", required=True)
@click.option("--json", "as_json", is_flag=True)
@with_services
def revoke_agent(services: Services, credit_code, username, as_json) -> None:
    """Revoke a citizen's agent authorisation for a legal person (their live sessions stop
    acting for it at once)."""
    count = _run(
        revoke_agent_now, services, SYSTEM_ACTOR, credit_code=credit_code,
        username=username, revoked_by=GRANTED_BY,
    )
    emit({"revoked": count}, as_json, f"revoked {count} authorisation(s)")


@users.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.option("--limit", default=100, show_default=True)
@click.option("--offset", default=0, show_default=True)
@with_services
def list_users(services: Services, as_json, limit, offset) -> None:
    """List accounts (ID numbers and phones masked)."""
    people = [_person(services, p) for p in service.list_persons(
        services, limit=limit, offset=offset)]
    lines = [
        f"{p['username']:<20} {p['account_class']:<7} L{p['assurance_level']} "
        f"{p['id_number'] or '-':<18} {p['name']}"
        for p in people
    ]
    emit(people, as_json, "\n".join(lines) or "no accounts")


def _end_of_day(day: date) -> datetime:
    # "Valid until 2027-06-30" means through that whole day where the legal person is.
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=CST)


def mask(value: str | None, keep_start: int, keep_end: int) -> str | None:
    """110105********002X: enough to recognise, not enough to use."""
    if not value:
        return None
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def _person(services: Services, person: Person) -> dict[str, Any]:
    claims = service.person_claims(services, person)
    return {
        "id": person.id, "username": person.username, "name": person.name,
        "account_class": person.account_class, "assurance_level": person.assurance_level,
        "id_number": mask(claims["id_number"], 6, 4), "phone": mask(claims["phone"], 3, 4),
        "must_change_password": person.must_change_password, "disabled": person.disabled,
        "created_at": person.created_at,
    }


def _legal(legal: LegalPerson) -> dict[str, Any]:
    return {"id": legal.id, "name": legal.name, "credit_code": legal.credit_code,
            "status": legal.status}


def _grant(grant: Authorisation) -> dict[str, Any]:
    return {"id": grant.id, "role": grant.role, "person_id": grant.person_id,
            "legal_person_id": grant.legal_person_id, "valid_from": grant.valid_from,
            "valid_until": grant.valid_until, "granted_by": grant.granted_by}
