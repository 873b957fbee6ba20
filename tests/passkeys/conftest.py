"""Fixtures of the passkey tests: the IdP served at http://localhost:<port> (WebAuthn wants a
domain as RP ID, never an IP address, and counts localhost as a secure context), a citizen,
Chromium pages with the browser's own virtual authenticator (CDP ``WebAuthn`` domain), and a
first-party OIDC relying party that needs level 3."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from werkzeug.serving import make_server

from clients.registry import register_client
from idp.accounts import service
from idp.accounts.identity_numbers import id_number_check_char
from idp.audit import SYSTEM_ACTOR
from tests.passkeys.passkey_helpers import PASSWORD

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "passkeys"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def idp(settings) -> Iterator[tuple]:
    """(app, base URL) of an app whose issuer is http://localhost:<port>."""
    from idp.app import create_app

    server = make_server("127.0.0.1", 0, None, threaded=True)
    base = f"http://localhost:{server.server_port}"
    app = create_app(replace(settings, issuer=base))
    server.app = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, base
    server.shutdown()
    thread.join(timeout=5)
    app.extensions["yiwang"].db.dispose()


@pytest.fixture
def svc(idp):
    return idp[0].extensions["yiwang"]


@pytest.fixture
def base(idp) -> str:
    return idp[1]


@pytest.fixture
def zhangsan(svc):
    """A real-name verified (level 2) citizen."""
    first17 = "33010619850312123"
    return service.create_person(
        svc, SYSTEM_ACTOR, username="zhangsan", password=PASSWORD, name="张三",
        id_number=first17 + id_number_check_char(first17), phone="13912345678",
        assurance_level=2)


@dataclass
class Authenticator:
    """Chromium's virtual authenticator on one page (CDP WebAuthn domain)."""

    cdp: object
    id: str

    def credentials(self) -> list[dict]:
        return self.cdp.send("WebAuthn.getCredentials", {"authenticatorId": self.id})["credentials"]

    def replace_credential(self, credential: dict) -> None:
        """Put a credential back as given (e.g. with an older signCount: a clone)."""
        self.cdp.send("WebAuthn.removeCredential", {"authenticatorId": self.id,
                                                    "credentialId": credential["credentialId"]})
        self.cdp.send("WebAuthn.addCredential", {"authenticatorId": self.id,
                                                 "credential": credential})


@pytest.fixture
def browser_page(chromium) -> Callable:
    """page(size="desktop") -> (page, Authenticator): a Chinese page with a platform
    authenticator (internal transport, resident keys, user verification that succeeds)."""
    contexts = []

    def open_page(size: str = "desktop", transport: str = "internal"):
        context = chromium.new_context(viewport=WIDTHS[size], locale="zh-CN",
                                       is_mobile=size == "phone", device_scale_factor=1)
        contexts.append(context)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("WebAuthn.enable")
        authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
            "protocol": "ctap2", "transport": transport, "hasResidentKey": True,
            "hasUserVerification": True, "isUserVerified": True,
            "automaticPresenceSimulation": True}})["authenticatorId"]
        return page, Authenticator(cdp, authenticator)

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def shot() -> Callable:
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        # Nothing wider than the window: no sideways scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= \
            page.viewport_size["width"]

    return take


@dataclass
class RelyingParty:
    client_id: str
    secret: str
    base: str
    redirect_uri: str

    def authorize_url(self, **extra: str) -> str:
        query = {"response_type": "code", "client_id": self.client_id,
                 "redirect_uri": self.redirect_uri, "scope": "openid profile", "state": "s",
                 "nonce": "n", **extra}
        return f"{self.base}/authorize?{urlencode(query)}"

    def id_token_claims(self, redirected_to: str) -> dict:
        """Redeem the code of the redirect and read the ID token's claims."""
        code = parse_qs(urlsplit(redirected_to).query)["code"][0]
        answer = requests.post(f"{self.base}/token", data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri,
        }, auth=(self.client_id, self.secret), timeout=10)
        assert answer.status_code == 200, answer.text
        payload = answer.json()["id_token"].split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@pytest.fixture
def level3_site(svc, base, http_server) -> RelyingParty:
    """A first-party OIDC relying party "社保查询" that needs level 3 (real name + second
    factor in this session); its redirect URI is a real loopback server."""
    site = http_server({"/cb": (200, "<p>社保查询</p>")})
    redirect = f"{site.url}/cb"
    client, secret = register_client(svc, {
        "client_name": "社保查询", "redirect_uris": [redirect], "first_party": True,
        "scope": "openid profile", "min_level": 3}, SYSTEM_ACTOR)
    return RelyingParty(client.client_id, secret, base, redirect)
