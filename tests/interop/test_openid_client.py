"""node openid-client@6 (the OpenID-certified RP library) against a live Yiwang: discovery,
code + PKCE with a session, userinfo, refresh, introspection, revocation, and all three
logouts: RP-initiated, back-channel (received by the RP's server) and front-channel (the
logged-out page frames the other RP's logout URI with iss and sid)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from interop_helpers import (
    FRONT_LOGOUT,
    FRONT_REDIRECT,
    PASSWORD,
    POST_LOGOUT,
    REDIRECT,
    USERNAME,
    browse,
)

HERE = Path(__file__).parent
pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (HERE / "node_modules" / "openid-client").exists(),
    reason="node and `npm install` in tests/interop are needed (make test does it)",
)


def _node(job: dict) -> dict:
    done = subprocess.run(["node", str(HERE / "rp.mjs")], input=json.dumps(job), text=True,
                          capture_output=True, timeout=60, cwd=HERE)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _attribute(html: str, tag: str, name: str) -> str:
    return unescape(html.split(f"<{tag} ")[1].split(f'{name}="')[1].split('"')[0])


def test_openid_client_completes_every_flow_and_logout_reaches_the_back_channel(
    live, relying_party, receiver
):
    services, base = live
    client_id, secret = relying_party
    job = {"issuer": base, "client_id": client_id, "client_secret": secret,
           "redirect_uri": REDIRECT, "post_logout_redirect_uri": POST_LOGOUT}
    started = _node({**job, "step": "start"})
    browser = requests.Session()
    callback = browse(browser, started["url"], base, USERNAME, PASSWORD)

    result = _node({**job, **started, "step": "finish", "callback": callback})
    assert result["iss"] == base and result["acr"] == "2"
    assert result["userinfo"]["sub"] == result["sub"] == result["refreshed_sub"]
    assert result["rotated"] and result["introspected_active"]
    assert result["revoked_active"] is False

    # RP-initiated logout in the same browser: back to the RP with state, and the RP's
    # back-channel endpoint receives a logout token for this session.
    left = browse(browser, result["logout_url"], base, USERNAME, PASSWORD)
    assert left.startswith(POST_LOGOUT)
    assert parse_qs(urlsplit(left).query)["state"] == ["logout-state"]
    assert len(receiver.tokens) == 1
    claims = services.signing_keys.verify_jwt(receiver.tokens[0], ["RS256"])
    assert claims["sid"] == result["sid"] and claims["aud"] == client_id


def test_openid_client_logout_frames_the_front_channel_rp_and_posts_to_the_back_channel_rp(
    live, relying_party, frontchannel_party, receiver
):
    services, base = live
    back_id, back_secret = relying_party
    front_id, front_secret = frontchannel_party
    back = {"issuer": base, "client_id": back_id, "client_secret": back_secret,
            "redirect_uri": REDIRECT, "post_logout_redirect_uri": POST_LOGOUT}
    front = {"issuer": base, "client_id": front_id, "client_secret": front_secret,
             "redirect_uri": FRONT_REDIRECT, "scope": "openid profile"}
    browser = requests.Session()
    started = _node({**back, "step": "start"})
    result = _node({**back, **started, "step": "finish",
                    "callback": browse(browser, started["url"], base, USERNAME, PASSWORD)})
    # Single sign-on: the second RP gets its code without a second login.
    front_started = _node({**front, "step": "start"})
    front_done = _node({**front, **front_started, "step": "finish", "minimal": True,
                        "callback": browse(browser, front_started["url"], base, "-", "-")})
    assert front_done["sid"] == result["sid"]

    page = browser.get(result["logout_url"], allow_redirects=False, timeout=10)
    assert page.status_code == 200
    frame = urlsplit(_attribute(page.text, "iframe", "src"))
    assert f"{frame.scheme}://{frame.netloc}{frame.path}" == FRONT_LOGOUT
    assert parse_qs(frame.query) == {"iss": [base], "sid": [result["sid"]]}
    assert "frame-src 'self' http://127.0.0.1:9" in page.headers["Content-Security-Policy"]
    links = [unescape(h) for h in re.findall(r'href="([^"]+)"', page.text)]
    back_link = urlsplit(next(h for h in links if h.startswith(POST_LOGOUT)))
    assert parse_qs(back_link.query)["state"] == ["logout-state"]
    assert len(receiver.tokens) == 1  # the front-channel RP has no back channel
    claims = services.signing_keys.verify_jwt(receiver.tokens[0], ["RS256"])
    assert claims["aud"] == back_id and claims["sid"] == result["sid"]
