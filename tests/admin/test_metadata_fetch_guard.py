"""Fetching SP metadata never reaches into our own network (SSRF): addresses are vetted after
one lookup, connected to as vetted, and every redirect is vetted again."""

from __future__ import annotations

import datetime
import socket
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from admin.errors import AdminError
from admin.fetch import fetch_metadata
from admin.roles import Role
from idp.settings import Settings, SettingsError
from tests.admin.admin_helpers import SP_METADATA

REFUSED = ("元数据地址指向内网、本机或保留地址 / the metadata URL points to a private, loopback "
           "or reserved address")
NOT_HTTP = "元数据地址必须是 http(s) URL / the metadata URL must be an http(s) URL"
FORM = {"csrf_token": "test-csrf-token", "reason": "接入人社系统", "department": "人社厅",
        "min_level": "2", "allowed_attributes": ["name", "sub"]}


# Answers of the shared http_server fixture: the SP's metadata, or a redirect.
METADATA = (200, SP_METADATA)


def moved(status: int, location: str) -> tuple[int, bytes, dict[str, str]]:
    return status, b"", {"Location": location}


def requested(site) -> list[tuple[str, str]]:
    """The site's requests as (path, Host header)."""
    return [(hit.path, hit.headers["Host"]) for hit in site.hits]


class ConnectionAttempted(Exception):
    pass


@pytest.fixture
def no_connections(monkeypatch):
    """Any attempt to open a connection raises ConnectionAttempted(address)."""

    def connect(sock, address):
        sock.close()
        raise ConnectionAttempted(address)

    monkeypatch.setattr(socket.socket, "connect", connect)


def refused(url: str, allow_private: bool = False) -> str:
    with pytest.raises(AdminError) as caught:
        fetch_metadata(url, allow_private=allow_private)
    assert caught.value.code == "fetch_failed"
    return caught.value.description_en


INSIDE = ["http://127.0.0.1/m.xml", "http://127.1:8080/m.xml", "http://2130706433/m.xml",
          "http://10.0.0.1/m.xml", "https://10.0.0.1/m.xml", "http://172.16.5.4/m.xml",
          "http://192.168.1.1/m.xml", "http://100.64.0.1/m.xml", "http://[::1]/m.xml",
          "http://[fc00::1]/m.xml", "http://[::ffff:127.0.0.1]/m.xml",
          "http://[::ffff:10.0.0.1]/m.xml", "http://[2002:7f00:1::1]/m.xml"]
NEVER = ["http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/m.xml",
         "http://[::ffff:169.254.169.254]/m.xml", "http://0.0.0.0/m.xml", "http://[::]/m.xml",
         "http://224.0.0.1/m.xml", "http://[ff02::1]/m.xml", "http://240.0.0.1/m.xml",
         "http://[64:ff9b::a00:1]/m.xml"]


@pytest.mark.parametrize("url", INSIDE + NEVER)
def test_an_address_inside_our_network_is_refused_before_any_connection(url, no_connections):
    assert refused(url) == REFUSED


@pytest.mark.parametrize("url", NEVER)
def test_link_local_multicast_and_reserved_addresses_are_refused_even_on_an_intranet(
        url, no_connections):
    assert refused(url, allow_private=True) == REFUSED


def test_the_intranet_setting_lets_a_private_address_be_connected_to(no_connections):
    with pytest.raises(ConnectionAttempted) as attempt:
        fetch_metadata("http://10.0.0.1/m.xml", allow_private=True)
    assert attempt.value.args[0][:2] == ("10.0.0.1", 80)


def test_a_host_name_that_resolves_to_loopback_is_refused(no_connections):
    assert refused("http://localhost/m.xml") == REFUSED


def test_a_host_name_is_resolved_once_and_connected_to_at_the_vetted_address(
        http_server, monkeypatch):
    server = http_server({"/m.xml": METADATA})
    real, lookups = socket.getaddrinfo, []

    def rebinding(host, *args, **kwargs):
        if host != "sp.rebind.test":
            return real(host, *args, **kwargs)
        lookups.append(host)
        if len(lookups) > 1:  # a rebinding DNS server would now answer with another address
            raise socket.gaierror(socket.EAI_NONAME, "asked twice")
        return real("127.0.0.1", *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    url = f"http://sp.rebind.test:{server.port}/m.xml"
    assert fetch_metadata(url, allow_private=True) == SP_METADATA
    assert lookups == ["sp.rebind.test"]
    assert requested(server) == [("/m.xml", f"sp.rebind.test:{server.port}")]


def test_a_loopback_metadata_url_is_refused_in_the_console_by_default(console_client, http_server):
    server = http_server({"/m.xml": METADATA})
    client, _ = console_client(Role.SYSTEM_ADMIN)
    url = f"http://127.0.0.1:{server.port}/m.xml"
    page = client.post("/admin/saml/new", data={**FORM, "metadata_url": url})
    assert REFUSED in page.get_data(as_text=True)
    api = client.post("/admin/api/saml", headers={"X-CSRF-Token": "test-csrf-token"},
                      json={"metadata_url": url, "reason": "r", "department": "人社厅"})
    assert api.status_code == 400 and api.get_json()["error"] == "fetch_failed"
    assert REFUSED in api.get_json()["error_description"]
    assert requested(server) == []
    listed = client.get("/admin/api/relying-parties").get_json()["relying_parties"]
    assert [rp for rp in listed if rp["kind"] == "saml"] == []


def test_up_to_three_redirects_are_followed(http_server):
    routes = {"/a": moved(301, "/b"), "/c": moved(307, "d"), "/d": METADATA}
    server = http_server(routes)
    routes["/b"] = moved(302, f"http://127.0.0.1:{server.port}/c")  # an absolute Location too
    assert fetch_metadata(f"http://127.0.0.1:{server.port}/a", allow_private=True) == SP_METADATA
    assert [path for path, _ in requested(server)] == ["/a", "/b", "/c", "/d"]


def test_a_fourth_redirect_is_refused(http_server):
    server = http_server({"/a": moved(302, "/b"), "/b": moved(302, "/c"),
                          "/c": moved(302, "/d"), "/d": moved(302, "/e"), "/e": METADATA})
    assert refused(f"http://127.0.0.1:{server.port}/a", allow_private=True) == (
        "重定向超过 3 次 / more than 3 redirects")
    assert [path for path, _ in requested(server)] == ["/a", "/b", "/c", "/d"]


@pytest.mark.parametrize(("location", "problem"), [
    ("http://169.254.169.254/latest/meta-data/", REFUSED),
    ("http://[::ffff:169.254.169.254]/", REFUSED),
    ("file:///etc/passwd", NOT_HTTP),
])
def test_a_redirect_is_vetted_like_the_first_url(http_server, location, problem):
    server = http_server({"/a": moved(302, location)})
    assert refused(f"http://127.0.0.1:{server.port}/a", allow_private=True) == problem


def test_a_redirect_from_a_public_host_to_loopback_is_refused(http_server, monkeypatch):
    """sp.example.gov.cn resolves to a public address, which this test routes to its server."""
    routes = {"/m.xml": METADATA}
    server = http_server(routes)
    routes["/a"] = moved(302, f"http://127.0.0.1:{server.port}/m.xml")
    public = "93.184.215.14"
    real_lookup, real_connect = socket.getaddrinfo, socket.create_connection

    def lookup(host, *args, **kwargs):
        return real_lookup(public if host == "sp.example.gov.cn" else host, *args, **kwargs)

    def connect(address, *args, **kwargs):
        assert address[0] == public, "only the public host may be connected to"
        return real_connect(("127.0.0.1", address[1]), *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    monkeypatch.setattr(socket, "create_connection", connect)
    assert refused(f"http://sp.example.gov.cn:{server.port}/a") == REFUSED
    assert requested(server) == [("/a", f"sp.example.gov.cn:{server.port}")]


def test_a_body_over_the_limit_is_refused(http_server):
    server = http_server({"/m.xml": METADATA})
    with pytest.raises(AdminError) as caught:
        fetch_metadata(f"http://127.0.0.1:{server.port}/m.xml", allow_private=True, limit=10)
    assert caught.value.description_en == "元数据过大 / metadata larger than 10 bytes"


@pytest.fixture
def tls(tmp_path, monkeypatch):
    """A server context with a certificate for `localhost` from a CA the client trusts."""
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)

    def certificate(subject, public_key, issuer, ca: bool, extension, critical: bool):
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
                   .public_key(public_key).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(minutes=1))
                   .not_valid_after(now + datetime.timedelta(hours=1))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key),
                                  critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                       ca_key.public_key()), critical=False)
                   .add_extension(extension, critical=critical))
        return builder.sign(ca_key, hashes.SHA256())

    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    ca = certificate(ca_name, ca_key.public_key(), ca_name, True, x509.KeyUsage(
        digital_signature=True, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
        encipher_only=False, decipher_only=False), critical=True)
    leaf = certificate(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]),
                       key.public_key(), ca_name, False,
                       x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "leaf.pem").write_bytes(
        leaf.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))  # read by OpenSSL per context
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "leaf.pem")
    return context


def test_https_checks_the_certificate_against_the_url_host_name(http_server, tls):
    server = http_server({"/m.xml": METADATA}, tls=tls)
    url = f"https://localhost:{server.port}/m.xml"
    assert fetch_metadata(url, allow_private=True) == SP_METADATA
    assert server.server_names == ["localhost"]
    assert requested(server) == [("/m.xml", f"localhost:{server.port}")]
    by_address = f"https://127.0.0.1:{server.port}/m.xml"  # the certificate names localhost only
    assert refused(by_address, allow_private=True) == (
        "无法获取元数据 / fetch failed: SSLCertVerificationError")


@pytest.mark.parametrize(("raw", "value"), [("true", True), ("1", True), ("false", False),
                                            ("0", False), ("False", False)])
def test_the_intranet_setting_is_read_as_a_boolean(raw, value):
    settings = Settings.from_env({"IDP_METADATA_FETCH_ALLOW_PRIVATE": raw})
    assert settings.metadata_fetch_allow_private is value


def test_an_intranet_setting_that_is_not_a_boolean_stops_start_up():
    with pytest.raises(SettingsError, match="must be true or false"):
        Settings.from_env({"IDP_METADATA_FETCH_ALLOW_PRIVATE": "yes please"})


def test_the_intranet_setting_is_off_by_default():
    assert Settings.from_env({}).metadata_fetch_allow_private is False

