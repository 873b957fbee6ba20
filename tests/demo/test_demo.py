"""The demo a newcomer runs: log in at one department site, roam to the other without a
password, log out of both at once — driven over real HTTP with ``requests``."""

import re
from urllib.parse import urljoin

import pytest
import requests

from idp.demo.runner import start_demo


@pytest.fixture
def demo(settings):
    running = start_demo(settings, port=0)
    yield running
    running.stop()


def _hidden_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def _log_in(browser: requests.Session, page: requests.Response, person) -> requests.Response:
    """Fill in the IdP's login form the browser was sent to."""
    assert 'name="password"' in page.text, page.text[:300]
    form = {**_hidden_fields(page.text), "username": person.username,
            "password": person.password}
    return browser.post(urljoin(page.url, "/login"), data=form, timeout=10)


def test_log_in_once_roam_to_the_other_site_and_log_out_of_both(demo):
    gjj, bdc = demo.sites
    zhang = demo.people[0]
    browser = requests.Session()

    login_page = browser.get(f"{gjj.base_url}/login", timeout=10)
    assert login_page.url.startswith(f"{demo.issuer}/login")
    landed = _log_in(browser, login_page, zhang)
    assert landed.url == f"{gjj.base_url}/"
    assert "您好，张三" in landed.text and "13800000001" in landed.text

    roamed = browser.get(f"{bdc.base_url}/login", timeout=10)
    assert roamed.url == f"{bdc.base_url}/"
    assert not any("/login?" in r.url for r in roamed.history if r.url.startswith(demo.issuer))
    assert "您好，张三" in roamed.text and zhang.id_number in roamed.text

    left = browser.get(f"{gjj.base_url}/logout", timeout=10)
    assert left.url.startswith(f"{gjj.base_url}/?state=")
    assert "您已退出所有站点" in left.text and "您尚未登录" in left.text
    # Back-channel logout ended the other site's sign-in too.
    assert "您尚未登录" in browser.get(f"{bdc.base_url}/", timeout=10).text
    # And the IdP session is gone: the next login asks for the password again.
    assert 'name="password"' in browser.get(f"{bdc.base_url}/login", timeout=10).text


def test_each_site_receives_only_what_its_policy_allows(demo):
    gjj, _ = demo.sites
    browser = requests.Session()
    landed = _log_in(browser, browser.get(f"{gjj.base_url}/login", timeout=10), demo.people[2])
    assert "您好，王五" in landed.text
    assert demo.people[2].id_number not in landed.text  # 公积金中心 has no id_card claim


def test_an_agent_logs_in_at_the_legal_person_door_and_acts_for_the_company(demo):
    gjj, bdc = demo.sites
    li = demo.people[1]
    browser = requests.Session()
    page = browser.get(f"{gjj.base_url}/login", timeout=10)
    form = {**_hidden_fields(page.text), "door": "legal", "username": li.username,
            "password": li.password}
    choose = browser.post(urljoin(page.url, "/login"), data=form, timeout=10)
    assert "示例科技有限公司" in choose.text
    authorisation = re.search(r'name="authorisation" value="([^"]+)"', choose.text).group(1)
    landed = browser.post(urljoin(choose.url, "/login/entity"), timeout=10, data={
        **_hidden_fields(choose.text), "authorisation": authorisation})
    assert landed.url == f"{gjj.base_url}/"
    assert "正在代表 <strong>示例科技有限公司</strong>" in landed.text and "agent" in landed.text
    roamed = browser.get(f"{bdc.base_url}/login", timeout=10)
    assert "正在代表 <strong>示例科技有限公司</strong>" in roamed.text


def test_a_forged_logout_token_is_refused(demo):
    site = demo.sites[0]
    response = requests.post(f"{site.base_url}/backchannel-logout",
                             data={"logout_token": "e30.e30.sig"}, timeout=10)
    assert response.status_code == 400


def test_seeding_twice_keeps_one_set_of_people_and_sites(settings, demo):
    again = start_demo(settings, port=0)
    try:
        assert [s.client_id for s in again.sites] == [s.client_id for s in demo.sites]
    finally:
        again.stop()


@pytest.mark.browser
def test_the_demo_works_in_a_real_browser(demo, chromium):
    gjj, bdc = demo.sites
    zhang = demo.people[0]
    page = chromium.new_page()
    page.goto(f"{gjj.base_url}/")
    page.click("text=Log in with Yiwang")
    page.fill("#username", zhang.username)
    page.fill("#password", zhang.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{gjj.base_url}/")
    assert "张三" in page.inner_text("h1")
    page.click(f"text={bdc.spec.name}")
    page.click("text=Log in with Yiwang")
    page.wait_for_url(f"{bdc.base_url}/")
    assert "张三" in page.inner_text("h1")
    page.click("text=Log out everywhere")
    page.wait_for_url(f"{bdc.base_url}/?state=*")
    assert "您已退出所有站点" in page.inner_text("main")
    page.goto(f"{gjj.base_url}/")
    assert "您尚未登录" in page.inner_text("main")
