"""What a production server writes to its logs never holds a secret or personal data.

A real `idp serve` (access log on, as deployed) goes through the whole life of a
citizen's sign-in: a failed and a successful login, an OIDC code flow for a client allowed the
resident ID number, userinfo, refresh, introspection, revocation and logout. Then every line
the server wrote is searched for each secret and personal value that passed through it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
from html import unescape
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests

PASSWORD = "绿水青山 2024 slow river"
WRONG_PASSWORD = "not-my-password-7731"
ID_NUMBER = "11010519491231002X"
PHONE = "13812345678"
REDIRECT = "https://bdc.example.gov.cn/callback"
_HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


@pytest.fixture
def server(tmp_path, idp_env, run_idp, serve_idp):
    """(base URL, log file, client id, client secret) of a served IdP with one citizen."""
    env = idp_env()
    added = run_idp(["users", "add-person", "--username", "lisi", "--password-stdin",
                     "--name", "李四", "--id-number", ID_NUMBER, "--phone", PHONE], env,
                    stdin=PASSWORD)
    assert added.returncode == 0, added.stderr
    # Stdin is not the only way a secret reaches a process, but it is the way `add-person`
    # takes one; the command's own output must not echo it either.
    assert PASSWORD not in added.stdout + added.stderr
    client = run_idp(["clients", "add", "--name", "不动产登记", "--redirect-uri", REDIRECT,
                      "--scope", "profile", "--scope", "phone", "--scope", "id_card",
                      "--scope", "offline_access", "--first-party", "--json"], env)
    registered = json.loads(client.stdout)
    log = tmp_path / "server.log"
    base = serve_idp(env, log=log, as_issuer=True)
    return base, log, registered["client_id"], registered["client_secret"]


def _submit_login(browser: requests.Session, base: str, page: requests.Response,
                  password: str) -> requests.Response:
    form = {name: unescape(value) for name, value in _HIDDEN.findall(page.text)}
    form.update(username="lisi", password=password)
    return browser.post(f"{base}/login", data=form, allow_redirects=False, timeout=10)


def test_nothing_secret_or_personal_reaches_the_server_log(server):
    base, log, client_id, client_secret = server
    browser = requests.Session()
    seen: list[str] = [PASSWORD, WRONG_PASSWORD, ID_NUMBER, PHONE, client_secret]

    refused = _submit_login(browser, base, browser.get(f"{base}/login", timeout=10),
                            WRONG_PASSWORD)
    assert refused.status_code < 500 and "yiwang_sso" not in browser.cookies

    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    authorize = f"{base}/authorize?" + urlencode({
        "client_id": client_id, "response_type": "code", "redirect_uri": REDIRECT,
        "scope": "openid profile phone id_card offline_access", "state": "s-1",
        "nonce": "n-1", "code_challenge": challenge, "code_challenge_method": "S256"})
    page = browser.get(authorize, timeout=10)
    answer = _submit_login(browser, base, page, PASSWORD)
    while (target := urljoin(base + "/", answer.headers["Location"])).startswith(base):
        answer = browser.get(target, allow_redirects=False, timeout=10)
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    seen += [code, *browser.cookies.values(), verifier]

    auth = (client_id, client_secret)
    tokens = requests.post(f"{base}/token", auth=auth, timeout=10, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
        "code_verifier": verifier}).json()
    claims = requests.get(f"{base}/userinfo", timeout=10, headers={
        "Authorization": f"Bearer {tokens['access_token']}"}).json()
    assert claims["id_card"] == ID_NUMBER and claims["phone_number"].endswith(PHONE)
    refreshed = requests.post(f"{base}/token", auth=auth, timeout=10, data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}).json()
    assert requests.post(f"{base}/introspect", auth=auth, timeout=10, data={
        "token": refreshed["access_token"]}).json()["active"] is True
    requests.post(f"{base}/revoke", auth=auth, timeout=10,
                  data={"token": refreshed["refresh_token"]})
    browser.get(f"{base}/logout?" + urlencode({"id_token_hint": tokens["id_token"]}),
                timeout=10)
    seen += [tokens["access_token"], tokens["refresh_token"], tokens["id_token"],
             refreshed["access_token"], refreshed["refresh_token"]]

    time.sleep(0.5)  # the access log is written after each response
    text = log.read_text()
    assert "/token" in text and "/userinfo" in text  # the log is really being written
    leaked = [value[:6] + "…" for value in seen if value and value in text]
    assert leaked == [], f"found in the server log: {leaked}"
