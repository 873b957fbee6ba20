"""RP-initiated, back-channel and front-channel logout."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

from oidc_helpers import get_code, redeem

from idp.oidc.tokens.jwt import BACKCHANNEL_EVENT


def _signed_in(client, rp, pkce, person, login):
    token, session = login(person)
    id_token = redeem(client, rp, get_code(client, rp, pkce), pkce).json["id_token"]
    return token, session, id_token


def test_logout_with_a_hint_ends_the_session_and_returns_to_the_registered_uri_with_state(
    client, svc, rp, pkce, person, login
):
    token, _, id_token = _signed_in(client, rp, pkce, person, login)
    response = client.get("/session/end", query_string={
        "id_token_hint": id_token, "post_logout_redirect_uri": "https://rp.example.gov.cn/bye",
        "state": "bye-1"})
    assert response.status_code in (302, 303)
    location = urlsplit(response.headers["Location"])
    assert location.netloc == "rp.example.gov.cn" and location.path == "/bye"
    assert parse_qs(location.query)["state"] == ["bye-1"]
    assert svc.sessions.load(token) is None


def test_an_unregistered_post_logout_redirect_uri_is_never_redirected_to(
    client, rp, pkce, person, login
):
    _, _, id_token = _signed_in(client, rp, pkce, person, login)
    response = client.get("/session/end", query_string={
        "id_token_hint": id_token, "post_logout_redirect_uri": "https://evil.example.com/"})
    assert response.status_code == 200 and "Location" not in response.headers


def test_logout_without_a_hint_asks_for_confirmation_on_a_plain_form(
    client, svc, rp, pkce, person, login
):
    token, _, _ = _signed_in(client, rp, pkce, person, login)
    page = client.get("/session/end")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="csrf_token"' in html
    assert svc.sessions.load(token) is not None
    csrf = html.split('name="csrf_token" value="')[1].split('"')[0]
    done = client.post("/session/end/confirm", data={"csrf_token": csrf})
    assert done.status_code == 200 and svc.sessions.load(token) is None


def test_a_forged_hint_is_refused_with_an_error_page(client):
    response = client.get("/session/end", query_string={"id_token_hint": "x.y.z"})
    assert response.status_code == 400 and "Location" not in response.headers


def test_ending_the_session_sends_a_back_channel_logout_token(
    client, svc, make_client, pkce, person, login, receiver
):
    uri, received = receiver
    rp = make_client(backchannel_logout_uri=uri)
    _, session, id_token = _signed_in(client, rp, pkce, person, login)
    client.get("/session/end", query_string={"id_token_hint": id_token})
    assert len(received) == 1
    header = json.loads(base64.urlsafe_b64decode(received[0].split(".")[0] + "=="))
    assert header["typ"] == "logout+jwt"
    claims = svc.signing_keys.verify_jwt(received[0], ["RS256"])
    assert claims["iss"] == svc.settings.issuer and claims["aud"] == rp.client_id
    assert claims["events"] == {BACKCHANNEL_EVENT: {}}
    assert claims["sid"] == session.sid and claims["sub"] == person.id
    assert "nonce" not in claims and claims["jti"]


def test_an_unreachable_back_channel_does_not_break_logout(
    client, svc, make_client, pkce, person, login
):
    rp = make_client(backchannel_logout_uri="http://127.0.0.1:9/unreachable")
    token, _, id_token = _signed_in(client, rp, pkce, person, login)
    assert client.get("/session/end", query_string={"id_token_hint": id_token}
                      ).status_code == 200
    assert svc.sessions.load(token) is None


def test_the_logged_out_page_carries_front_channel_iframes_with_iss_and_sid(
    client, svc, make_client, pkce, person, login
):
    rp = make_client(frontchannel_logout_uri="https://rp.example.gov.cn/fc")
    _, session, id_token = _signed_in(client, rp, pkce, person, login)
    page = client.get("/session/end", query_string={"id_token_hint": id_token})
    html = page.get_data(as_text=True)
    src = html.split('<iframe src="')[1].split('"')[0].replace("&amp;", "&")
    params = parse_qs(urlsplit(src).query)
    assert params["iss"] == [svc.settings.issuer] and params["sid"] == [session.sid]
    assert "frame-src 'self' https://rp.example.gov.cn;" in page.headers["Content-Security-Policy"]


def test_logout_is_audited_with_the_client_id(client, svc, rp, pkce, person, login):
    from sqlalchemy import select

    from idp.audit import AuditEvent

    _, _, id_token = _signed_in(client, rp, pkce, person, login)
    client.get("/session/end", query_string={"id_token_hint": id_token})
    with svc.db.session() as session:
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.type == "logout")))
    assert [e.client_id for e in events] == [rp.client_id]


def _other_person(svc):
    from idp.accounts.identity_numbers import id_number_check_char
    from idp.accounts.service import create_person
    from idp.audit import SYSTEM_ACTOR

    first17 = "11010519800101123"
    return create_person(svc, SYSTEM_ACTOR, username="lisi", password="Correct-horse-9",
                         name="李四", id_number=first17 + id_number_check_char(first17),
                         assurance_level=2)


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="')[1].split('"')[0]


BYE = {"post_logout_redirect_uri": "https://rp.example.gov.cn/bye", "state": "bye-2"}


def test_a_hint_for_another_account_asks_before_ending_the_victims_session(
    client, svc, rp, pkce, person, login
):
    # RP-Initiated Logout §2 and §6: someone else's ID token must not log this browser out
    # silently (a forged logout); the person is asked on a plain CSRF-protected form.
    login(_other_person(svc))
    foreign = redeem(client, rp, get_code(client, rp, pkce), pkce).json["id_token"]
    victim, _ = login(person)
    page = client.get("/session/end", query_string={"id_token_hint": foreign, **BYE})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Location" not in page.headers
    assert 'name="csrf_token"' in html and "退出" in html
    assert svc.sessions.load(victim) is not None
    # A confirmation without the form's token does nothing.
    assert client.post("/session/end/confirm", data={}).status_code == 400
    assert svc.sessions.load(victim) is not None
    # Confirmed, the logout completes and still returns to the relying party with its state.
    done = client.post("/session/end/confirm", data={"csrf_token": _csrf(html),
                                                     **_hidden_fields(html)})
    assert svc.sessions.load(victim) is None
    location = urlsplit(done.headers["Location"])
    assert location.path == "/bye" and parse_qs(location.query)["state"] == ["bye-2"]


def _hidden_fields(html: str) -> dict[str, str]:
    import re

    return {name: value.replace("&amp;", "&") for name, value in
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
            if name != "csrf_token"}


def test_a_hint_from_an_earlier_session_of_the_same_account_asks_too(
    client, svc, rp, pkce, person, login
):
    old_token, _ = login(person)
    earlier = redeem(client, rp, get_code(client, rp, pkce), pkce).json["id_token"]
    svc.sessions.end(token=old_token)
    current, _ = login(person)
    page = client.get("/session/end", query_string={"id_token_hint": earlier})
    assert page.status_code == 200 and 'name="csrf_token"' in page.get_data(as_text=True)
    assert svc.sessions.load(current) is not None


def test_a_pairwise_hint_of_the_session_holder_ends_the_session_at_once(
    client, svc, make_client, pkce, person, login
):
    pairwise = make_client(subject_type="pairwise",
                           post_logout_redirect_uris=["https://rp.example.gov.cn/bye"])
    token, _ = login(person)
    id_token = redeem(client, pairwise, get_code(client, pairwise, pkce), pkce).json["id_token"]
    assert svc.signing_keys.verify_jwt(id_token, ["RS256"])["sub"] != person.id
    response = client.get("/session/end", query_string={"id_token_hint": id_token, **BYE})
    assert response.status_code == 303 and svc.sessions.load(token) is None


def test_a_pairwise_client_cannot_log_out_with_the_public_subject_of_the_person(
    client, svc, make_client, pkce, person, login
):
    from clients.registry import get_client
    from idp.oidc.end_user import EndUser
    from idp.oidc.tokens import jwt

    pairwise = make_client(subject_type="pairwise")
    token, session = login(person)
    with svc.db.session() as db:
        registered = get_client(db, pairwise.client_id)
    forged = jwt.id_token(svc, registered, EndUser(
        account_id=person.id, sid=session.sid, auth_time=session.auth_time, acr="2"),
        extra={"sub": person.id})
    page = client.get("/session/end", query_string={"id_token_hint": forged})
    assert page.status_code == 200 and 'name="csrf_token"' in page.get_data(as_text=True)
    assert svc.sessions.load(token) is not None
