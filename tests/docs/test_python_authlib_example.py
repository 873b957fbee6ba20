"""examples/python-authlib/app.py, the guide's Python relying party, run as a department runs
it (its own process, configured by environment) against a served Yiwang: login with code +
PKCE + nonce through the real form and consent page, userinfo, RP-initiated logout, and the
back-channel logout that ends its sign-in when the person logs out at the IdP."""

from __future__ import annotations

import os
import re
from urllib.parse import urljoin

import requests
from conftest import EXAMPLES
from docs_helpers import PASSWORD, USERNAME, form_fields, walk

from tests.conftest import free_port


def _site(served, start_example, *more_scopes: str) -> str:
    rp = f"http://127.0.0.1:{free_port()}"
    client = served.idp("clients", "add", "--name", "示例站点", "--department", "示例局",
                        "--redirect-uri", f"{rp}/callback",
                        "--post-logout-redirect-uri", f"{rp}/",
                        "--backchannel-logout-uri", f"{rp}/backchannel-logout",
                        "--scope", "profile", "--scope", "phone",
                        *(arg for scope in more_scopes for arg in ("--scope", scope)))
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("IDP_")},
           "YIWANG_ISSUER": served.base, "RP_BASE_URL": rp,
           "RP_SCOPE": " ".join(("openid", "profile", "phone", *more_scopes)),
           "RP_CLIENT_ID": client["client_id"], "RP_CLIENT_SECRET": client["client_secret"]}
    return start_example(EXAMPLES / "python-authlib" / "app.py", env, rp)


def test_the_python_example_signs_a_citizen_in_and_shows_the_released_claims(
    served, start_example
):
    rp = _site(served, start_example)
    browser = requests.Session()
    home = walk(browser, f"{rp}/login", served.base)
    assert home.url.startswith(rp) and "已登录 Signed in" in home.text
    assert "赵六" in home.text and "zhaoliu" in home.text and "13700137000" in home.text
    assert "<th>acr</th><td>2</td>" in home.text
    assert "11010519491231002X" not in home.text  # id_card was not among its scopes

    # RP-initiated logout: the site forgets the person, the IdP's session ends too.
    after = walk(browser, f"{rp}/logout", served.base, log_in=False)
    assert after.url == f"{rp}/" and "未登录" in after.text
    again = walk(browser, f"{rp}/login", served.base, log_in=False)
    assert 'name="password"' in again.text  # the IdP asks for the password again


def test_logging_out_at_the_idp_ends_the_examples_sign_in_by_the_back_channel(
    served, start_example
):
    rp = _site(served, start_example)
    browser = requests.Session()
    assert "已登录" in walk(browser, f"{rp}/login", served.base).text

    confirm = browser.get(f"{served.base}/logout", timeout=10)
    action, form = form_fields(confirm.text, 'name="csrf_token"')
    ended = browser.post(requests.compat.urljoin(served.base, action) if action else
                         f"{served.base}/logout", data=form, timeout=10)
    assert ended.status_code == 200

    # The IdP POSTed a logout token to the site: the same cookie no longer signs anyone in.
    assert "未登录" in browser.get(f"{rp}/", timeout=10).text


def test_acting_for_a_company_the_example_receives_the_legal_person_claim(served, start_example):
    """docs/integrating.md §7: the 法人办事 door, the company chosen, the legal_person claim."""
    added = served.run(["users", "add-legal-person", "--name", "示例科技有限公司",
                        "--credit-code", "91350100M000100Y43", "--representative", "zhaoliu"],
                       served.env)
    assert added.returncode == 0, added.stderr
    rp = _site(served, start_example, "legal_person")
    browser = requests.Session()
    login_page = walk(browser, f"{rp}/login", served.base, log_in=False)
    legal_door = browser.get(login_page.url + "&door=legal", timeout=10)
    action, form = form_fields(legal_door.text, 'name="password"')
    assert form["door"] == "legal"
    form.update(username=USERNAME, password=PASSWORD)
    posted = browser.post(urljoin(served.base, action), data=form, timeout=10,
                          allow_redirects=False)
    chooser = walk(browser, urljoin(served.base, posted.headers["Location"]), served.base,
                   stop_at='name="authorisation"')
    action, form = form_fields(chooser.text, 'name="authorisation"')
    form["authorisation"] = re.search(r'name="authorisation" value="([^"]+)"',
                                      chooser.text).group(1)
    chosen = browser.post(urljoin(served.base, action), data=form, timeout=10,
                          allow_redirects=False)
    home = walk(browser, urljoin(served.base, chosen.headers["Location"]), served.base)
    assert home.url == f"{rp}/" and "示例科技有限公司" in home.text
    assert "91350100M000100Y43" in home.text and "representative" in home.text
