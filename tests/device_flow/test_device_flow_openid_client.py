"""node openid-client@6 as the terminal (RFC 8628 with a real client library): it discovers
the device endpoint, asks for codes and polls at the interval it was given while a person, in a
real HTTP session against a live server, types the code, logs in and answers."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import requests
from device_helpers import DEVICE_GRANT

from clients.registry import register_client
from idp.audit import SYSTEM_ACTOR

HERE = Path(__file__).parent
NODE_CLIENT = HERE.parent / "interop" / "node_modules" / "openid-client"
pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not NODE_CLIENT.exists(),
    reason="node and `npm install` in tests/interop are needed (make test does it)",
)


@pytest.fixture
def live(live_app, person):
    app, base = live_app
    person("alice", level=2)
    client, _ = register_client(app.extensions["yiwang"], {
        "client_name": "社保自助终端", "token_endpoint_auth_method": "none",
        "grant_types": [DEVICE_GRANT], "scope": "openid profile"}, SYSTEM_ACTOR)
    return base, client.client_id


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="')[1].split('"')[0]


def _person_answers(base: str, user_code: str, decision: str) -> str:
    """A browser session: type the code, log in at the login page it is sent to, answer."""
    browser = requests.Session()
    form = browser.get(f"{base}/device?user_code={user_code}").text
    assert user_code in form
    to_login = browser.post(f"{base}/device", data={"csrf_token": _csrf(form),
                                                    "user_code": user_code})
    assert "/login" in to_login.url
    login_id = to_login.url.split("login=")[1]
    question = browser.post(f"{base}/login", data={
        "csrf_token": _csrf(to_login.text), "username": "alice",
        "password": "correct horse battery", "door": "person", "login": login_id})
    assert question.url == f"{base}/device/confirm" and "是这台设备吗？" in question.text
    done = browser.post(f"{base}/device/confirm", data={"csrf_token": _csrf(question.text),
                                                       "decision": decision})
    assert done.status_code == 200
    return done.text


def _run_terminal(base: str, client_id: str, decision: str) -> tuple[dict, dict]:
    job = {"issuer": base, "client_id": client_id, "scope": "openid profile"}
    with subprocess.Popen(["node", str(HERE / "terminal.mjs")], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as node:
        node.stdin.write(json.dumps(job))
        node.stdin.close()
        started = json.loads(node.stdout.readline() or "{}")
        assert "user_code" in started, node.stderr.read()
        _person_answers(base, started["user_code"], decision)
        ended = json.loads(node.stdout.readline() or "{}")
        assert node.wait(timeout=60) == 0, node.stderr.read()
    return started, ended


def test_openid_client_polls_until_the_person_approves_and_gets_their_id_token(live):
    base, client_id = live
    started, ended = _run_terminal(base, client_id, "approve")
    assert started["verification_uri"] == f"{base}/device"
    assert ended["claims"]["acr"] == "2" and ended["claims"]["amr"] == ["pwd"]
    assert ended["claims"]["aud"] == client_id
    assert ended["userinfo"]["sub"] == ended["claims"]["sub"]
    assert ended["userinfo"]["preferred_username"] == "alice"


def test_openid_client_hears_access_denied_when_the_person_denies(live):
    base, client_id = live
    _, ended = _run_terminal(base, client_id, "deny")
    assert ended == {"error": "access_denied"}
