"""An OIDC relying party may ask for a phishing-resistant login with ``acr_values=phr``
(OpenID Connect EAP ACR Values 1.0, listed in discovery): a password session then steps up with
its passkey, never an authenticator code, and the ID token's ``amr`` shows the passkey while
``acr`` stays the level reached. Through the real pages, with a passkey held in Python."""

from __future__ import annotations

from tests.login_methods.methods_helpers import RelyingParty
from tests.passkeys.passkey_helpers import PASSWORD, SoftwareAuthenticator
from tests.passkeys.test_passkey_checks import (
    ORIGIN,
    csrf_of,
    person,  # noqa: F401 - a fixture
    services,  # noqa: F401 - a fixture
)


def test_discovery_lists_phr(client):
    assert "phr" in client.get("/.well-known/openid-configuration").json["acr_values_supported"]


def test_acr_values_phr_makes_a_password_session_step_up_with_its_passkey(
        client, services, person):  # noqa: F811
    wang = person("wangwu", 31)
    login = client.post("/login", data={"csrf_token": csrf_of(client.get("/login")),
                                        "username": "wangwu", "password": PASSWORD})
    assert login.headers["Location"].endswith("/account")  # a password session, level 2
    authenticator = SoftwareAuthenticator()
    authenticator.register(services, wang.id)  # added afterwards, from my account
    site = RelyingParty(services)

    login_id = site.authorize(client, acr_values="phr")
    step_up = client.get("/login", query_string={"login": login_id})
    assert step_up.headers["Location"].endswith("/login/otp")
    page = client.get("/login/otp")
    assert "使用通行密钥验证" in page.get_data(as_text=True)
    csrf = csrf_of(page)
    options = client.post("/login/otp/passkey/options", data={"csrf_token": csrf}).json
    done = client.post("/login/otp/passkey", data={
        "csrf_token": csrf, "credential": authenticator.answer(options, ORIGIN)})
    claims = site.id_token(client, done)
    assert claims["amr"] == ["pwd", "swk", "user"] and claims["acr"] == "3"
