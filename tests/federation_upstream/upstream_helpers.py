"""The OIDC upstream (node oidc-provider) the tests log in through, and the walk of a login
across it with the ``requests`` browser of tests/rp_browser.py (re-exported here)."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import requests

from tests.conftest import free_port
from tests.rp_browser import (  # noqa: F401 - re-exported for this folder's tests
    HIDDEN,
    RP_REDIRECT,
    Rp,
    claims_of,
    events,
    submit,
    walk,
)

UPSTREAM_CLIENT_ID = "yiwang-broker"
UPSTREAM_SECRET = "upstream-client-secret-for-tests"  # noqa: S105 - a test fixture
SECOND_RP_REDIRECT = "http://127.0.0.1:9/second/callback"


HERE = Path(__file__).parent
# Wang Wu has an account here (L2, real-name verified) and one at the national platform.
ID_NUMBER = "11010519491231002X"
OTHER_ID_NUMBER = "110105194912310038"  # valid check digit, nobody's account here
USERNAME, PASSWORD = "wangwu", "Correct-horse-9"
PEOPLE = {
    "nat-wangwu": {"name": "王五", "resident_id": ID_NUMBER, "phone": "13900139000"},
    # Same name and phone as Wang Wu, another ID number: must never reach his account.
    "nat-lookalike": {"name": "王五", "resident_id": OTHER_ID_NUMBER, "phone": "13900139000"},
    "nat-newcomer": {"name": "赵六", "resident_id": "110101199003070011", "phone": "13700137000"},
}


def start_upstream(tmp_path: Path, base: str, name: str = "gov", *, port: int | None = None,
                   **client: object) -> tuple[subprocess.Popen, str]:
    """node oidc-provider on ``port`` with our client; ``client`` overrides its metadata."""
    port = port or free_port()
    config = tmp_path / f"upstream-{port}.json"
    config.write_text(json.dumps({"people": PEOPLE, "clients": [{k: v for k, v in {
        "client_id": UPSTREAM_CLIENT_ID, "client_secret": UPSTREAM_SECRET,
        # The same client serves a plain OAuth 2.0 registration ("pay") in its tests.
        "redirect_uris": [f"{base}/federation/{name}/callback", f"{base}/federation/pay/callback"],
        "post_logout_redirect_uris": [f"{base}/"],
        "backchannel_logout_uri": f"{base}/federation/{name}/backchannel-logout",
        "backchannel_logout_session_required": True,
        "token_endpoint_auth_method": "client_secret_basic",
        "id_token_signed_response_alg": "ES256", **client,
    }.items() if v is not None}]}))
    log = tmp_path / f"upstream-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(["node", str(HERE / "upstream.mjs"), str(port), str(config)],
                                   stdout=output, stderr=subprocess.STDOUT)
    for _ in range(300):  # "ready <issuer>" within a few seconds, or it died
        if "ready http" in log.read_text() or process.poll() is not None:
            break
        time.sleep(0.05)
    assert "ready http" in log.read_text(), log.read_text()
    return process, f"http://127.0.0.1:{port}"


def add_pay_upstream(cli, upstream: str, base: str):
    """Register the node upstream again as a plain OAuth 2.0 upstream "pay" (支付平台), linking
    by the ID number its userinfo calls resident_id; the CLI's result."""
    return cli("federation", "add-oauth2", "--name", "pay", "--display-name", "支付平台",
               "--authorize-url", f"{upstream}/auth", "--token-url", f"{upstream}/token",
               "--userinfo-url", f"{upstream}/me", "--subject", "sub",
               "--client-id", UPSTREAM_CLIENT_ID, "--client-secret-stdin",
               "--scope", "openid", "--scope", "idcard", "--map", "id_number=resident_id",
               "--level", "1", "--link-by", "id_number", "--json",
               stdin=UPSTREAM_SECRET + "\n", IDP_ISSUER=base)


def next_upstream_person(issuer: str, sub: str) -> None:
    """Who logs in at the upstream next (its interaction logs them in without a form)."""
    assert requests.post(f"{issuer}/_next", params={"sub": sub}, timeout=5).text == "ok"


def login_through_upstream(base: str, rp, browser: requests.Session) -> requests.Response:
    """From the relying party's /authorize, through the login page's button, to wherever the
    flow stops (the relying party's redirect URI, or a page)."""
    page = walk(browser, rp.authorize_url(base), stop=(RP_REDIRECT,))
    assert "国家政务服务平台" in page.text
    login_id = page.url.split("login=")[1].split("&")[0]
    return walk(browser, f"{base}/federation/gov/start?login={login_id}",
                stop=(RP_REDIRECT, SECOND_RP_REDIRECT))
