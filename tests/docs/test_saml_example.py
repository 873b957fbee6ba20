"""examples/saml/sp_conf.py, the guide's pysaml2 service provider: its metadata made by
pysaml2's own `make_metadata`, registered with `idp clients add-saml`, then SP-initiated SSO
through the real login form; the SP validates the signed assertion and reads the attributes,
the persistent NameID and the level, as a department's SP would."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path

import pytest
import requests
from conftest import EXAMPLES
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from docs_helpers import walk
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_PERSISTENT
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

SP_BASE = "https://bdc.example.gov.cn"  # never contacted: the test reads the IdP's answer
_SAML_RESPONSE = re.compile(r'name="SAMLResponse" value="([^"]+)"')


def _key_pair(folder: Path) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bdc.example.gov.cn")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .sign(key, hashes.SHA256()))
    key_file, cert_file = folder / "sp.key", folder / "sp.crt"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption()))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


@pytest.fixture
def sp_env(served, tmp_path, monkeypatch) -> dict[str, str]:
    key, cert = _key_pair(tmp_path)
    values = {"SP_BASE_URL": SP_BASE, "YIWANG_ISSUER": served.base,
              "SP_KEY_FILE": str(key), "SP_CERT_FILE": str(cert)}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def _example_config() -> dict:
    spec = importlib.util.spec_from_file_location("sp_conf", EXAMPLES / "saml" / "sp_conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CONFIG


def test_the_pysaml2_example_registers_from_its_metadata_and_receives_a_signed_assertion(
    served, sp_env, tmp_path
):
    # The metadata a department sends, made as the example's docstring says.
    made = subprocess.run([str(Path(sys.executable).with_name("make_metadata")),
                           str(EXAMPLES / "saml" / "sp_conf.py")], capture_output=True,
                          text=True, timeout=60, env={**os.environ, **sp_env}, check=False)
    assert made.returncode == 0, made.stderr
    metadata = tmp_path / "sp.xml"
    metadata.write_text(made.stdout)
    registered = served.idp("clients", "add-saml", "--metadata-file", str(metadata),
                            "--name", "不动产登记", "--department", "自然资源厅",
                            "--attribute", "name", "--attribute", "preferred_username",
                            "--min-level", "2")
    assert registered["entity_id"] == f"{SP_BASE}/saml/metadata"

    sp = Saml2Client(config=SPConfig().load(_example_config()))
    request_id, info = sp.prepare_for_authenticate(
        binding=BINDING_HTTP_REDIRECT, sigalg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
    page = walk(requests.Session(), dict(info["headers"])["Location"], served.base,
                stop_at='name="SAMLResponse"')
    assert f'action="{SP_BASE}/saml/acs"' in page.text  # posted to the registered ACS only

    response = sp.parse_authn_request_response(
        unescape(_SAML_RESPONSE.search(page.text).group(1)), BINDING_HTTP_POST,
        outstanding={request_id: "/"})
    attributes = response.get_identity()
    assert attributes["displayName"] == ["赵六"] and attributes["uid"] == ["zhaoliu"]
    assert not any("25178.1.2.15" in name or "id_card" in name for name in attributes)
    assert response.name_id.format == NAMEID_FORMAT_PERSISTENT
    assert "11010519491231002X" not in response.name_id.text  # a pseudonym, not the ID number
    classes = [statement.authn_context.authn_context_class_ref.text
               for statement in response.assertion.authn_statement]
    assert classes == ["urn:yiwang:ac:classes:level2"]
