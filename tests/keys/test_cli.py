"""`idp keys ...` as an operator uses it."""

import json
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric import rsa

from keys.algorithms import to_pem
from keys.certificates import self_signed


def _pair(tmp_path, name: str, bits: int = 2048):
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    cert = self_signed(key, "https://idp.example.gov.cn", datetime.now(UTC))
    (tmp_path / f"{name}.crt").write_text(cert)
    (tmp_path / f"{name}.key").write_text(to_pem(key))
    return tmp_path / f"{name}.crt", tmp_path / f"{name}.key"


def test_idp_help_lists_the_keys_commands(cli):
    listing = cli("keys", "--help").output
    for command in ("list", "rotate", "rewrap", "import-cert", "generate-kek"):
        assert command in listing
    assert "keys" in cli("--help").output


def test_rotate_json_names_the_new_current_next_and_retired_keys_that_list_shows(cli):
    rotation = json.loads(cli("keys", "rotate", "--alg", "ES256", "--json").stdout)
    listed = {row["kid"]: row for row in json.loads(cli("keys", "list", "--json").stdout)}
    assert listed[rotation["current"]]["state"] == "current"
    assert listed[rotation["next"]]["state"] == "next"
    assert listed[rotation["retired"]]["state"] == "retired"
    assert listed[rotation["retired"]]["published_until"] is not None
    assert {"alg", "created_at", "activated_at", "retired_at", "age"} <= set(
        listed[rotation["current"]])


def test_list_without_json_prints_a_table(cli):
    cli("keys", "rotate", "--alg", "EdDSA")
    output = cli("keys", "list").output
    assert "EdDSA" in output and "current" in output and "retired" in output


def test_an_imported_certificate_is_published_next_and_signs_after_rotation(
    cli, tmp_path, signing_keys
):
    cert_file, key_file = _pair(tmp_path, "idp")
    result = cli("keys", "import-cert", "--cert-file", str(cert_file), "--key-file",
                 str(key_file), "--json")
    assert json.loads(result.stdout)["state"] == "next"
    keys = signing_keys
    assert cert_file.read_text() in keys.saml_certificates()
    assert keys.saml_signing()[1] != cert_file.read_text()

    cli("keys", "rotate", "--alg", "SAML")
    assert keys.saml_signing()[1] == cert_file.read_text()


def test_import_cert_with_activate_signs_with_it_at_once(cli, tmp_path, signing_keys):
    cert_file, key_file = _pair(tmp_path, "idp", bits=3072)
    cli("keys", "import-cert", "--cert-file", str(cert_file), "--key-file", str(key_file),
        "--activate")
    assert signing_keys.saml_signing()[1] == cert_file.read_text()


def test_import_cert_refuses_a_key_that_does_not_match_the_certificate(cli, tmp_path):
    cert_file, _ = _pair(tmp_path, "one")
    _, other_key = _pair(tmp_path, "two")
    result = cli("keys", "import-cert", "--cert-file", str(cert_file), "--key-file",
                 str(other_key))
    assert result.exit_code == 1
    assert "does not match the certificate" in result.output


def test_import_cert_refuses_files_that_are_not_pem(cli, tmp_path):
    (tmp_path / "junk").write_text("hello")
    result = cli("keys", "import-cert", "--cert-file", str(tmp_path / "junk"), "--key-file",
                 str(tmp_path / "junk"))
    assert result.exit_code == 1
    assert "not a PEM X.509 certificate" in result.output


def test_importing_the_same_pair_twice_is_refused(cli, tmp_path):
    cert_file, key_file = _pair(tmp_path, "idp")
    args = ("keys", "import-cert", "--cert-file", str(cert_file), "--key-file", str(key_file))
    assert cli(*args).exit_code == 0
    result = cli(*args)
    assert result.exit_code == 1
    assert "already stored" in result.output
