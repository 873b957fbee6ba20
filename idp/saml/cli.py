"""``idp clients add-saml`` / ``list-saml`` / ``disable-saml``: SAML SPs from the command line."""

from __future__ import annotations

from pathlib import Path

import click

from clients.errors import ClientError
from clients.saml import registry
from clients.saml.metadata import MetadataError
from idp.audit import SYSTEM_ACTOR
from idp.commands import CliError, emit, with_services
from idp.saml.sp_metadata import import_sp
from idp.services import Services

JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


@click.command("add-saml")
@click.option("--metadata-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True, help="The SP's SAML metadata (an EntityDescriptor).")
@click.option("--name", help="Display name (default: the metadata's organisation name).")
@click.option("--department", help="Owning department.")
@click.option("--attribute", "attributes", multiple=True,
              help="Allowed claim, released as a SAML attribute (name, phone_number, email, "
                   "id_card, legal_person, preferred_username). Repeat for several.")
@click.option("--min-level", type=click.IntRange(1, 3), default=1, show_default=True)
@click.option("--account-class", "account_classes", multiple=True,
              type=click.Choice(["person", "staff"]),
              help="Accounts it admits: person (citizens, the default), staff. Repeatable.")
@click.option("--first-factor", "first_factors", multiple=True,
              type=click.Choice(["password", "sms", "passkey", "scan"]),
              help="First factor a login for it may use (default: every one). Repeatable.")
@click.option("--upstream", "upstreams", multiple=True, metavar="NAME",
              help="An upstream identity provider a login for it may come through (its name "
                   "in idp federation list; default: every enabled one). Repeatable.")
@click.option("--sign-response", is_flag=True, help="Sign the Response too, not only the "
              "Assertion.")
@click.option("--replace", is_flag=True, help="Re-import the metadata of a registered SP.")
@click.option("--signer-cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              metavar="PEM_FILE", help="Require the metadata to be signed by this certificate "
              "(overrides IDP_SAML_METADATA_SIGNER_CERT).")
@JSON
@with_services
def add_saml(services: Services, metadata_file: Path, name: str | None, department: str | None,
             attributes: tuple[str, ...], min_level: int, account_classes: tuple[str, ...],
             first_factors: tuple[str, ...], upstreams: tuple[str, ...], sign_response: bool,
             replace: bool, signer_cert: Path | None, as_json: bool) -> None:
    """Register a SAML service provider from its metadata."""
    try:
        sp = import_sp(
            services, metadata_file.read_bytes(), SYSTEM_ACTOR, department=department,
            name=name, allowed_attributes=list(attributes), min_level=min_level,
            sign_response=sign_response, replace=replace, signer_cert=signer_cert,
            account_classes=list(account_classes) or None,
            first_factors=list(first_factors) or None, upstreams=list(upstreams) or None)
    except MetadataError as exc:
        raise CliError(f"SAML 元数据无法读取 / {exc}", code="invalid_metadata") from exc
    except ClientError as exc:  # an upstream not registered (issue 15)
        raise CliError.coded(exc.error, f"{exc.zh}：{exc.description}") from exc
    anchor = signer_cert or services.settings.saml_metadata_signer_cert
    signed = f", metadata signature verified with {anchor}" if anchor else ""
    emit(sp.summary(), as_json,
         f"已登记 {sp.entity_id}（{sp.name}）/ registered {sp.entity_id} ({sp.name}){signed}")


@click.command("list-saml")
@click.option("--department", help="Only this department's SPs.")
@JSON
@with_services
def list_saml(services: Services, department: str | None, as_json: bool) -> None:
    """List the registered SAML service providers."""
    sps = registry.list_sps(services, department)
    lines = [f"{sp.entity_id}\t{sp.name}\t{sp.department or '-'}"
             + ("\t(disabled)" if sp.disabled else "") for sp in sps]
    emit([sp.summary() for sp in sps], as_json, "\n".join(lines) or "没有 SAML SP / no SAML SPs")


@click.command("disable-saml")
@click.argument("entity_id")
@click.option("--enable", is_flag=True, help="Enable it again instead.")
@JSON
@with_services
def disable_saml(services: Services, entity_id: str, enable: bool, as_json: bool) -> None:
    """Refuse (or, with --enable, accept again) an SP's requests."""
    if not registry.set_disabled(services, entity_id, not enable, SYSTEM_ACTOR):
        raise CliError(f"没有该 SAML SP / no SAML SP {entity_id!r}", code="not_found")
    emit({"entity_id": entity_id, "disabled": not enable}, as_json,
         f"{'已启用' if enable else '已停用'} {entity_id} / "
         f"{entity_id} {'enabled' if enable else 'disabled'}")


def attach(group: click.Group) -> None:
    """Add the SAML commands to the ``idp clients`` group."""
    for command in (add_saml, list_saml, disable_saml):
        group.add_command(command)
