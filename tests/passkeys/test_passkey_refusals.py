"""What a passkey login refuses, each audited with its reason and answered with the login page
("not accepted", never a 500): an assertion made for a look-alike origin, one signed for
another RP ID, a replayed one (its challenge was used), a cloned authenticator's (its signature
counter went back), and a passkey removed from the account, whose removal needed the password
again."""

from __future__ import annotations

import base64
import hashlib
import json
import struct

import pytest
import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select

from idp.audit import AuditEvent
from idp.authn.passkeys.models import Passkey
from tests.passkeys.passkey_helpers import GET_ASSERTION, PASSWORD, add_passkey, password_login

pytestmark = pytest.mark.browser
REFUSED = "通行密钥未通过验证"


@pytest.fixture
def registered(base, zhangsan, browser_page):
    """(page, authenticator): zhangsan added a passkey, then logged out (cookies cleared)."""
    page, authenticator = browser_page()
    password_login(page, base)
    page.wait_for_url(f"{base}/account")
    add_passkey(page, base, "办公电脑")
    page.context.clear_cookies()
    return page, authenticator


def refusals(svc) -> list[tuple[str, str]]:
    """(event type, reason) of every refused passkey use, oldest first."""
    with svc.db.session() as session:
        rows = session.scalars(select(AuditEvent).where(
            AuditEvent.outcome == "failure", AuditEvent.type.in_(["login", "login.mfa"]))
            .order_by(AuditEvent.id)).all()
    return [(e.type, e.detail["reason"]) for e in rows if "passkey" in json.dumps(e.detail)]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def passkey_options(page, base: str) -> tuple[str, dict]:
    """The login page's CSRF token and the options our server makes for this browser."""
    page.goto(f"{base}/login")
    csrf = page.input_value("#passkey-login input[name=csrf_token]")
    answer = page.context.request.post(f"{base}/login/passkey/options",
                                       form={"csrf_token": csrf})
    return csrf, answer.json()


def test_an_assertion_made_on_a_look_alike_origin_is_refused(
        svc, base, registered, http_server):
    page, _ = registered
    csrf, options = passkey_options(page, base)
    # Another port of the same host: the same RP ID (ports do not count), another origin.
    look_alike = http_server({"/": (200, "<p>一网通办</p>")})
    page.goto(look_alike.url.replace("127.0.0.1", "localhost") + "/")
    credential = page.evaluate(GET_ASSERTION, options)
    page.goto(f"{base}/login")
    answer = page.context.request.post(f"{base}/login/passkey",
                                       form={"csrf_token": csrf, "credential": credential})
    assert answer.status == 200 and REFUSED in answer.text()
    assert refusals(svc) == [("login", "origin")]
    assert page.context.cookies() == [c for c in page.context.cookies()
                                      if c["name"] != "yiwang_sso"]


def test_an_assertion_signed_for_another_rp_id_is_refused(svc, base, registered):
    page, authenticator = registered
    csrf, options = passkey_options(page, base)
    stolen = authenticator.credentials()[0]  # the key, as a clone would hold it
    key = serialization.load_der_private_key(base64.b64decode(stolen["privateKey"]), None)
    client_data = json.dumps({"type": "webauthn.get", "challenge": options["challenge"],
                              "origin": base, "crossOrigin": False}).encode()
    auth_data = (hashlib.sha256(b"yiwang.example.com").digest() + bytes([0x05])
                 + struct.pack(">I", 1000))
    signed = auth_data + hashlib.sha256(client_data).digest()
    signature = key.sign(signed, ec.ECDSA(hashes.SHA256())) \
        if isinstance(key, ec.EllipticCurvePrivateKey) else key.sign(signed)  # Ed25519
    credential_id = b64url(base64.b64decode(stolen["credentialId"]))
    credential = json.dumps({"id": credential_id, "rawId": credential_id, "type": "public-key",
                             "clientExtensionResults": {}, "response": {
                                 "clientDataJSON": b64url(client_data),
                                 "authenticatorData": b64url(auth_data),
                                 "signature": b64url(signature)}})
    answer = page.context.request.post(f"{base}/login/passkey",
                                       form={"csrf_token": csrf, "credential": credential})
    assert REFUSED in answer.text()
    assert refusals(svc) == [("login", "rp_id")]


def test_a_replayed_login_finds_its_challenge_used(svc, base, registered):
    page, _ = registered
    posted = []
    page.on("request", lambda r: posted.append(r) if r.url.endswith("/login/passkey") else None)
    page.goto(f"{base}/login")
    page.click("text=刷脸/指纹登录 · Passkey")
    page.wait_for_url(f"{base}/account")
    # The same request again, cookies of that moment and all (a captured request replayed).
    original = posted[0]
    replay = requests.post(original.url, data=original.post_data, allow_redirects=False,
                           headers={k: v for k, v in original.all_headers().items()
                                    if k in ("cookie", "content-type")}, timeout=10)
    assert replay.status_code == 303 and "yiwang_sso" not in replay.cookies
    assert refusals(svc) == [("login", "no_challenge")]


def test_a_cloned_authenticator_whose_counter_went_back_is_refused(svc, base, registered):
    page, authenticator = registered
    page.goto(f"{base}/login")
    page.click("text=刷脸/指纹登录 · Passkey")
    page.wait_for_url(f"{base}/account")
    with svc.db.session() as session:
        counted = session.scalars(select(Passkey)).one().sign_count
    assert counted > 0
    credential = authenticator.credentials()[0]
    authenticator.replace_credential({**credential, "signCount": 0})  # a copy made earlier
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.click("text=刷脸/指纹登录 · Passkey")
    page.wait_for_selector(f"text={REFUSED}")
    assert refusals(svc) == [("login", "sign_count_regression")]
    with svc.db.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.outcome == "failure")
                                .order_by(AuditEvent.id.desc())).first()
    assert event.detail["stored"] == counted and event.detail["received"] == 1


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_removing_a_passkey_needs_the_password_again_and_then_it_logs_nobody_in(
        svc, base, zhangsan, browser_page, shot, size):
    page, _ = browser_page(size)
    password_login(page, base)
    page.wait_for_url(f"{base}/account")
    add_passkey(page, base, "旧手机")
    page.click("text=移除")
    page.wait_for_url(f"{base}/account/passkeys/*/remove")
    shot(page, f"{size}-06-remove")
    page.fill("input[name=password]", "不是这个密码")
    page.click("button:has-text('确认移除')")
    page.wait_for_selector("text=密码不正确，未移除")
    with svc.db.session() as session:
        assert session.scalars(select(Passkey)).all() != []
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('确认移除')")
    page.wait_for_selector("text=已移除该通行密钥")
    shot(page, f"{size}-07-removed")
    with svc.db.session() as session:
        assert session.scalars(select(Passkey)).all() == []
        removal = session.scalars(select(AuditEvent).where(
            AuditEvent.type == "mfa.remove")).one()
    assert removal.detail["method"] == "passkey" and removal.outcome == "success"

    # The browser's authenticator still holds the key; the IdP no longer knows it.
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.click("text=刷脸/指纹登录 · Passkey")
    page.wait_for_selector(f"text={REFUSED}")
    shot(page, f"{size}-08-refused")
    assert refusals(svc) == [("login", "unknown_credential")]
