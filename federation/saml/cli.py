"""``idp federation add-saml``: a SAML 2.0 upstream from its metadata (a file or a URL, read
once). It prints what to register at the upstream: our entity id, whose metadata URL serves our
SP metadata, and the assertion consumer (the generic callback, HTTP-POST)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from federation.contract import SourceKind
from federation.directories import DirectoryError, parse_pairs
from federation.saml.sp_metadata import urls
from federation.saml.upstream_metadata import MetadataError, fetch, read
from federation.upstreams import UpstreamError, add_upstream, public_view
from idp.audit import SYSTEM_ACTOR
from idp.commands import CliError, emit, with_services

if TYPE_CHECKING:
    from idp.services import Services


@click.command("add-saml")
@click.option("--name", required=True, help="Short name: /federation/<name>/callback.")
@click.option("--display-name", help="The login page's button (default: the name).")
@click.option("--metadata-file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--metadata-url", help="Where the upstream publishes its metadata (read now).")
@click.option("--map", "maps", multiple=True,
              help="ours=theirs: id_number, name, phone or email from an attribute's Name or "
                   "FriendlyName.")
@click.option("--level", type=click.IntRange(1, 2), required=True,
              help="The most this upstream is trusted for (L1 or L2).")
@click.option("--link-by", type=click.Choice(["id_number", "none"]), default="none",
              show_default=True,
              help="id_number: its verified resident ID number links an existing account; "
                   "none: only a local login confirms a link.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_services
def add_saml(services: Services, name, display_name, metadata_file, metadata_url, maps, level,
             link_by, as_json) -> None:
    """Register a SAML 2.0 upstream identity provider (signed assertions required)."""
    if bool(metadata_file) == bool(metadata_url):
        raise CliError("give one of --metadata-file or --metadata-url", code="invalid_request")
    try:
        xml = metadata_file.read_bytes() if metadata_file else fetch(metadata_url)
        idp = read(xml)
        config = {"metadata": xml.decode(), "idp_entity_id": idp.entity_id, "level": level,
                  "link_by": link_by, "mapping": parse_pairs(maps, "--map")}
        if metadata_url:
            config["metadata_url"] = metadata_url
        row = add_upstream(services, name=name, kind=SourceKind.SAML,
                           display_name=display_name or name, config=config, client_secret=None,
                           actor=SYSTEM_ACTOR, idp_entity_id=idp.entity_id[:256])
    except MetadataError as exc:
        raise CliError(f"metadata: {exc}", code="invalid_metadata") from exc
    except (UpstreamError, DirectoryError) as exc:
        raise CliError.coded(exc.code, exc.description) from exc
    where = urls(services.settings.issuer, name)
    data = {**{k: v for k, v in public_view(row).items() if k != "metadata"},
            "entity_id": where["entity_id"], "metadata_url": where["entity_id"],
            "acs_url": where["acs"], "slo_url": where["slo"],
            "single_logout": bool(idp.slo)}
    emit(data, as_json, f"upstream {name} added; register our SP metadata "
                        f"{where['entity_id']} at {idp.entity_id}")
