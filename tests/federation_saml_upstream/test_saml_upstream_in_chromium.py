"""The SAML upstream in a real browser: the login page's button (screenshots at 1280 and 390 px
in test-output/federation_saml_upstream/), the other province's login page, and the way back.
Chromium sends no Lax cookie with the upstream's cross-site POST (``localhost`` posting to
``127.0.0.1``), so this also proves our callback's re-POST from its own page."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import UPSTREAM_PASSWORD, UPSTREAM_USER, USERNAME
from saml_upstream_helpers import Rp
from test_saml_upstream_login import account_id

pytestmark = [pytest.mark.browser,
              pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]

# Chromium refuses port 9 (an "unsafe port"): this relying party's address is never loaded.
RP_REDIRECT = "https://rp.example.test/callback"
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "federation_saml_upstream"


@pytest.fixture
def browser_rp(live):
    from clients.registry import register_client
    from idp.audit import SYSTEM_ACTOR

    client, secret = register_client(live[0], {
        "client_name": "不动产登记", "redirect_uris": [RP_REDIRECT], "first_party": True,
        "grant_types": ["authorization_code"], "scope": "openid profile",
    }, SYSTEM_ACTOR)
    return Rp(client.client_id, secret, RP_REDIRECT)


def test_a_citizen_clicks_the_saml_upstream_and_comes_back_logged_in(
        live, saml_upstream, browser_rp, chromium):
    services, base = live
    rp = browser_rp
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        context = chromium.new_context(viewport={"width": width, "height": 900},
                                       locale="zh-CN")
        page = context.new_page()
        callbacks: list[str] = []
        page.on("request", lambda r, seen=callbacks: seen.append(r.method)
                if r.url.endswith("/federation/prov/callback") else None)
        page.goto(rp.authorize_url(base))
        button = page.get_by_role("link", name="上海一网通办")
        assert button.is_visible()
        page.screenshot(path=str(SHOTS / f"login-with-saml-upstream-{width}.png"),
                        full_page=True)
        button.click()
        page.wait_for_url(f"{saml_upstream}/login*")
        form = page.locator('form:has(input[name="password"])').first
        form.locator('input[name="username"]').fill(UPSTREAM_USER)
        form.locator('input[name="password"]').fill(UPSTREAM_PASSWORD)
        # The relying party's address does not resolve: its request is all the test needs.
        with page.expect_request(lambda r: r.url.startswith(RP_REDIRECT),
                                 timeout=30000) as arrived:
            form.locator('button[type="submit"]').click()
        claims = rp.redeem(base, arrived.value.url)["claims"]
        # The upstream's POST came without our cookie; our own page posted it again.
        assert callbacks == ["POST", "POST"]
        assert claims["sub"] == account_id(services, USERNAME)
        assert "fed" in claims["amr"]
        context.close()
        rp.verifier = rp.verifier[::-1]  # a fresh PKCE verifier for the second round
