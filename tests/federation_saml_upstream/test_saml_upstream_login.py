"""A citizen logs in at our OIDC relying party through another province's Yiwang, a SAML 2.0
upstream, and lands in their existing account by the ID number it asserts; responses that are
unsigned, tampered with, meant for another audience or replayed are refused."""

from __future__ import annotations

import base64
import re
from html import unescape
from urllib.parse import unquote_plus, urljoin

import pytest
import requests
from conftest import NAME, UPSTREAM_PASSWORD, UPSTREAM_USER, USERNAME
from saml_upstream_helpers import RP_REDIRECT, events, saml_form, walk
from sqlalchemy import select

from idp.accounts.models import Person

# pysaml2 leaves its xmlsec1 temporary .pem files for the garbage collector to close.
pytestmark = [pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]


def account_id(services, username: str) -> str:
    with services.db.session() as session:
        return session.scalar(select(Person.id).where(Person.username == username))


def upstream_answer(browser, base: str, rp) -> tuple[str, dict[str, str]]:
    """Walk from the relying party to the upstream's signed answer (not yet posted to us)."""
    login = walk(browser, rp.authorize_url(base))
    assert login.status_code == 200 and "/login" in login.url, login.text[:500]
    start = re.search(rf'href="([^"]*/federation/{NAME}/start[^"]*)"', login.text)
    assert start, "the login page shows the SAML upstream's button"
    upstream_login = walk(browser, urljoin(login.url, unescape(start.group(1))))
    assert "/login" in upstream_login.url and upstream_login.url.startswith("http://localhost")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', upstream_login.text).group(1)
    pending = re.search(r'name="login" value="([^"]+)"', upstream_login.text).group(1)
    posted = browser.post(urljoin(upstream_login.url, "/login"), data={
        "csrf_token": csrf, "login": pending, "door": "person", "username": UPSTREAM_USER,
        "password": UPSTREAM_PASSWORD}, allow_redirects=False, timeout=15)
    answer = walk(browser, urljoin(upstream_login.url, posted.headers["Location"]))
    return saml_form(answer)


def post_answer(browser, action: str, fields: dict[str, str]):
    """Post the upstream's answer to us as a browser does, our re-POST page included (it
    comes back when the POST carried no session cookie, as a cross-site POST does not)."""
    posted = browser.post(action, data=fields, allow_redirects=False, timeout=30)
    if posted.status_code == 200 and 'id="saml-post"' in posted.text:
        again, bounced = saml_form(posted)
        assert again == action and bounced["_bounced"] == "1"
        posted = browser.post(again, data=bounced, allow_redirects=False, timeout=30)
    if not posted.is_redirect:
        return posted
    return walk(browser, urljoin(action, posted.headers["Location"]))


def test_a_citizen_logs_in_through_the_saml_upstream_into_their_own_account(
        live, saml_upstream, rp):
    services, base = live
    browser = requests.Session()
    action, fields = upstream_answer(browser, base, rp)
    assert action == f"{base}/federation/{NAME}/callback"
    done = post_answer(browser, action, fields)
    assert done.url.startswith(RP_REDIRECT), done.text[:800]
    claims = rp.redeem(base, done.url)["claims"]
    assert claims["sub"] == account_id(services, USERNAME)  # linked by the ID number
    assert "fed" in claims["amr"]
    assert claims["acr"] == "2"
    logins = [e for e in events(services, "login") if e.detail.get("source") == NAME]
    assert logins and logins[-1].outcome == "success"


def _altered(fields: dict[str, str], change) -> dict[str, str]:
    from lxml import etree

    root = etree.fromstring(base64.b64decode(fields["SAMLResponse"]))
    change(root)
    return {**fields, "SAMLResponse": base64.b64encode(etree.tostring(root)).decode()}


def _unsigned(root) -> None:
    for signature in root.iter("{http://www.w3.org/2000/09/xmldsig#}Signature"):
        signature.getparent().remove(signature)


def _other_id_number(root) -> None:
    for value in root.iter("{urn:oasis:names:tc:SAML:2.0:assertion}AttributeValue"):
        if value.text == "11010519491231002X":
            value.text = "110105194912310038"  # someone else's account, were it believed


@pytest.mark.parametrize("change", [_unsigned, _other_id_number], ids=["unsigned", "tampered"])
def test_an_unsigned_or_tampered_answer_is_refused_and_nobody_is_logged_in(
        live, saml_upstream, rp, change):
    services, base = live
    browser = requests.Session()
    action, fields = upstream_answer(browser, base, rp)
    refused = post_answer(browser, action, _altered(fields, change))
    assert refused.status_code == 400
    assert "凭证无效" in refused.text
    assert walk(browser, rp.authorize_url(base)).url.startswith(f"{base}/login")  # no session
    failure = [e for e in events(services, "login") if e.detail.get("source") == NAME][-1]
    assert failure.outcome == "failure" and failure.detail["reason"] == "saml"


def test_a_replayed_answer_is_refused(live, saml_upstream, rp):
    services, base = live
    browser = requests.Session()
    action, fields = upstream_answer(browser, base, rp)
    assert post_answer(browser, action, fields).url.startswith(RP_REDIRECT)
    # Posted again, by this browser or by whoever copied it: the login it answered is spent.
    for replayer in (browser, requests.Session()):
        again = post_answer(replayer, action, fields)
        assert again.status_code == 400 and not again.url.startswith(RP_REDIRECT)


def test_an_answer_meant_for_another_audience_is_refused(live, saml_upstream, rp, cli, run_idp,
                                                         upstream, tmp_path):
    """The upstream's signed answer to our other SP entity (``prov2``: another audience and
    Destination) posted, with a fresh login's RelayState, to ``prov``'s callback."""
    services, base = live
    up_base, up_env = upstream
    assert cli("federation", "add-saml", "--name", "prov2", "--metadata-url",
               f"{up_base}/saml/metadata", "--map", "name=name", "--level", "1",
               IDP_ISSUER=base).exit_code == 0
    (tmp_path / "prov2.xml").write_bytes(
        requests.get(f"{base}/federation/prov2/metadata", timeout=10).content)
    assert run_idp(["clients", "add-saml", "--metadata-file", str(tmp_path / "prov2.xml"),
                    "--attribute", "name"], up_env).returncode == 0
    browser = requests.Session()
    login = walk(browser, rp.authorize_url(base))
    pending = re.search(r"login=([\w-]+)", login.url).group(1)
    other = walk(browser, f"{base}/federation/prov2/start?login={pending}")
    assert other.url.startswith(up_base)  # the upstream's login page (prov2's request)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', other.text).group(1)
    up_login = re.search(r'name="login" value="([^"]+)"', other.text).group(1)
    posted = browser.post(urljoin(other.url, "/login"), data={
        "csrf_token": csrf, "login": up_login, "door": "person", "username": UPSTREAM_USER,
        "password": UPSTREAM_PASSWORD}, allow_redirects=False, timeout=15)
    _action, meant_for_prov2 = saml_form(walk(browser, urljoin(other.url,
                                                                posted.headers["Location"])))
    # A login through prov now: its RelayState, prov2's answer.
    started = browser.get(f"{base}/federation/{NAME}/start?login={pending}",
                          allow_redirects=False, timeout=15)
    relay = re.search(r"RelayState=([^&]+)", started.headers["Location"]).group(1)
    refused = post_answer(browser, f"{base}/federation/{NAME}/callback", {
        "SAMLResponse": meant_for_prov2["SAMLResponse"], "RelayState": unquote_plus(relay)})
    assert refused.status_code == 400 and "凭证无效" in refused.text
