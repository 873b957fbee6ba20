"""Issue 17's first run, walked in Chromium on a server started as `make run` starts it: the
bootstrap security administrator reads the one-time password where the server said it is,
signs in, changes it, enrols an authenticator app, makes a system and an audit administrator
on 管理员; the system administrator does the same first sign-in and registers an OIDC relying
party on 应用接入; a citizen then logs in to it with a real code flow (Authlib) that ends with
a verified ID token; the audit administrator signs in the same way and reads it all on 审计.
Screenshots of each step at 1280 and 390 px go to test-output/first_run/."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

import pyotp
import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.admin.admin_helpers import new_id_number

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SECURITY_PASSWORD = "Officer-Secure-2026!"
SYSTEM_FIRST, SYSTEM_PASSWORD = "Temporary-Pass-2026!", "Registrar-Own-2026!"
AUDIT_FIRST, AUDITOR_PASSWORD = "Temporary-Pass-2027!", "Reader-Own-2026!"
CITIZEN_PASSWORD = "citizen-pass-123"


@pytest.fixture
def shots(output_dir) -> Path:
    folder = output_dir / "first_run"
    folder.mkdir(exist_ok=True)
    return folder


def _shoot(page, folder: Path, name: str) -> None:
    """The page as it is now, at 1280 and at 390 px wide."""
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(folder / f"{name}-390.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(folder / f"{name}-1280.png"), full_page=True)


def _make_run(serve_idp, tmp_path: Path) -> tuple[str, dict[str, str], Path]:
    """`idp serve` on a fresh data folder with nothing but IDP_DATA_DIR set, as `make run` does
    (cheaper argon2 only, so the test does not spend seconds hashing): (base, env, log)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDP_")}
    env.update(IDP_DATA_DIR=str(tmp_path / "instance"), IDP_ARGON2_MEMORY_KIB="1024",
               IDP_ARGON2_TIME_COST="1")
    log = tmp_path / "make-run.log"
    base = serve_idp(env, log=log, as_issuer=True)
    return base, {**env, "IDP_ISSUER": base}, log


def _bootstrap_password(log: Path) -> str:
    """Where the server's output says the one-time password is (stdout is not a terminal)."""
    where = re.search(r"password: in (\S+) \(mode 0600", log.read_text())
    assert where, log.read_text()
    lines = Path(where.group(1)).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")][0].strip()


def _first_sign_in(page, address: str, username: str, password: str, new_password: str,
                   folder: Path, who: str) -> str:
    """A brand-new administrator's first console sign-in: password, the forced change, the
    authenticator app (secret typed from the page's text), recovery codes, the console.
    Returns the TOTP secret."""
    page.goto(address)
    _shoot(page, folder, f"{who}-1-login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main form button[type=submit]")
    assert "设置新密码" in page.inner_text("main")
    _shoot(page, folder, f"{who}-2-change-password")
    boxes = page.locator("main form input[type=password]")
    boxes.nth(0).fill(new_password)
    boxes.nth(1).fill(new_password)
    page.click("main form button[type=submit]")
    assert "/login/level" in page.url and "管理控制台" in page.inner_text("main")
    _shoot(page, folder, f"{who}-3-needs-authenticator")
    page.click("main a.button:has-text('绑定验证器')")
    page.wait_for_url("**/account/mfa/totp**")
    _shoot(page, folder, f"{who}-4-enrol-totp")
    secret = page.inner_text("main p.hint code").replace(" ", "")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("main form button[type=submit]")
    page.wait_for_url("**/account/mfa/codes**")
    assert "恢复码" in page.inner_text("main")
    _shoot(page, folder, f"{who}-5-recovery-codes")
    page.click("main a.button:has-text('继续')")
    page.wait_for_url("**/admin/**")
    assert "已登录管理控制台" in page.inner_text("main")
    return secret


def _create_and_grant(page, username: str, name: str, password: str, role: str,
                      folder: Path) -> str:
    """Make the account and grant its duty; returns the sign-in address the page hands over."""
    page.fill("#new-username", username)
    page.fill("#new-name", name)
    page.fill("#new-password", password)
    page.fill("#reason-create", "首次使用：三员分立")
    page.click("main form[action$='/roles/accounts'] button[type=submit]")
    told = page.inner_text("main .flash")
    assert f"已创建管理员账号 {username}" in told and "绑定验证器" in told
    address = re.search(r"控制台地址 (\S+)", told).group(1)
    _shoot(page, folder, f"security-7-created-{username}")
    page.fill("#grant-username", username)
    page.select_option("#grant-role", role)
    page.fill("#reason-grant", "首次使用：三员分立")
    page.click("#grant-form button[type=submit]")
    assert "已授予" in page.inner_text("main")
    return address


def test_a_new_administrator_goes_from_make_run_to_a_working_relying_party_in_the_console(
    serve_idp, run_idp, tmp_path, chromium, http_server, shots
):
    base, env, log = _make_run(serve_idp, tmp_path)
    password = _bootstrap_password(log)

    # 1. The bootstrap security administrator: first sign-in, then the dashboard's checklist.
    security = chromium.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    _first_sign_in(security, base + "/admin", "admin", password, SECURITY_PASSWORD, shots,
                   "security")
    checklist = security.inner_text("#first-run")
    assert "系统管理员：尚无人担任" in checklist and "安全管理员：admin" in checklist
    assert base + "/admin/login" in checklist  # where the other two will sign in
    _shoot(security, shots, "security-6-dashboard-checklist")

    # 2. Two other people, made and granted their duty on 管理员 (/admin/roles).
    security.click("#first-run a:has-text('创建管理员并分配角色')")
    security.wait_for_url("**/admin/roles")
    console = _create_and_grant(security, "sysop", "王系统", SYSTEM_FIRST, "system_admin",
                                shots)
    assert console == base + "/admin/login"
    _create_and_grant(security, "auditor", "李审计", AUDIT_FIRST, "audit_admin", shots)
    holders = security.inner_text("#holders")
    assert "sysop" in holders and "auditor" in holders
    _shoot(security, shots, "security-8-roles")
    security.click("nav.admin-nav >> text=概览")
    assert security.locator("#first-run").count() == 0  # three duties, three people
    _shoot(security, shots, "security-9-dashboard-done")

    # 3. The system administrator, in another browser: first sign-in, then 应用接入.
    system = chromium.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    _first_sign_in(system, console, "sysop", SYSTEM_FIRST, SYSTEM_PASSWORD, shots, "system")
    _shoot(system, shots, "system-6-console")
    system.click("nav.admin-nav >> text=应用接入")
    _shoot(system, shots, "system-7-relying-parties")
    system.click("main a:has-text('注册 OIDC 应用')")
    system.wait_for_url("**/admin/clients/new")
    relying_party = http_server(lambda hit: (200, "relying party got the callback")).url
    callback = relying_party + "/callback"
    system.fill("#client_name", "不动产登记中心")
    system.fill("#department", "自然资源厅")
    system.fill("#redirect_uris", callback)
    for scope in ("openid", "profile"):
        system.check(f"input[name=scope][value={scope}]")
    system.check("input[name=allowed_claims][value=name]")
    system.fill("#reason", "新系统接入（工单 42）")
    _shoot(system, shots, "system-8-client-form")
    system.click("main form button[type=submit]")
    client_id = system.inner_text("#client-id").strip()
    client_secret = system.inner_text("#client-secret").strip()
    assert client_id and client_secret
    _shoot(system, shots, "system-9-client-secret-once")
    system.click("main a:has-text('查看应用')")
    assert client_secret not in system.content()  # shown once, at registration only

    # 4. A citizen made with the CLI logs in to the new relying party: Authlib's code flow.
    made = run_idp(["users", "add-person", "--username", "zhangsan", "--name", "张三",
                    "--id-number", new_id_number(), "--password-stdin"], env,
                   stdin=CITIZEN_PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    rp = OAuth2Session(client_id, client_secret, scope="openid profile", redirect_uri=callback,
                       code_challenge_method="S256")
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    url, _state = rp.create_authorization_url(base + "/authorize", code_verifier=verifier,
                                              nonce=nonce)
    citizen = chromium.new_context(viewport=PHONE, locale="zh-CN").new_page()
    citizen.goto(url)
    citizen.fill("#username", "zhangsan")
    citizen.fill("#password", CITIZEN_PASSWORD)
    citizen.click("main form button[type=submit]")
    if "/authorize/consent" in citizen.url:
        _shoot(citizen, shots, "citizen-consent")
        citizen.click("button[value=allow]")
    citizen.wait_for_url(callback + "**")
    tokens = rp.fetch_token(base + "/token", authorization_response=citizen.url,
                            code_verifier=verifier)
    discovery = requests.get(base + "/.well-known/openid-configuration", timeout=10).json()
    keys = KeySet.import_key_set(requests.get(discovery["jwks_uri"], timeout=10).json())
    token = jwt.decode(tokens["id_token"], keys)
    jwt.JWTClaimsRegistry(iss={"essential": True, "value": base}).validate(token.claims)
    claims = token.claims  # signature checked against the JWKS, expiry and issuer above
    assert claims["iss"] == base and claims["aud"] in (client_id, [client_id])
    assert claims["nonce"] == nonce and claims["sub"]
    profile = rp.get(discovery["userinfo_endpoint"], timeout=10).json()
    assert profile["sub"] == claims["sub"] and profile["name"] == "张三"

    # 5. The third person, the auditor, signs in the same way and finds the registration.
    auditor = chromium.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    _first_sign_in(auditor, console, "auditor", AUDIT_FIRST, AUDITOR_PASSWORD, shots, "audit")
    auditor.click("nav.admin-nav >> text=概览")
    assert auditor.locator("#first-run").count() == 0
    auditor.click("nav.admin-nav >> text=审计")
    auditor.fill("#client_id", client_id)
    auditor.click(".filter-submit button")
    events = auditor.inner_text("table.audit")
    assert "应用接入变更" in events and "sysop" in events and "zhangsan" in events
    _shoot(auditor, shots, "audit-6-registration-in-the-audit")
    security.reload()
    assert security.locator("#first-run").count() == 0  # three duties, three people, for good
