"""Authlib's requests client as the terminal (RFC 8628 with a Python client library): an
``OAuth2Session`` (token endpoint auth "none", a public client) finds the device endpoint in
discovery, asks for codes, and polls with ``fetch_token(grant_type=device_code)`` at the
interval it was given, hearing ``authorization_pending`` as Authlib's ``OAuthError``, while a
person in a requests session against the live server types the code, logs in and answers."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from device_helpers import DEVICE_GRANT, claims

from clients.registry import register_client
from idp.audit import SYSTEM_ACTOR


@pytest.fixture
def live(live_app, person):
    app, base = live_app
    person("alice", level=2)
    client, _ = register_client(app.extensions["yiwang"], {
        "client_name": "社保自助终端", "token_endpoint_auth_method": "none",
        "grant_types": [DEVICE_GRANT], "scope": "openid profile"}, SYSTEM_ACTOR)
    return base, client.client_id


class AuthlibTerminal:
    """What a terminal's program does with Authlib; ``polls`` lists the errors it heard."""

    def __init__(self, base: str, client_id: str) -> None:
        self.metadata = requests.get(f"{base}/.well-known/openid-configuration", timeout=10).json()
        self.session = OAuth2Session(client_id, scope="openid profile",
                                     token_endpoint_auth_method="none")
        self.polls: list[str] = []
        self.pending = threading.Event()  # the first authorization_pending was heard
        self.outcome: dict | OAuthError | None = None

    def ask_for_codes(self) -> dict:
        answer = self.session.post(self.metadata["device_authorization_endpoint"], data={
            "client_id": self.session.client_id, "scope": "openid profile"}, timeout=10,
            withhold_token=True)  # no token yet: this asks for the codes
        assert answer.status_code == 200, answer.text
        return answer.json()

    def poll_until_answered(self, codes: dict) -> None:
        """RFC 8628 §3.5: wait ``interval`` between polls, five seconds more after slow_down."""
        interval = codes["interval"]
        deadline = time.monotonic() + codes["expires_in"]
        while time.monotonic() < deadline:
            try:
                self.outcome = self.session.fetch_token(
                    self.metadata["token_endpoint"], grant_type=DEVICE_GRANT,
                    device_code=codes["device_code"])
                return
            except OAuthError as error:
                self.polls.append(error.error)
                if error.error == "slow_down":
                    interval += 5
                elif error.error != "authorization_pending":
                    self.outcome = error
                    return
                self.pending.set()
            time.sleep(interval)


def person_answers(base: str, user_code: str, decision: str) -> None:
    """A browser session: the code at /device, the login it is sent to, the answer."""
    browser = requests.Session()
    form = browser.get(f"{base}/device", timeout=10).text
    csrf = form.split('name="csrf_token" value="')[1].split('"')[0]
    to_login = browser.post(f"{base}/device", data={"csrf_token": csrf, "user_code": user_code},
                            timeout=10)
    login_id = to_login.url.split("login=")[1]
    csrf = to_login.text.split('name="csrf_token" value="')[1].split('"')[0]
    question = browser.post(f"{base}/login", data={
        "csrf_token": csrf, "username": "alice", "password": "correct horse battery",
        "door": "person", "login": login_id}, timeout=10)
    assert question.url == f"{base}/device/confirm", question.url
    csrf = question.text.split('name="csrf_token" value="')[1].split('"')[0]
    done = browser.post(f"{base}/device/confirm", data={"csrf_token": csrf,
                                                       "decision": decision}, timeout=10)
    assert done.status_code == 200


def run(base: str, client_id: str, decision: str) -> AuthlibTerminal:
    terminal = AuthlibTerminal(base, client_id)
    codes = terminal.ask_for_codes()
    polling = threading.Thread(target=terminal.poll_until_answered, args=(codes,), daemon=True)
    polling.start()
    assert terminal.pending.wait(timeout=30)  # it is polling before anyone answers
    person_answers(base, codes["user_code"], decision)
    polling.join(timeout=60)
    assert not polling.is_alive()
    return terminal


def test_authlib_polls_until_the_person_approves_and_its_session_reads_userinfo(live):
    base, client_id = live
    terminal = run(base, client_id, "approve")
    token = terminal.outcome
    assert isinstance(token, dict), token
    assert terminal.polls[0] == "authorization_pending"
    assert set(terminal.polls) <= {"authorization_pending", "slow_down"}
    id_token = claims(token["id_token"])
    assert id_token["aud"] == client_id and id_token["acr"] == "2"
    # The session now holds the token: the terminal reads who logged in.
    userinfo = terminal.session.get(terminal.metadata["userinfo_endpoint"], timeout=10).json()
    assert userinfo["sub"] == id_token["sub"] and userinfo["preferred_username"] == "alice"


def test_authlib_hears_access_denied_when_the_person_denies(live):
    base, client_id = live
    terminal = run(base, client_id, "deny")
    assert isinstance(terminal.outcome, OAuthError)
    assert terminal.outcome.error == "access_denied"
    assert terminal.session.token is None  # no token was ever given
