"""Logout through a real browser: a relying party's site on a real port, an SSO session in
Chromium, and the OIDC clients that session signed in to."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Test modules import logout_helpers by name (the suite runs with --import-mode=importlib).
sys.path.insert(0, str(Path(__file__).parent))

from logout_helpers import HANG_SECONDS, RpSite  # noqa: E402

from clients.registry import get_client, register_client  # noqa: E402
from idp.accounts.identity_numbers import id_number_check_char  # noqa: E402
from idp.accounts.service import create_person  # noqa: E402
from idp.audit import SYSTEM_ACTOR  # noqa: E402
from idp.oidc.end_user import EndUser, subject  # noqa: E402
from idp.oidc.tokens import jwt  # noqa: E402
from idp.sso.session import COOKIE_NAME  # noqa: E402


@pytest.fixture
def rp_site(http_server):
    site = RpSite("")
    release = threading.Event()

    def answer(hit) -> tuple[int, str, dict[str, str]]:
        if hit.method == "POST":
            site.posts.append(hit.body.decode())
        path = urlsplit(hit.path).path
        site.hits.append(path)
        if path == "/fc-hang":
            release.wait(HANG_SECONDS)
        return 200, f"<!doctype html><title>{path}</title><p>{path}</p>", {
            "Content-Type": "text/html"}

    site.base = http_server(answer).url
    yield site
    release.set()  # before http_server stops the server


@pytest.fixture
def idp(live_app):
    """(services, base URL) of an IdP served on a real port."""
    app, base = live_app
    return app.extensions["yiwang"], base


@pytest.fixture
def person(idp):
    first17 = "11010519850312123"
    return create_person(idp[0], SYSTEM_ACTOR, username="zhangsan", password="Correct-horse-9",
                         name="张三", id_number=first17 + id_number_check_char(first17),
                         assurance_level=2)


@pytest.fixture
def oidc_rp(idp, rp_site) -> Callable[..., object]:
    """oidc_rp(frontchannel_path) -> a registered client of rp_site with that front-channel
    logout page and /bye as its post-logout redirect URI."""

    def make(frontchannel_path: str = "/fc", name: str = "社保查询"):
        svc = idp[0]
        client, _ = register_client(svc, {
            "client_name": name, "redirect_uris": [rp_site.base + "/cb"], "scope": "openid",
            "first_party": True, "post_logout_redirect_uris": [rp_site.base + "/bye"],
            "frontchannel_logout_uri": rp_site.base + frontchannel_path,
        }, SYSTEM_ACTOR)
        return client
    return make


@dataclass
class SignedIn:
    token: str
    sid: str
    id_tokens: dict[str, str]


@pytest.fixture
def sign_in(idp, person):
    """sign_in(context, clients) -> SignedIn: an SSO session held by the browser context that
    signed in to each client (as the authorization endpoint records it), with an ID token per
    client."""

    def make(context, clients) -> SignedIn:
        svc, base = idp
        token, session = svc.sessions.create(account_id=person.id, username=person.username,
                                             level=2, amr=["pwd"])
        id_tokens = {}
        for client in clients:
            with svc.db.session() as db:
                registered = get_client(db, client.client_id)
            svc.sessions.add_participant(token, f"oidc:{client.client_id}", {
                "sub": subject(svc, registered, person.id), "name": client.name})
            id_tokens[client.client_id] = jwt.id_token(svc, registered, EndUser(
                account_id=person.id, sid=session.sid, auth_time=session.auth_time, acr="2"))
        context.add_cookies([{"name": COOKIE_NAME, "value": token, "url": base}])
        return SignedIn(token, session.sid, id_tokens)
    return make


@pytest.fixture
def stopwatch():
    def start() -> Callable[[], float]:
        began = time.monotonic()
        return lambda: time.monotonic() - began
    return start
