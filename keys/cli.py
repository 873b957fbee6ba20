"""``idp keys``: list, rotate, re-wrap under a new KEK, import a SAML certificate, make a KEK."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

import click

from idp.commands import CliError, emit, rfc3339, with_services
from keys.algorithms import ALL_SLOTS
from keys.certificates import CertificateError
from keys.kek import KEK_BYTES, KekError, decode_kek
from keys.lifecycle import Rotation
from keys.private_files import write_private
from keys.signing import KeyInfo, SigningKeys

if TYPE_CHECKING:
    from idp.services import Services


@click.group()
def keys() -> None:
    """Signing keys, the SAML certificate and the key-encryption key (KEK)."""


@keys.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_services
def list_keys(services: Services, as_json: bool) -> None:
    """Every stored key: kid, algorithm, state, times and age."""
    signing: SigningKeys = services.signing_keys
    rows = [_row(info, signing) for info in signing.all_keys()]
    lines = [f"{'ALG':6} {'STATE':8} {'AGE':>8}  {'KID':44} ACTIVATED / RETIRED"] + [
        f"{r['alg']:6} {r['state']:8} {r['age']:>8}  {r['kid']:44} "
        f"{r['activated_at'] or '-'} / {r['retired_at'] or '-'}" for r in rows
    ]
    emit(rows, as_json, "\n".join(lines) if rows else "no keys yet (made on first use)")


@keys.command()
@click.option("--alg", type=click.Choice(ALL_SLOTS), default="RS256", show_default=True,
              help="The algorithm's keys to rotate (SAML: the SAML certificate).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_services
def rotate(services: Services, alg: str, as_json: bool) -> None:
    """Promote next -> current, current -> retired, and make a new next key."""
    signing: SigningKeys = services.signing_keys
    result = signing.rotate(alg)
    emit(_rotation(result, signing), as_json,
         f"{alg}: now signing with {result.current}; next {result.next}; "
         f"retired {result.retired or '-'}")
    if result.next_published_seconds < signing.jwks_max_age:
        click.echo(f"warning: the promoted key was published only "
                   f"{result.next_published_seconds:.0f} s, less than the JWKS max-age "
                   f"({signing.jwks_max_age} s): relying parties with a cached JWKS refetch "
                   "it on the unknown kid", err=True)


@keys.command()
@click.option("--new-kek-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True, help="File holding the new KEK (base64 of 32 bytes).")
@with_services
def rewrap(services: Services, new_kek_file: Path) -> None:
    """Re-wrap every data key under a new KEK, in one transaction."""
    try:
        new_kek = decode_kek(new_kek_file.read_text().strip(), str(new_kek_file))
    except KekError as exc:
        raise CliError(str(exc), code="invalid_kek") from exc
    count = services.keyring.rewrap(new_kek)
    settings = services.settings
    if not settings.kek:  # the embedded default: the generated KEK file must follow
        _write_secret(settings.data_dir / "kek", new_kek_file.read_text().strip())
        where = f"{settings.data_dir / 'kek'} now holds the new KEK"
    else:
        where = f"set IDP_KEK to the contents of {new_kek_file} (or IDP_KEK_FILE={new_kek_file})"
    click.echo(f"re-wrapped {count} data keys; {where}, then restart every node. "
               "The old KEK no longer opens this database.")


@keys.command("import-cert")
@click.option("--cert-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True, help="PEM X.509 certificate.")
@click.option("--key-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True, help="Its unencrypted PEM RSA private key.")
@click.option("--activate", is_flag=True,
              help="Sign with it now (default: publish it as next; it signs after a rotation).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_services
def import_cert(services: Services, cert_file: Path, key_file: Path, activate: bool,
                as_json: bool) -> None:
    """Import the SAML IdP signing certificate and key from PEM files."""
    signing: SigningKeys = services.signing_keys
    try:
        result = signing.import_certificate(cert_file.read_bytes(), key_file.read_bytes(),
                                            activate=activate)
    except CertificateError as exc:
        raise CliError(str(exc), code="invalid_certificate") from exc
    state = "current" if activate else "next"
    kid = result.current if activate else result.next
    emit({"kid": kid, "state": state}, as_json, f"imported the SAML certificate as {state} ({kid})")


@keys.command("generate-kek")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write it to this new file (mode 0600) instead of printing it.")
def generate_kek(out: Path | None) -> None:
    """Print a new random KEK (base64 of 32 bytes)."""
    kek = base64.b64encode(secrets.token_bytes(KEK_BYTES)).decode()
    if out is None:
        click.echo(kek)
        return
    if out.exists():
        raise CliError(f"{out} exists; not overwriting a key", code="already_exists")
    _write_secret(out, kek)
    click.echo(f"wrote a new KEK to {out}")


def _write_secret(path: Path, text: str) -> None:
    write_private(path, text + "\n")


def _row(info: KeyInfo, signing: SigningKeys) -> dict:
    now = signing.now()
    until = info.published_until(signing.longest_token_lifetime)
    return {
        "kid": info.kid, "alg": info.alg, "state": info.state,
        "created_at": rfc3339(info.created_at),
        "activated_at": rfc3339(info.activated_at) if info.activated_at else None,
        "retired_at": rfc3339(info.retired_at) if info.retired_at else None,
        "published_until": rfc3339(until) if until else None,
        "age": _age((now - info.created_at).total_seconds()),
        "age_seconds": int((now - info.created_at).total_seconds()),
    }


def _rotation(result: Rotation, signing: SigningKeys) -> dict:
    return {"alg": result.alg, "current": result.current, "next": result.next,
            "retired": result.retired,
            "next_published_seconds": int(result.next_published_seconds),
            "jwks_max_age_seconds": signing.jwks_max_age}


def _age(seconds: float) -> str:
    if seconds >= 86400:
        return f"{seconds / 86400:.1f}d"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f}h"
    return f"{seconds / 60:.0f}m"
