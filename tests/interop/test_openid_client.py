"""node openid-client@6 (the OpenID-certified RP library) against a live Yiwang: discovery,
code + PKCE with a session, userinfo, refresh, introspection, revocation, RP-initiated logout
with back-channel logout received by the relying party's server."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from conftest import PASSWORD, POST_LOGOUT, REDIRECT, USERNAME
from interop_helpers import browse

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
