"""``idp federation add-oidc`` and ``add-oauth2``: upstream identity providers from the command
line (client secret on stdin only). ``list``, ``show`` and ``disable`` are the federation
group's own, which know upstreams as well as directories."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click
from joserfc.jwk import ECKey

from federation.contract import SourceKind
from federation.directories import DirectoryError, parse_pairs
from federation.oidc.client_auth import TOKEN_AUTH_METHODS
from federation.upstream_login import callback_url
from federation.upstreams import UpstreamError, add_upstream, public_view
from idp.audit import SYSTEM_ACTOR
from idp.commands import CliError, emit, with_services

if TYPE_CHECKING:
    from idp.services import Services

JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
PRIVATE_KEY_JWT = TOKEN_AUTH_METHODS[2]


def _common(function):
    options = [
        click.option("--name", required=True, help="Short name: /federation/<name>/callback."),
        click.option("--display-name", help="The login page's button (default: the name)."),
        click.option("--client-id", required=True),
        click.option("--client-secret-stdin", is_flag=True,
                     help="Read the client secret on standard input."),
        click.option("--scope", "scopes", multiple=True, help="Repeat for each scope."),
        click.option("--map", "maps", multiple=True,
                     help="ours=theirs: id_number, name, phone or email from a claim."),
        click.option("--level", type=click.IntRange(1, 2), required=True,
                     help="The most this upstream is trusted for (L1 or L2)."),
        click.option("--link-by", type=click.Choice(["id_number", "none"]), default="none",
                     show_default=True,
                     help="id_number: its verified resident ID number links an existing "
                          "account; none: only a local login confirms a link."),
        click.option("--token-auth", type=click.Choice(TOKEN_AUTH_METHODS),
                     default="client_secret_basic", show_default=True),
        click.option("--timeout", type=click.FloatRange(0.5, 30), default=5.0,
                     show_default=True, help="Seconds for each call to the upstream."),
        JSON,
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _register(services: Services, kind: SourceKind, name: str, display_name: str | None,
              config: dict[str, Any], client_secret_stdin: bool, maps: tuple[str, ...],
              as_json: bool) -> None:
    # Secrets never come as arguments: those land in shell history and `ps` output.
    secret, public_jwk = None, None
    if config["token_auth"] == PRIVATE_KEY_JWT:
        key = ECKey.generate_key("P-256", parameters={"use": "sig", "alg": "ES256"},
                                 auto_kid=True)
        config["private_jwk_sealed"] = True
        secret = json.dumps(key.as_dict(private=True))
        public_jwk = key.as_dict(private=False)
    elif client_secret_stdin:
        secret = sys.stdin.readline().rstrip("\r\n")
    if not secret:
        raise CliError("give the client secret on standard input with --client-secret-stdin "
                       "(or use --token-auth private_key_jwt)", code="invalid_request")
    try:
        config["mapping"] = parse_pairs(maps, "--map")
        row = add_upstream(services, name=name, kind=kind, display_name=display_name or name,
                           config=config, client_secret=secret, actor=SYSTEM_ACTOR)
    except (UpstreamError, DirectoryError) as exc:
        raise CliError.coded(exc.code, exc.description) from exc
    data = {**public_view(row), "redirect_uri": callback_url(services.settings.issuer, name)}
    if public_jwk:
        data["public_jwk"] = public_jwk  # register it at the upstream for private_key_jwt
    emit(data, as_json, f"upstream {name} added; register {data['redirect_uri']} there")


@click.command("add-oidc")
@click.option("--issuer", required=True, help="The issuer; its discovery document is read.")
@_common
@with_services
def add_oidc(services: Services, issuer, name, display_name, client_id, client_secret_stdin,
             scopes, maps, level, link_by, token_auth, timeout, as_json) -> None:
    """Register an OpenID Connect upstream (code flow with PKCE; its ID token checked)."""
    if not issuer.startswith(("https://", "http://")):
        raise CliError("--issuer: an https:// URL", code="invalid_request")
    config = {"issuer": issuer, "client_id": client_id,
              "scopes": list(dict.fromkeys(("openid", *scopes))), "level": level,
              "link_by": link_by, "token_auth": token_auth, "timeout": timeout}
    _register(services, SourceKind.OIDC, name, display_name, config, client_secret_stdin, maps,
              as_json)


@click.command("add-oauth2")
@click.option("--authorize-url", required=True)
@click.option("--token-url", required=True)
@click.option("--userinfo-url", required=True)
@click.option("--subject", default="sub", show_default=True,
              help="The path of the person's stable id in the userinfo JSON (a.b.c).")
@_common
@with_services
def add_oauth2(services: Services, authorize_url, token_url, userinfo_url, subject, name,
               display_name, client_id, client_secret_stdin, scopes, maps, level, link_by,
               token_auth, timeout, as_json) -> None:
    """Register a plain OAuth 2.0 upstream: no ID token, its userinfo JSON mapped."""
    urls = (authorize_url, token_url, userinfo_url)
    if not all(u.startswith(("https://", "http://")) for u in urls):
        raise CliError("the URLs must be https:// URLs", code="invalid_request")
    config = {"authorize_url": authorize_url, "token_url": token_url,
              "userinfo_url": userinfo_url, "subject": subject, "client_id": client_id,
              "scopes": list(scopes), "level": level, "link_by": link_by,
              "token_auth": token_auth, "timeout": timeout}
    _register(services, SourceKind.OAUTH2, name, display_name, config, client_secret_stdin,
              maps, as_json)
