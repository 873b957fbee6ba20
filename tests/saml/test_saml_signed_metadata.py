"""Signed SP metadata: with a metadata signer certificate configured (IDP_SAML_METADATA_SIGNER_CERT
or `add-saml --signer-cert`), only metadata it signed is registered; expired metadata never is."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from lxml import etree
from saml_certs import key_pair

from admin.principal import Admin
from admin.roles import Role, assign_role
from clients.saml.metadata import MetadataError
from clients.saml.registry import list_sps
from idp.accounts import service as accounts
from idp.accounts.enums import AccountClass
from idp.audit import SYSTEM_ACTOR
from idp.saml.signatures import Signer
from idp.saml.sp_metadata import import_sp
from idp.settings import Settings, SettingsError
from tests.admin.admin_helpers import ADMIN_PASSWORD, sign_in

ENTITY = "https://tax.example.gov.cn/saml"
ACS = "https://tax.example.gov.cn/saml/acs"


def metadata(*, entity_id: str = ENTITY, valid_until: str | None = None,
             with_id: bool = True) -> bytes:
    extra = (' ID="_meta1"' if with_id else "") + (
        f' validUntil="{valid_until}"' if valid_until else "")
    return f"""<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
 entityID="{entity_id}"{extra}>
 <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
  <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
   Location="{ACS}" index="0"/>
 </md:SPSSODescriptor>
</md:EntityDescriptor>""".encode()


@pytest.fixture
def signer_files(tmp_path):
    """(key file, certificate file) of the federation's metadata signer: the trust anchor."""
    return key_pair(tmp_path, "metadata-signer")


@pytest.fixture
def sign(tmp_path):
    """sign(xml, key_name="metadata-signer") -> xml with an enveloped signature (first child)."""

    def signed(xml: bytes, key_name: str = "metadata-signer") -> bytes:
        key_file, cert_file = key_pair(tmp_path, key_name)
        key = load_pem_private_key(key_file.read_bytes(), password=None)
        root = Signer(key, cert_file.read_text()).sign(etree.fromstring(xml))
        return etree.tostring(root)

    return signed


@pytest.fixture
def services(app):
    return app.extensions["yiwang"]


def registered(services) -> list[str]:
    return [sp.entity_id for sp in list_sps(services)]


def test_metadata_signed_by_the_anchor_is_registered(services, sign, signer_files):
    sp = import_sp(services, sign(metadata()), SYSTEM_ACTOR,
                                   signer_cert=signer_files[1])
    assert sp.entity_id == ENTITY and sp.acs[0]["location"] == ACS
    assert registered(services) == [ENTITY]


def _tampered(xml: bytes) -> bytes:
    return xml.replace(ACS.encode(), b"https://evil.example.com/acs")


def _signature_moved_inside(xml: bytes) -> bytes:
    # A signature not a direct child of the root (wrapping): refused whatever it covers.
    root = etree.fromstring(xml)
    signature = root[0]
    root[1].insert(0, signature)
    return etree.tostring(root)


@pytest.mark.parametrize(("make", "reason"), [
    (lambda sign: metadata(), "not signed"),
    (lambda sign: sign(metadata(), "someone-else"), "signature does not verify"),
    (lambda sign: _tampered(sign(metadata())), "signature does not verify"),
    (lambda sign: sign(metadata()).replace(b'ID="_meta1"', b'ID="_other"'),
     "must cover the whole message"),
    (lambda sign: _signature_moved_inside(sign(metadata())), "exactly one signature"),
], ids=["unsigned", "another key", "tampered after signing", "reference not the root",
        "signature not on the root"])
def test_metadata_not_signed_by_the_anchor_is_refused_and_nothing_stored(
    services, sign, signer_files, make, reason
):
    with pytest.raises(MetadataError, match=reason):
        import_sp(services, make(sign), SYSTEM_ACTOR,
                                  signer_cert=signer_files[1])
    assert registered(services) == []


@pytest.mark.parametrize("signed_by", [None, "someone-else"])
def test_without_an_anchor_metadata_is_registered_as_before(services, sign, signed_by):
    # Nothing to verify against: a signature, even by an unknown key, is not looked at.
    xml = sign(metadata(), signed_by) if signed_by else metadata(with_id=False)
    import_sp(services, xml, SYSTEM_ACTOR)
    assert registered(services) == [ENTITY]


def test_a_signer_cert_setting_that_names_no_file_stops_start_up(tmp_path):
    with pytest.raises(SettingsError, match="IDP_SAML_METADATA_SIGNER_CERT"):
        Settings.from_env({"IDP_SAML_METADATA_SIGNER_CERT": str(tmp_path / "missing.pem")})
    assert Settings.from_env({}).saml_metadata_signer_cert is None


@pytest.mark.parametrize("anchored", [False, True], ids=["no anchor", "anchor"])
def test_expired_metadata_is_refused_signed_or_not(services, sign, signer_files, anchored):
    past = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    xml = metadata(valid_until=past)
    with pytest.raises(MetadataError, match="metadata expired"):
        import_sp(services, sign(xml) if anchored else xml, SYSTEM_ACTOR,
                                  signer_cert=signer_files[1] if anchored else None)
    assert registered(services) == []


def test_metadata_valid_until_a_future_time_is_registered(services):
    future = (datetime.now(UTC) + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    import_sp(services, metadata(valid_until=future), SYSTEM_ACTOR)
    assert registered(services) == [ENTITY]


def test_add_saml_with_signer_cert_registers_signed_metadata(
    run_idp, idp_env, services, sign, signer_files, tmp_path
):
    path = tmp_path / "sp.xml"
    path.write_bytes(sign(metadata()))
    result = run_idp(["clients", "add-saml", "--metadata-file", str(path), "--signer-cert",
                      str(signer_files[1]), "--json"], idp_env())
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["entity_id"] == ENTITY
    assert registered(services) == [ENTITY]


@pytest.mark.parametrize("anchor_from", ["option", "setting"])
def test_add_saml_refuses_unsigned_metadata_when_an_anchor_is_configured(
    run_idp, idp_env, services, signer_files, tmp_path, anchor_from
):
    path = tmp_path / "sp.xml"
    path.write_bytes(metadata())
    args = ["clients", "add-saml", "--metadata-file", str(path), "--json"]
    if anchor_from == "option":
        result = run_idp([*args, "--signer-cert", str(signer_files[1])], idp_env())
    else:
        env = idp_env(IDP_SAML_METADATA_SIGNER_CERT=str(signer_files[1]))
        result = run_idp(args, env)
    # --json: the refusal is JSON on stdout too, never `Error: ...` for a script to parse.
    assert result.returncode == 1 and "Error:" not in result.stderr
    answer = json.loads(result.stdout)
    assert answer["error"] == "invalid_metadata"
    assert "metadata: not signed" in answer["message"]  # after the Chinese
    assert registered(services) == []


def test_add_saml_signer_cert_overrides_the_setting(
    run_idp, idp_env, services, sign, tmp_path
):
    _, other_cert = key_pair(tmp_path, "someone-else")
    _, anchor_cert = key_pair(tmp_path, "metadata-signer")
    path = tmp_path / "sp.xml"
    path.write_bytes(sign(metadata()))
    env = idp_env(IDP_SAML_METADATA_SIGNER_CERT=str(other_cert))
    result = run_idp(["clients", "add-saml", "--metadata-file", str(path), "--signer-cert",
                      str(anchor_cert)], env)
    assert result.returncode == 0, result.stderr
    assert "metadata signature verified" in result.stdout


class TestConsole:
    """The console registers through the same service: with the setting on, unsigned metadata
    is refused with the reason, and nothing is written."""

    @pytest.fixture
    def settings(self, settings, signer_files):
        return replace(settings, saml_metadata_signer_cert=signer_files[1])

    @pytest.fixture
    def console(self, app, services):
        """A test client signed in to the console as a system administrator; its CSRF token."""
        person = accounts.create_person(
            services, SYSTEM_ACTOR, username="sysadmin", password=ADMIN_PASSWORD, name="管理员",
            account_class=AccountClass.ADMIN, assurance_level=2)
        assign_role(services.db, account_id=person.id, role=Role.SYSTEM_ADMIN)
        client = app.test_client()
        return client, sign_in(client, Admin(person.id, person.username, [], SYSTEM_ACTOR))

    def test_the_api_refuses_unsigned_metadata_with_the_reason(self, console, services):
        client, csrf = console
        response = client.post("/admin/api/saml", headers={"X-CSRF-Token": csrf}, json={
            "metadata_xml": metadata().decode(), "reason": "接入税务系统"})
        assert response.status_code == 400
        assert response.get_json()["error"] == "bad_input"
        assert "metadata: not signed" in response.get_json()["error_description"]
        assert registered(services) == []

    def test_the_api_registers_metadata_signed_by_the_anchor(self, console, services, sign):
        client, csrf = console
        response = client.post("/admin/api/saml", headers={"X-CSRF-Token": csrf}, json={
            "metadata_xml": sign(metadata()).decode(), "reason": "接入税务系统"})
        assert response.status_code == 201, response.get_json()
        assert registered(services) == [ENTITY]
