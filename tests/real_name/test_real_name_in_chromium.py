"""The real-name pages in a real Chromium without JavaScript, on a desktop (1280 px) and a
phone (390 px): verify, register a company, invite an agent who accepts. Nothing is wider
than the screen; screenshots in test-output/real_name/."""

from __future__ import annotations

import pytest

from idp.accounts import service
from idp.accounts.models import Person
from idp.audit import SYSTEM_ACTOR
from tests.login.login_helpers import PASSWORD
from tests.real_name.conftest import SHOTS, new_credit_code, new_id_number

pytestmark = pytest.mark.browser
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
COMPANY = "杭州西湖数字政务示例科技有限公司"


def _shot(page, size: str, name: str) -> None:
    """Check the page fits and has no script, then keep its picture."""
    assert "<script" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{size}-{name}.png"), full_page=True)


def _people(svc, size: str) -> tuple[str, str, str, str]:
    boss_number, agent_number = new_id_number(), new_id_number()
    boss = service.create_person(svc, SYSTEM_ACTOR, username=f"zhang-{size}", password=PASSWORD,
                                 name="张三", id_number=boss_number, phone="13900001111")
    with svc.db.begin() as session:  # as self sign-up leaves it: level 1, no ID number yet
        row = session.get(Person, boss.id)
        row.id_number_sealed = row.id_number_index = None
    service.create_person(svc, SYSTEM_ACTOR, username=f"wang-{size}", password=PASSWORD,
                          name="王五", id_number=agent_number, phone="13700002222",
                          assurance_level=2)
    return boss_number, f"zhang-{size}", f"wang-{size}", agent_number


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/account")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_verify_register_a_company_and_invite_an_agent_in_chromium(
    live_app, chromium, tmp_path, size
):
    from idp.verification.imports import import_entities, import_population

    app, base = live_app
    svc = app.extensions["yiwang"]
    boss_number, boss, agent, _ = _people(svc, size)
    code = new_credit_code()
    (tmp_path / "p.csv").write_text(f"id_number,name\n{boss_number},张三\n")
    (tmp_path / "e.csv").write_text("credit_code,name,representative_id_number\n"
                                    f"{code},{COMPANY},{boss_number}\n")
    import_population(svc, tmp_path / "p.csv")
    import_entities(svc, tmp_path / "e.csv")
    options = {"viewport": SIZES[size], "locale": "zh-CN", "java_script_enabled": False,
               "device_scale_factor": 1, "is_mobile": size == "phone"}
    context, other = chromium.new_context(**options), chromium.new_context(**options)
    page, agent_page = context.new_page(), other.new_page()
    try:
        _login(page, base, boss)
        assert "未实名认证" in page.inner_text("main")
        _shot(page, size, "1-account-level-1")
        page.click("a.button:has-text('实名认证')")
        page.wait_for_url(f"{base}/account/verify")
        page.fill("input[name=name]", "张三")
        page.fill("input[name=id_number]", new_id_number())
        page.click("button[type=submit]")
        assert "未通过人口信息核验" in page.inner_text("main")
        _shot(page, size, "2-verify-refused")
        page.fill("input[name=id_number]", boss_number)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/account")
        assert "实名认证成功" in page.inner_text("main") and "L2" in page.inner_text("main")
        _shot(page, size, "3-account-verified")

        page.click("text=登记单位")
        page.wait_for_url(f"{base}/account/entities/new")
        page.fill("input[name=credit_code]", code)
        page.fill("input[name=name]", COMPANY)
        _shot(page, size, "4-register-company")
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/account/entities/{code}")
        page.fill("input[name=who]", "13700002222")
        page.fill("input[name=valid_until]", "2030-12-31")
        page.click("text=发出邀请")
        page.wait_for_url(f"{base}/account/entities/{code}")
        assert "邀请已发出" in page.inner_text("main") and "王五" in page.inner_text("main")
        _shot(page, size, "5-company-invited")

        _login(agent_page, base, agent)
        assert "邀请您成为经办人" in agent_page.inner_text("main")
        _shot(agent_page, size, "6-agent-invitation")
        agent_page.click("button[value=accept]")
        agent_page.wait_for_url(f"{base}/account")
        assert "您已成为" in agent_page.inner_text("main")
        _shot(agent_page, size, "7-agent-accepted")

        page.reload()
        assert "2030-12-31" in page.inner_text("main") and "撤销" in page.inner_text("main")
        _shot(page, size, "8-company-with-agent")
    finally:
        context.close()
        other.close()
