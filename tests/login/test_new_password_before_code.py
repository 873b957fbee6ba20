"""A person owing a new password sets it first, then gives the second factor."""

from __future__ import annotations

from idp.accounts.models import Person
from idp.sso.session import COOKIE_NAME


def test_the_new_password_comes_before_the_code_and_the_session_only_after_both(
    backend, client, alice, login, enrol, code, csrf, svc
):
    login()
    secret, _ = enrol()
    client.post("/logout", data={"csrf_token": csrf(client.get("/account"))})
    with svc.db.begin() as session:
        session.get(Person, alice.id).must_change_password = True
    assert login().headers["Location"].endswith("/login/password")
    page = client.get("/login/password")
    answer = client.post("/login/password", data={
        "csrf_token": csrf(page), "password": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert answer.headers["Location"].endswith("/login/otp")
    assert client.get_cookie(COOKIE_NAME) is None
    page = client.get("/login/otp")
    done = client.post("/login/otp", data={"csrf_token": csrf(page), "code": code(secret, 1)})
    assert done.headers["Location"].endswith("/account")
    assert svc.sessions.load(client.get_cookie(COOKIE_NAME).value).amr == ["pwd", "otp"]
