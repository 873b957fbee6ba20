"""What a terminal does (RFC 8628 §3.1 and §3.4) and what a person does at /device, through
Flask's test client: the forms are plain HTML, so no script is needed."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from html import unescape

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@dataclass(frozen=True)
class Terminal:
    client_id: str
    secret: str | None = None

    def auth(self) -> tuple[dict[str, str], dict[str, str]]:
        """(form fields, headers) that authenticate it: client_id, or HTTP Basic."""
        if self.secret is None:
            return {"client_id": self.client_id}, {}
        basic = base64.b64encode(f"{self.client_id}:{self.secret}".encode()).decode()
        return {}, {"Authorization": f"Basic {basic}"}

    def start(self, client, **form):
        fields, headers = self.auth()
        return client.post("/device_authorization", data={**fields, **form}, headers=headers)

    def poll(self, client, device_code: str):
        fields, headers = self.auth()
        return client.post("/token", data={**fields, "grant_type": DEVICE_GRANT,
                                           "device_code": device_code}, headers=headers)


def claims(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def csrf_of(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def enter(browser, user_code: str):
    """Type a code at /device as a person does (GET the form for its CSRF token, POST it)."""
    form = browser.get("/device")
    return browser.post("/device", data={"csrf_token": csrf_of(form), "user_code": user_code})


def answer(browser, decision: str):
    """Answer the question at /device/confirm: "approve" or "deny"."""
    page = browser.get("/device/confirm")
    assert page.status_code == 200, page.get_data(as_text=True)
    return browser.post("/device/confirm", data={"csrf_token": csrf_of(page),
                                                 "decision": decision})


def text(response) -> str:
    return unescape(response.get_data(as_text=True))
