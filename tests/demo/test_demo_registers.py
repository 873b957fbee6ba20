"""The demo's local registers: a visitor reads sample identities off the banner, signs up with
the SMS code from the printed outbox, verifies their real name and registers the sample
company, over real HTTP with ``requests``."""

import json
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from idp.demo.registers import SAMPLE_COMPANY, SAMPLE_PEOPLE
from idp.demo.runner import banner, start_demo
from idp.verification.models import EntityRecord, PopulationRecord

# GB 11643-1999 and GB 32100-2015 check characters, computed here independently of the code
# under test (docs: /work/shared/NOTES.md, "Chinese identity numbers").
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.fixture
def demo(settings):
    running = start_demo(settings, port=0)
    yield running
    running.stop()


def _form(page: requests.Response) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))


def _post(browser: requests.Session, page: requests.Response, path: str, **fields: str):
    return browser.post(urljoin(page.url, path), data={**_form(page), **fields}, timeout=10)


@pytest.mark.parametrize("sample", SAMPLE_PEOPLE, ids=lambda p: p.id_number)
def test_each_sample_id_number_is_valid_fictional_and_from_the_1990s_in_110105(sample):
    number = sample.id_number
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True))
    assert number[17] == "10X98765432"[total % 11]
    assert number.startswith("110105") and number[6:9] == "199"
    assert any(word in sample.name for word in ("示例", "演示", "样例"))


def test_the_sample_credit_code_is_valid():
    code = SAMPLE_COMPANY.credit_code
    total = sum(CODE_ALPHABET.index(c) * w for c, w in zip(code[:17], CODE_WEIGHTS, strict=True))
    assert code[17] == CODE_ALPHABET[(31 - total % 31) % 31]


def test_the_banner_prints_the_sample_identities_the_company_and_the_outbox(demo, settings):
    text = banner(demo)
    for person in SAMPLE_PEOPLE:
        assert f"{person.name}  {person.id_number}" in text
    assert f"{SAMPLE_COMPANY.name}  {SAMPLE_COMPANY.credit_code}" in text
    assert str((Path(settings.data_dir) / "outbox.jsonl").resolve()) in text
    for path in ("/register", "/account/verify", "/account/entities/new"):
        assert f"{demo.issuer}{path}" in text


def test_starting_the_demo_again_imports_nothing_twice(settings, demo):
    again = start_demo(settings, port=0)
    try:
        with again.idp.extensions["yiwang"].db.session() as session:
            assert session.query(PopulationRecord).count() == len(SAMPLE_PEOPLE)
            assert session.query(EntityRecord).count() == 1
    finally:
        again.stop()


def test_a_visitor_signs_up_verifies_as_a_printed_sample_and_registers_the_company(
    demo, settings
):
    outbox = Path(settings.data_dir) / "outbox.jsonl"
    phone, browser = "13900000001", requests.Session()
    form = browser.get(f"{demo.issuer}/register", timeout=10)
    code_page = _post(browser, form, "/register", phone=phone)
    assert code_page.url == f"{demo.issuer}/register/code"
    code = re.search(r"验证码 (\d{6})", json.loads(outbox.read_text().splitlines()[-1])["text"])[1]
    account_page = _post(browser, code_page, "/register/code", code=code)
    notice = re.search(r'name="privacy_notice" value="([^"]+)"', account_page.text)[1]
    mine = _post(browser, account_page, "/register/account", username="visitor",
                 password="春眠不觉晓 处处闻啼鸟", confirm="春眠不觉晓 处处闻啼鸟",
                 privacy_notice=notice)
    assert mine.url == f"{demo.issuer}/account", mine.text[:300]

    sample = SAMPLE_COMPANY.representative
    verify = browser.get(f"{demo.issuer}/account/verify", timeout=10)
    verified = _post(browser, verify, "/account/verify", name=sample.name,
                     id_number=sample.id_number)
    assert "实名认证成功" in verified.text

    new = browser.get(f"{demo.issuer}/account/entities/new", timeout=10)
    registered = _post(browser, new, "/account/entities/new", name=SAMPLE_COMPANY.name,
                       credit_code=SAMPLE_COMPANY.credit_code)
    assert registered.url == f"{demo.issuer}/account/entities/{SAMPLE_COMPANY.credit_code}"
    assert "单位登记成功" in registered.text and SAMPLE_COMPANY.name in registered.text
