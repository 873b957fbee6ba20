"""Real SAML service providers for the tests: pysaml2's Saml2Client and OneLogin python3-saml.

Neither shares code with the IdP: each builds its own requests and checks our responses with
its own XML-security stack (pysaml2 runs xmlsec1; python3-saml uses the xmlsec binding).
"""

from __future__ import annotations

import base64
import threading
import zlib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from lxml import etree
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, BINDING_SOAP
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_PERSISTENT
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256
from saml_certs import key_pair, pem_body

PERSISTENT = NAMEID_FORMAT_PERSISTENT
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


class PySaml2Sp:
    """pysaml2 as a service provider (the SATOSA / Django-saml2 stack)."""

    def __init__(self, folder: Path, idp_metadata: str, base: str = "http://sp-a.test", *,
                 sign_requests: bool = True, want_response_signed: bool = False,
                 encrypt: bool = False, soap_slo: str | None = None,
                 nameid_format: str = PERSISTENT, key_name: str | None = None) -> None:
        self.entity_id = f"{base}/metadata"
        self.acs = f"{base}/acs"
        # With a SOAP endpoint, every SLO binding shares its URL (pysaml2 checks Destination
        # against the endpoints of the binding it is told the message came by).
        self.slo = soap_slo or f"{base}/slo"
        key, cert = key_pair(folder, key_name or "pysaml2-" + urlsplit(base).hostname)
        slo = [(self.slo, BINDING_HTTP_REDIRECT), (self.slo, BINDING_HTTP_POST)]
        if soap_slo:
            slo.append((soap_slo, BINDING_SOAP))
        conf = {
            "entityid": self.entity_id,
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "key_file": str(key), "cert_file": str(cert),
            "metadata": {"inline": [idp_metadata]},
            "allow_unknown_attributes": True,
            "service": {"sp": {
                "endpoints": {
                    "assertion_consumer_service": [(self.acs, BINDING_HTTP_POST)],
                    "single_logout_service": slo,
                },
                "authn_requests_signed": sign_requests,
                "logout_requests_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": want_response_signed,
                "signing_algorithm": SIG_RSA_SHA256, "digest_algorithm": DIGEST_SHA256,
                "name_id_format": nameid_format,
                "allow_unsolicited": True,
                "requested_attribute_name_format":
                    "urn:oasis:names:tc:SAML:2.0:attrname-format:uri",
            }},
        }
        if encrypt:
            enc_key, enc_cert = key_pair(folder, "pysaml2-enc-" + urlsplit(base).hostname)
            conf["encryption_keypairs"] = [{"key_file": str(enc_key), "cert_file": str(enc_cert)}]
        self.config = SPConfig().load(conf)
        self.client = Saml2Client(config=self.config)
        self.outstanding: dict[str, str] = {}

    def metadata(self) -> bytes:
        meta = create_metadata_string(None, config=self.config)
        return meta if isinstance(meta, bytes) else meta.encode()

    def login_url(self, **extra) -> str:
        """The IdP URL the SP redirects the browser to (HTTP-Redirect binding)."""
        request_id, info = self.client.prepare_for_authenticate(
            binding=BINDING_HTTP_REDIRECT, sigalg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256,
            **extra)
        self.outstanding[request_id] = "/"
        return dict(info["headers"])["Location"]

    def login_post(self, idp_sso: str, **extra) -> dict[str, str]:
        """Form fields of an AuthnRequest sent with the HTTP-POST binding (signed inside)."""
        xml = self.signed_xml(idp_sso, **extra)
        return {"SAMLRequest": base64.b64encode(xml.encode()).decode()}

    def signed_xml(self, idp_sso: str, **extra) -> str:
        """An AuthnRequest with an enveloped signature (xmlsec1, RSA-SHA256)."""
        request_id, request = self.client.create_authn_request(
            idp_sso, sign=True, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256, **extra)
        self.outstanding[request_id] = "/"
        return str(request)

    def request_xml(self, idp_sso: str, **extra) -> tuple[str, str]:
        """(ID, XML) of an unsigned AuthnRequest, for tests that alter it before sending."""
        request_id, request = self.client.create_authn_request(idp_sso, sign=False, **extra)
        self.outstanding[request_id] = "/"
        return request_id, str(request)

    def redirect_for(self, xml: str, idp_sso: str, relay_state: str = "", *,
                     sigalg: str | None = SIG_RSA_SHA256) -> str:
        """The HTTP-Redirect URL carrying xml, signed by this SP (as pysaml2 signs it)."""
        info = self.client.apply_binding(BINDING_HTTP_REDIRECT, xml, idp_sso, relay_state,
                                         sign=sigalg is not None, sigalg=sigalg)
        return dict(info["headers"])["Location"]

    def accept(self, saml_response: str):
        """Validate a Response as the SP does at its ACS; returns pysaml2's AuthnResponse."""
        return self.client.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding=self.outstanding)


def redirect_message(url: str, field: str) -> tuple[str, str | None]:
    """(decoded XML, RelayState) of an HTTP-Redirect binding URL."""
    query = parse_qs(urlsplit(url).query)
    xml = zlib.decompress(base64.b64decode(query[field][0]), -15).decode()
    return xml, query.get("RelayState", [None])[0]


class OneLoginSp:
    """OneLogin python3-saml as a service provider."""

    def __init__(self, folder: Path, idp_entity: str, idp_sso: str, idp_slo: str,
                 idp_cert: str, base: str = "http://sp-b.test", *, sign_requests: bool = True,
                 want_encrypted: bool = False) -> None:
        key, cert = key_pair(folder, "onelogin-" + urlsplit(base).hostname)
        self.base = base
        self.entity_id = f"{base}/metadata"
        self.acs = f"{base}/acs"
        self.slo = f"{base}/slo"
        self.settings = {
            "strict": True, "debug": False,
            "sp": {
                "entityId": self.entity_id,
                "assertionConsumerService": {"url": self.acs, "binding": BINDING_HTTP_POST},
                "singleLogoutService": {"url": self.slo, "binding": BINDING_HTTP_REDIRECT},
                "NameIDFormat": PERSISTENT,
                "x509cert": pem_body(cert), "privateKey": key.read_text(),
            },
            "idp": {
                "entityId": idp_entity,
                "singleSignOnService": {"url": idp_sso, "binding": BINDING_HTTP_REDIRECT},
                "singleLogoutService": {"url": idp_slo, "binding": BINDING_HTTP_REDIRECT},
                "x509cert": idp_cert,
            },
            "security": {
                "authnRequestsSigned": sign_requests, "logoutRequestSigned": True,
                "logoutResponseSigned": True, "wantAssertionsSigned": True,
                "wantMessagesSigned": False, "wantAssertionsEncrypted": want_encrypted,
                "wantNameIdEncrypted": False, "requestedAuthnContext": False,
                "signatureAlgorithm": SIG_RSA_SHA256, "digestAlgorithm": DIGEST_SHA256,
                "rejectDeprecatedAlgorithm": True,
            },
        }

    def auth(self, path: str = "/acs", get: dict | None = None, post: dict | None = None):
        from onelogin.saml2.auth import OneLogin_Saml2_Auth

        parts = urlsplit(self.base)
        request = {"https": "off", "http_host": parts.netloc,
                   "script_name": path, "get_data": get or {}, "post_data": post or {}}
        return OneLogin_Saml2_Auth(request, self.settings)

    def metadata(self) -> bytes:
        from onelogin.saml2.settings import OneLogin_Saml2_Settings

        meta = OneLogin_Saml2_Settings(self.settings).get_sp_metadata()
        return meta if isinstance(meta, bytes) else meta.encode()


class BackChannel:
    """A relying party's back-channel logout endpoint on a real loopback port: SAML SOAP
    (answered by a pysaml2 SP, which checks our signature) or OIDC (records logout tokens)."""

    def __init__(self) -> None:
        from werkzeug.serving import make_server

        self.sp: PySaml2Sp | None = None
        self.received: list = []
        self.server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/logout"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _app(self, environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        if self.sp is None:  # OIDC back-channel logout: logout_token=<JWT>
            self.received.append(parse_qs(body.decode())["logout_token"][0])
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b""]
        # pysaml2's own SOAP unwrapping re-serialises the message with new namespace
        # prefixes, which breaks any exclusive-c14n signature; so the test unwraps the
        # envelope and pysaml2 checks the LogoutRequest exactly as it was signed.
        inner = etree.fromstring(body).find(f"{{{SOAP_ENV}}}Body")[0]
        message = base64.b64encode(etree.tostring(inner)).decode()
        request = self.sp.client.parse_logout_request(message, BINDING_HTTP_POST)
        self.received.append(request.message)
        response = self.sp.client.create_logout_response(request.message, [BINDING_SOAP])
        xml = str(response).split("?>", 1)[-1]  # without its XML declaration
        envelope = (f'<soap:Envelope xmlns:soap="{SOAP_ENV}"><soap:Body>{xml}'
                    "</soap:Body></soap:Envelope>")
        start_response("200 OK", [("Content-Type", "text/xml")])
        return [envelope.encode()]

    def close(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
