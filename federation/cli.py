"""``idp federation``: staff directories from the command line (bind password on stdin only)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from federation.contract import SourceError
from federation.directories import (
    DirectoryError,
    DirectorySpec,
    add_directory,
    get_directory,
    list_directories,
    parse_pairs,
    probe_directory,
    public_view,
    set_disabled,
)
from federation.saml.cli import add_saml
from federation.sync import SyncBusy, sync_directory
from federation.upstream_cli import add_oauth2, add_oidc
from federation.upstreams import get_upstream, list_upstreams
from federation.upstreams import public_view as upstream_view
from federation.upstreams import set_disabled as disable_upstream
from idp.audit import SYSTEM_ACTOR
from idp.commands import CliError, emit, with_services

if TYPE_CHECKING:
    from idp.services import Services

JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    try:
        return parse_pairs(values, option)
    except DirectoryError as exc:
        raise CliError.coded(exc.code, exc.description) from exc


@click.group()
def federation() -> None:
    """Upstream identity sources: the departments' staff directories (LDAP / AD) and the
    identity providers citizens may log in through (OIDC, plain OAuth 2.0, SAML 2.0)."""


federation.add_command(add_oidc)
federation.add_command(add_oauth2)
federation.add_command(add_saml)


@federation.command("add-ldap")
@click.option("--name", required=True, help="Short name, e.g. gongan (staff log in as x@gongan).")
@click.option("--department", required=True, help="The department the directory belongs to.")
@click.option("--url", "urls", multiple=True, required=True,
              help="ldap:// or ldaps:// URL; repeat for failover, tried in order.")
@click.option("--bind-dn", required=True, help="The service account that finds users.")
@click.option("--bind-password-stdin", is_flag=True, help="Read its password from stdin.")
@click.option("--user-base", required=True)
@click.option("--user-filter", required=True, help="e.g. (objectClass=inetOrgPerson)")
@click.option("--group-base")
@click.option("--map", "maps", multiple=True, help="ours=theirs, e.g. username=sAMAccountName.")
@click.option("--group-role", "group_roles", multiple=True, help="GROUP_CN=ROLE; repeatable.")
@click.option("--starttls", is_flag=True, help="StartTLS on ldap:// URLs.")
@click.option("--ldaps", is_flag=True, help="ldaps:// URLs (TLS from the start).")
@click.option("--ca-file", type=click.Path(exists=True, dir_okay=False),
              help="PEM of the CA that signed the directory's certificate.")
@click.option("--timeout", type=float, default=5.0, show_default=True,
              help="Seconds to connect and for each operation.")
@click.option("--level", type=click.IntRange(1, 2), default=2, show_default=True,
              help="Assurance level its staff reach (the department verified them).")
@JSON
@with_services
def add_ldap(services: Services, name, department, urls, bind_dn, bind_password_stdin,
             user_base, user_filter, group_base, maps, group_roles, starttls, ldaps, ca_file,
             timeout, level, as_json) -> None:
    """Register a directory; its bind password is stored sealed and never printed."""
    # Secrets never come as arguments: those land in shell history and `ps` output.
    if not bind_password_stdin:
        raise CliError("give the bind password on standard input with --bind-password-stdin",
                       code="invalid_request")
    secret = sys.stdin.readline().rstrip("\r\n")
    if starttls and ldaps:
        raise CliError("--starttls or --ldaps, not both", code="invalid_request")
    spec = DirectorySpec(
        name=name, department=department, urls=urls, bind_dn=bind_dn, bind_password=secret,
        user_base=user_base, user_filter=user_filter, group_base=group_base,
        mapping=_pairs(maps, "--map"), group_roles=_pairs(group_roles, "--group-role"),
        tls="starttls" if starttls else "ldaps" if ldaps else "none", ca_file=ca_file,
        timeout=timeout, level=level)
    try:
        row = add_directory(services, spec, SYSTEM_ACTOR)
    except DirectoryError as exc:
        raise CliError.coded(exc.code, exc.description) from exc
    emit(public_view(row), as_json, f"directory {row.name} added ({row.department})")


@federation.command("list")
@JSON
@with_services
def list_(services: Services, as_json: bool) -> None:
    """Every directory: name, state, department, URLs."""
    rows = [public_view(row) for row in list_directories(services)]
    lines = [f"{r['name']}  {'disabled' if r['disabled'] else 'active  '}  {r['department']}  "
             f"{' '.join(r['urls'])}" for r in rows]
    upstreams = [upstream_view(row) for row in list_upstreams(services)]
    lines += [f"{r['name']}  {'disabled' if r['disabled'] else 'active  '}  {r['kind']}  "
              f"{r.get('issuer') or r.get('authorize_url') or r.get('idp_entity_id')}"
              for r in upstreams]
    rows += upstreams
    emit(rows, as_json, "\n".join(lines) if rows else "no directories")


def _row(services: Services, name: str):
    row = get_directory(services, name)
    if row is None:
        raise CliError(f"no directory {name!r}", code="not_found")
    return row


@federation.command()
@click.argument("name")
@JSON
@with_services
def show(services: Services, name: str, as_json: bool) -> None:
    """One directory's or upstream's configuration (never its password or secret)."""
    upstream = get_upstream(services, name)
    data = upstream_view(upstream) if upstream else public_view(_row(services, name))
    emit(data, as_json, "\n".join(f"{k}: {v}" for k, v in data.items()))


@federation.command()
@click.argument("name")
@JSON
@with_services
def disable(services: Services, name: str, as_json: bool) -> None:
    """Refuse the directory's staff, or the upstream's logins, from now on (their accounts
    and links stay)."""
    try:
        if get_upstream(services, name) is not None:
            disable_upstream(services, name, SYSTEM_ACTOR)
        else:
            set_disabled(services, name, SYSTEM_ACTOR)
    except DirectoryError as exc:
        raise CliError.coded(exc.code, exc.description) from exc
    emit({"name": name, "disabled": True}, as_json, f"{name} disabled")


@federation.command()
@click.argument("name")
@JSON
@with_services
def test(services: Services, name: str, as_json: bool) -> None:
    """Bind with the service account and search the users once; say what was found or why not."""
    try:
        probe = probe_directory(services, name)
    except DirectoryError as exc:
        raise CliError.coded(exc.code, exc.description) from exc
    except SourceError as exc:
        raise CliError(f"{name}: {exc.description} ({exc.detail})", code="unavailable",
                       description=f"{exc.description} ({exc.detail})") from exc
    data = {"name": name, "ok": True, "entries": probe.entries, "sample": probe.sample}
    emit(data, as_json, f"{name}: bound and found {probe.entries} user(s), e.g. {probe.sample}")


@federation.command()
@click.option("--directory", "names", multiple=True,
              help="The directory to sync; repeatable. Default: every active one.")
@click.option("--full", is_flag=True,
              help="Read every entry and disable the accounts of entries gone from it.")
@JSON
@with_services
def sync(services: Services, names: tuple[str, ...], full: bool, as_json: bool) -> None:
    """Bring staff accounts up to date from their directories: incremental by modifyTimestamp
    after the first (full) run. Prints added / changed / disabled per directory."""
    wanted = names or tuple(r.name for r in list_directories(services) if not r.disabled)
    results = []
    for name in wanted:
        try:
            results.append(sync_directory(services, name, actor=SYSTEM_ACTOR, full=full).as_dict())
        except SyncBusy as exc:
            raise CliError(str(exc), code="busy") from exc
        except DirectoryError as exc:
            raise CliError.coded(exc.code, exc.description) from exc
        except SourceError as exc:
            raise CliError(f"{name}: {exc.description} ({exc.detail}); the next sync resumes",
                           code="unavailable", description=f"{exc.description} ({exc.detail})"
                           ) from exc
    lines = [f"{r['directory']} ({r['mode']}): {r['added']} added, {r['changed']} changed, "
             f"{r['disabled']} disabled, {r['unchanged']} unchanged in {r['seconds']} s"
             for r in results]
    emit(results, as_json, "\n".join(lines) if lines else "no directories")
