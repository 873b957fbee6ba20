"""An upstream whose ID token is wrong is refused, with nothing linked and the refusal audited:
a bad signature, another issuer, another audience, a missing nonce. A real provider does not
make such tokens, so this upstream is a few lines of Python signing with joserfc; the callback
is Yiwang's real one."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey
from upstream_helpers import events

from federation.contract import SourceKind
from federation.models import FederatedLink
from federation.oidc import discovery
from federation.upstreams import add_upstream
from idp.audit import SYSTEM_ACTOR

CLIENT_ID = "yiwang-at-fake"
KEY = ECKey.generate_key("P-256", parameters={"kid": "fake-1"})
OTHER_KEY = ECKey.generate_key("P-256", parameters={"kid": "fake-1"})  # same kid, wrong key


class FakeUpstream:
    """Discovery, JWKS and a token endpoint whose ID token the test shapes (``claims`` are
    merged over good ones; ``key`` signs)."""

    def __init__(self, http_server) -> None:
        self.claims: dict = {}
        self.key = KEY  # published in the JWKS
        self.signer = KEY  # signs the ID token
        self.nonce = ""
        self.site = http_server(self.answer)
        self.issuer = self.site.url

    def answer(self, hit):
        path = hit.path.partition("?")[0]
        if path == "/.well-known/openid-configuration":
            return 200, json.dumps({
                "issuer": self.issuer, "authorization_endpoint": self.issuer + "/authorize",
                "token_endpoint": self.issuer + "/token", "jwks_uri": self.issuer + "/jwks"}), \
                {"Content-Type": "application/json"}
        if path == "/jwks":
            return 200, json.dumps({"keys": [self.key.as_dict(private=False)]}), \
                {"Content-Type": "application/json"}
        if path == "/token":
            now = int(time.time())
            claims = {"iss": self.issuer, "aud": CLIENT_ID, "sub": "fake-person", "iat": now,
                      "exp": now + 300, "nonce": self.nonce, **self.claims}
            claims = {k: v for k, v in claims.items() if v is not None}
            token = jwt.encode({"alg": "ES256", "kid": self.key.kid}, claims, self.signer)
            return 200, json.dumps({"access_token": "at", "token_type": "Bearer",
                                    "id_token": token}), {"Content-Type": "application/json"}
        return 404, b""


@pytest.fixture
def fake(svc, http_server):
    upstream = FakeUpstream(http_server)
    discovery.forget()
    add_upstream(svc, name="fake", kind=SourceKind.OIDC, display_name="测试平台", config={
        "issuer": upstream.issuer, "client_id": CLIENT_ID, "scopes": ["openid"], "level": 2,
        "link_by": "id_number", "mapping": {}}, client_secret="s", actor=SYSTEM_ACTOR)
    return upstream


def start(client, fake) -> dict[str, str]:
    """Begin at /federation/fake/start; the query Yiwang sent to the upstream."""
    response = client.get("/federation/fake/start")
    assert response.status_code == 303
    sent = {k: v[0] for k, v in parse_qs(urlsplit(response.headers["Location"]).query).items()}
    fake.nonce = sent["nonce"]
    return sent


def callback(client, sent: dict[str, str]):
    return client.get("/federation/fake/callback",
                      query_string={"code": "c-1", "state": sent["state"]})


def no_links(svc) -> bool:
    from sqlalchemy import select

    with svc.db.session() as session:
        return session.scalars(select(FederatedLink)).first() is None


def test_a_good_token_from_this_upstream_is_accepted(client, svc, fake):
    # The control case: the same fake upstream with nothing wrong gets a person in.
    sent = start(client, fake)
    assert sent["code_challenge_method"] == "S256" and sent["code_challenge"]
    response = callback(client, sent)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/federation/choose")


@pytest.mark.parametrize(("case", "claims", "key", "reason"), [
    ("bad signature", {}, OTHER_KEY, "signature"),
    ("wrong iss", {"iss": "https://evil.example"}, KEY, "iss"),
    ("wrong aud", {"aud": "someone-else"}, KEY, "aud"),
    ("missing nonce", {"nonce": None}, KEY, "nonce"),
    ("expired", {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 4000}, KEY, "id_token"),
])
def test_a_wrong_id_token_is_refused(client, svc, fake, case, claims, key, reason):
    fake.claims, fake.signer = claims, key
    response = callback(client, start(client, fake))
    assert response.status_code == 400, case
    assert "未能通过该身份提供方登录" in response.get_data(as_text=True)
    assert no_links(svc)
    failures = [e for e in events(svc, "login") if e.outcome == "failure"]
    assert [e.detail["reason"] for e in failures] == [reason]
    assert failures[0].detail["source"] == "fake"


def test_a_replayed_state_is_refused(client, svc, fake):
    sent = start(client, fake)
    assert callback(client, sent).status_code == 303
    replayed = callback(client, sent)
    assert replayed.status_code == 400
    assert "登录已超时或已完成" in replayed.get_data(as_text=True)


def test_a_callback_in_another_browser_is_refused(app, svc, fake):
    # Login CSRF: the state was made for the first browser; the second one never started.
    sent = start(app.test_client(), fake)
    assert callback(app.test_client(), sent).status_code == 400
    assert no_links(svc)


def test_a_rotated_key_is_fetched_when_a_token_names_it(client, svc, fake, monkeypatch):
    assert callback(client, start(client, fake)).status_code == 303  # JWKS now kept
    rotated = ECKey.generate_key("P-256", parameters={"kid": "fake-2"})
    fake.key = fake.signer = rotated
    # The once-a-minute guard against made-up kids, shortened so the test needs no wait.
    monkeypatch.setattr(discovery, "REFETCH_AFTER", 0)
    assert callback(client, start(client, fake)).status_code == 303
