"""The sign-up pages as a browser drives them, and the outbox file as a phone reads it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from idp.accounts.privacy_notice import VERSION as NOTICE_VERSION

PASSWORD = "春风又绿江南岸 2026"
PHONE = "13812345678"
# Tests that count in the Store run on both of its backends (tests/signup/conftest.py).
BOTH_STORES = pytest.mark.parametrize("store_backend", ["sql", "redis"])


def csrf_of(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))[1]


def outbox(settings) -> list[dict[str, str]]:
    path = Path(settings.data_dir) / "outbox.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def last_code(settings, phone: str = PHONE) -> str:
    """The code of the newest sign-up SMS to phone, as its owner reads it."""
    texts = [m["text"] for m in outbox(settings) if m["phone"] == phone]
    return re.search(r"验证码 (\d{6})", texts[-1])[1]


def ask_code(browser, phone: str = PHONE, *, login_id: str | None = None,
             door: str | None = None, ip: str = "127.0.0.1"):
    """GET /register, then POST the phone; returns the POST's answer."""
    query = {k: v for k, v in (("login", login_id), ("door", door)) if v}
    form = browser.get("/register", query_string=query, environ_base={"REMOTE_ADDR": ip})
    data = {"csrf_token": csrf_of(form), "phone": phone, "door": door or "person",
            **({"login": login_id} if login_id else {})}
    return browser.post("/register", data=data, environ_base={"REMOTE_ADDR": ip})


def enter_code(browser, code: str):
    page = browser.get("/register/code")
    return browser.post("/register/code", data={"csrf_token": csrf_of(page), "code": code})


def resend(browser):
    page = browser.get("/register/code")
    return browser.post("/register/code", data={"csrf_token": csrf_of(page), "resend": "1"})


def choose_account(browser, username: str = "lihua", password: str = PASSWORD, *,
                   confirm: str | None = None, notice: str | None = NOTICE_VERSION):
    page = browser.get("/register/account")
    data = {"csrf_token": csrf_of(page), "username": username, "password": password,
            "confirm": password if confirm is None else confirm}
    if notice is not None:
        data["privacy_notice"] = notice
    return browser.post("/register/account", data=data)


def flashed(browser, path: str) -> str:
    """The text of the page at path (where a refused step sends the browser back to)."""
    return browser.get(path).get_data(as_text=True)
