"""``idp clients``: register and manage OIDC relying parties from the command line."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from clients import registry
from clients.errors import ClientError
from clients.grant_types import GRANT_TYPES
from clients.initial_tokens import DEFAULT_TTL, MAX_TTL, issue_initial_access_token
from clients.metadata import to_metadata
from clients.saml import registry as saml_registry
from clients.validation import SIGNING_ALGS
from idp.audit import SYSTEM_ACTOR
from idp.commands import CliError, emit, with_services
from idp.sso.first_factors import ALL_FIRST_FACTORS as FACTORS

if TYPE_CHECKING:
    from idp.services import Services

JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def _call(function: Callable, *args: Any, **kwargs: Any) -> Any:
    try:
        return function(*args, **kwargs)
    except ClientError as exc:
        raise CliError.coded(exc.error, f"{exc.zh}：{exc.description}") from exc


@click.group()
def clients() -> None:
    """OIDC relying parties (department systems)."""


@clients.command()
@click.option("--name", required=True, help="Display name, e.g. 公积金中心.")
@click.option("--redirect-uri", "redirect_uris", multiple=True, help="Repeat for several.")
@click.option("--post-logout-redirect-uri", "post_logout", multiple=True)
@click.option("--backchannel-logout-uri")
@click.option("--frontchannel-logout-uri")
@click.option("--public", is_flag=True, help="No secret (auth method none; PKCE required).")
@click.option("--native", is_flag=True, help="A native app (custom schemes, loopback ports).")
@click.option("--department", help="Owning department.")
@click.option("--scope", "scopes", multiple=True, help="Allowed scope (default: openid "
              "profile email phone address). Repeat for several.")
@click.option("--claim", "claims", multiple=True, help="Allowed claim (default: those of the "
              "allowed scopes). Repeat for several.")
@click.option("--pairwise", is_flag=True, help="Pairwise subject identifiers.")
@click.option("--min-level", type=click.IntRange(1, 3), default=1, show_default=True)
@click.option("--account-class", "account_classes", multiple=True,
              type=click.Choice(["person", "staff"]),
              help="Accounts it admits: person (citizens, the default), staff. Repeatable.")
@click.option("--first-factor", "first_factors", multiple=True, type=click.Choice(FACTORS),
              help="First factor a login for it may use: password, sms, passkey, scan "
                   "(default: every one). Repeatable.")
@click.option("--upstream", "upstreams", multiple=True, metavar="NAME",
              help="An upstream identity provider a login for it may come through (its name "
                   "in idp federation list; default: every enabled one). Repeatable.")
@click.option("--alg", type=click.Choice(SIGNING_ALGS), default="RS256", show_default=True,
              help="ID token signing algorithm.")
@click.option("--userinfo-alg", type=click.Choice(SIGNING_ALGS), default=None,
              help="Sign userinfo responses as JWTs with this algorithm (default: plain JSON).")
@click.option("--first-party", is_flag=True, help="Government first-party: no consent page.")
@click.option("--refresh", is_flag=True, help="Refresh tokens without offline_access.")
@click.option("--client-credentials", is_flag=True, help="Also allow client_credentials.")
@click.option("--grant-type", "grant_types", multiple=True, type=click.Choice(GRANT_TYPES),
              help="A grant it may use, e.g. urn:ietf:params:oauth:grant-type:device_code for "
                   "a terminal or TV (default: authorization_code). Repeatable.")
@JSON
@with_services
def add(services: Services, name: str, redirect_uris: tuple[str, ...], post_logout: tuple[str, ...],
        backchannel_logout_uri: str | None, frontchannel_logout_uri: str | None, public: bool,
        native: bool, department: str | None, scopes: tuple[str, ...], claims: tuple[str, ...],
        pairwise: bool, min_level: int, account_classes: tuple[str, ...],
        first_factors: tuple[str, ...], upstreams: tuple[str, ...], alg: str,
        userinfo_alg: str | None, first_party: bool, refresh: bool, client_credentials: bool,
        grant_types: tuple[str, ...], as_json: bool) -> None:
    """Register a client; prints its client_id and secret (shown only this once)."""
    extra = [*grant_types, *(["client_credentials"] if client_credentials else [])]
    grants = ["authorization_code"] if redirect_uris or not extra else []
    metadata: dict[str, Any] = {
        "client_name": name, "redirect_uris": list(redirect_uris),
        "post_logout_redirect_uris": list(post_logout),
        "backchannel_logout_uri": backchannel_logout_uri,
        "frontchannel_logout_uri": frontchannel_logout_uri,
        "token_endpoint_auth_method": "none" if public else "client_secret_basic",
        "application_type": "native" if native else "web",
        "grant_types": list(dict.fromkeys(grants + extra)),
        "department": department, "subject_type": "pairwise" if pairwise else "public",
        "min_level": min_level, "id_token_signed_response_alg": alg,
        "userinfo_signed_response_alg": userinfo_alg,
        "first_party": first_party, "allow_refresh": refresh,
    }
    if scopes:
        metadata["scope"] = " ".join(scopes)
    if claims:
        metadata["allowed_claims"] = list(claims)
    if account_classes:
        metadata["account_classes"] = list(account_classes)
    if first_factors:
        metadata["first_factors"] = list(first_factors)
    if upstreams:
        metadata["upstreams"] = list(upstreams)
    metadata = {k: v for k, v in metadata.items() if v is not None}
    client, secret = _call(registry.register_client, services, metadata, SYSTEM_ACTOR)
    data = {**to_metadata(client, policy=True), "client_secret": secret}
    text = f"client_id:     {client.client_id}\n" + (
        f"client_secret: {secret}\n（密钥只显示这一次，请妥善保存 / the secret is shown "
        "only now: store it safely）" if secret
        else "（公开客户端，没有密钥 / public client: no secret）"
    )
    emit(data, as_json, text)


@clients.command("list")
@click.option("--department", help="Only this department's clients.")
@JSON
@with_services
def list_(services: Services, department: str | None, as_json: bool) -> None:
    """Every client: id, state, department, name."""
    rows = [to_metadata(c, policy=True) for c in registry.list_clients(
        services, department=department)]
    lines = [f"{r['client_id']}  {'disabled' if r['disabled'] else 'active  '}  "
             f"{r.get('department') or '-'}  {r['client_name']}" for r in rows]
    emit(rows, as_json, "\n".join(lines) if rows else "没有应用 / no clients")


@clients.command()
@click.argument("client_id")
@JSON
@with_services
def show(services: Services, client_id: str, as_json: bool) -> None:
    """One client's registration and policy (never its secret)."""
    with services.db.session() as session:
        client = registry.get_client(session, client_id)
    if client is None:
        raise CliError(f"没有该应用 / no client {client_id!r}", code="not_found")
    data = to_metadata(client, policy=True)
    emit(data, as_json, "\n".join(f"{k}: {v}" for k, v in data.items()))


@clients.command()
@click.argument("client_id")
@click.option("--first-factor", "first_factors", multiple=True, type=click.Choice(FACTORS),
              help="First factor a login for it may use: password, sms, passkey, scan "
                   "(default: every one). Repeatable.")
@click.option("--upstream", "upstreams", multiple=True, metavar="NAME",
              help="The upstream identity providers it accepts from now on (replaces its "
                   "list). Repeatable.")
@click.option("--all-upstreams", is_flag=True,
              help="Accept every enabled upstream identity provider again.")
@click.option("--min-level", type=click.IntRange(1, 3), default=None)
@click.option("--account-class", "account_classes", multiple=True,
              type=click.Choice(["person", "staff"]),
              help="Accounts it admits from now on: person (citizens), staff; repeat for both.")
@click.option("--grant-type", "grant_types", multiple=True, type=click.Choice(GRANT_TYPES),
              help="The grants an OIDC client may use from now on (replaces its list). "
                   "Repeatable.")
@JSON
@with_services
def update(services: Services, client_id: str, first_factors: tuple[str, ...],
           upstreams: tuple[str, ...], all_upstreams: bool, min_level: int | None,
           account_classes: tuple[str, ...],
           grant_types: tuple[str, ...], as_json: bool) -> None:
    """Change a relying party's login policy: an OIDC client's, or (by entity ID) a SAML SP's
    first factors, upstream identity providers and account classes."""
    if upstreams and all_upstreams:
        raise CliError("--upstream 与 --all-upstreams 不能同时使用 / give --upstream or "
                       "--all-upstreams, not both", code="usage")
    metadata: dict[str, Any] = {}
    if first_factors:
        metadata["first_factors"] = list(first_factors)
    if upstreams or all_upstreams:
        metadata["upstreams"] = list(upstreams)
    if min_level is not None:
        metadata["min_level"] = min_level
    if account_classes:
        metadata["account_classes"] = list(account_classes)
    if grant_types:
        metadata["grant_types"] = list(grant_types)
    if not metadata:
        raise CliError("没有要修改的内容 / nothing to change: give --first-factor, --upstream, "
                       "--all-upstreams, --min-level, --account-class or --grant-type",
                       code="usage")
    with services.db.session() as session:
        known = registry.get_client(session, client_id) is not None
    if known:
        client, _ = _call(registry.update_client, services, client_id, metadata, SYSTEM_ACTOR)
        data = to_metadata(client, policy=True)
        emit(data, as_json, f"已更新 {client_id} / {client_id} updated: first factors "
             f"{' '.join(data['first_factors'])}, upstreams {_upstreams(data['upstreams'])}, "
             f"min level {data['min_level']}, admits {' '.join(data['account_classes'])}")
        return
    if min_level is not None or grant_types:
        raise CliError(f"没有该 OIDC 应用 / no client {client_id!r} (a SAML SP's level is "
                       "set by add-saml --replace; grant types are OIDC's)", code="not_found")
    sp = saml_registry.get_sp(services, client_id)
    if sp is None:
        raise CliError(f"没有该应用或 SAML SP / no client or SAML SP {client_id!r}",
                       code="not_found")
    if first_factors:
        sp = _call(saml_registry.set_first_factors, services, client_id, list(first_factors),
                   SYSTEM_ACTOR)
    if "upstreams" in metadata:
        sp = _call(saml_registry.set_upstreams, services, client_id, metadata["upstreams"],
                   SYSTEM_ACTOR)
    if account_classes:
        sp = _call(saml_registry.set_account_classes, services, client_id,
                   list(account_classes), SYSTEM_ACTOR)
    emit(sp.summary(), as_json, f"已更新 {client_id} / {client_id} updated: first factors "
         f"{' '.join(sp.first_factors)}, upstreams {_upstreams(sp.upstreams)}, admits "
         f"{' '.join(sp.account_classes)}")


def _upstreams(names: list[str] | None) -> str:
    return " ".join(names) if names else "(every enabled one)"


@clients.command()
@click.argument("client_id")
@JSON
@with_services
def disable(services: Services, client_id: str, as_json: bool) -> None:
    """Refuse every authorization and token for the client from now on."""
    _call(registry.disable_client, services, client_id, SYSTEM_ACTOR)
    emit({"client_id": client_id, "disabled": True}, as_json,
         f"已停用 {client_id} / {client_id} disabled")


@clients.command()
@click.argument("client_id")
@JSON
@with_services
def enable(services: Services, client_id: str, as_json: bool) -> None:
    """Undo ``disable``."""
    _call(registry.disable_client, services, client_id, SYSTEM_ACTOR, disabled=False)
    emit({"client_id": client_id, "disabled": False}, as_json,
         f"已启用 {client_id} / {client_id} enabled")


@clients.command("rotate-secret")
@click.argument("client_id")
@JSON
@with_services
def rotate_secret(services: Services, client_id: str, as_json: bool) -> None:
    """Replace the client's secret at once; prints the new one (shown only this once)."""
    secret = _call(registry.rotate_secret, services, client_id, SYSTEM_ACTOR)
    emit({"client_id": client_id, "client_secret": secret}, as_json,
         f"client_secret: {secret}\n（旧密钥已失效 / the old secret no longer works）")


@clients.command()
@click.argument("client_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@JSON
@with_services
def delete(services: Services, client_id: str, yes: bool, as_json: bool) -> None:
    """Remove the client and its consents."""
    if not yes:
        click.confirm(f"删除应用 {client_id}？/ delete client {client_id}?", abort=True)
    _call(registry.delete_client, services, client_id, SYSTEM_ACTOR)
    emit({"client_id": client_id, "deleted": True}, as_json,
         f"已删除 {client_id} / {client_id} deleted")


@clients.command("initial-access-token")
@click.option("--ttl", type=click.IntRange(1, MAX_TTL), default=DEFAULT_TTL, show_default=True,
              help="Seconds the token stays valid.")
@click.option("--reusable", is_flag=True, help="Allow several registrations until it expires.")
@JSON
@with_services
def initial_access_token(services: Services, ttl: int, reusable: bool, as_json: bool) -> None:
    """A bearer token for RFC 7591 registration at POST /connect/register (shown only this once)."""
    token = issue_initial_access_token(services, SYSTEM_ACTOR, ttl=ttl, single_use=not reusable)
    data = {"initial_access_token": token, "expires_in": ttl, "single_use": not reusable,
            "registration_endpoint": f"{services.settings.issuer}/connect/register"}
    emit(data, as_json, f"initial access token: {token}\n"
         f"{ttl} 秒内有效，{'可多次使用' if reusable else '仅用一次'} / valid {ttl} s, "
         f"{'reusable' if reusable else 'single use'}, at {data['registration_endpoint']}")
