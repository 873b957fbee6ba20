"""examples/python-authlib/device_terminal.py, the guide's terminal: it shows a code, the
person types it on their phone's browser (the IdP's /device pages, no JavaScript), logs in and
confirms, and the polling terminal is signed in as them; a denial ends it with access_denied."""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import urljoin

import requests
from conftest import EXAMPLES
from docs_helpers import form_fields, walk

TERMINAL = EXAMPLES / "python-authlib" / "device_terminal.py"


def _start_terminal(served) -> tuple[subprocess.Popen, str]:
    client = served.idp("clients", "add", "--name", "自助终端", "--public", "--grant-type",
                        "urn:ietf:params:oauth:grant-type:device_code", "--scope", "profile")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("IDP_")},
           "YIWANG_ISSUER": served.base, "TERMINAL_CLIENT_ID": client["client_id"]}
    terminal = subprocess.Popen([sys.executable, str(TERMINAL)], env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    shown = [terminal.stdout.readline() for _ in range(3)]
    assert shown[0].startswith("请用手机打开") and shown[0].split()[-1] == served.base + "/device"
    return terminal, shown[1].split()[-1]


def _answer_on_the_phone(served, user_code: str, decision: str) -> None:
    phone = requests.Session()
    page = phone.get(f"{served.base}/device", timeout=10)
    action, form = form_fields(page.text, 'name="user_code"')
    form["user_code"] = user_code
    entered = phone.post(urljoin(served.base, action), data=form, allow_redirects=False,
                         timeout=10)
    confirm = walk(phone, urljoin(served.base, entered.headers["Location"]), served.base,
                   stop_at="value=\"approve\"")
    action, form = form_fields(confirm.text, 'value="approve"')
    form["decision"] = decision
    phone.post(urljoin(served.base, action), data=form, timeout=10)


def test_the_terminal_is_signed_in_once_the_person_confirms_on_their_phone(served):
    terminal, user_code = _start_terminal(served)
    _answer_on_the_phone(served, user_code, "approve")
    out, _ = terminal.communicate(timeout=60)
    assert terminal.returncode == 0, out
    assert "已登录 / signed in: 赵六 (level 2)" in out


def test_a_denial_on_the_phone_ends_the_terminals_polling_with_access_denied(served):
    terminal, user_code = _start_terminal(served)
    _answer_on_the_phone(served, user_code, "deny")
    out, _ = terminal.communicate(timeout=60)
    assert terminal.returncode == 1 and "未登录 / not signed in: access_denied" in out
