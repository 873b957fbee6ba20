"""Small things an administrator meets in the console (issue 17): each as the page shows it."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from admin.roles import Role
from clients.models import OidcClient

CSRF = {"csrf_token": "test-csrf-token"}


def test_a_client_whose_secret_was_never_rotated_shows_when_it_was_created(
    console_client, dept_client, services
):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    registered, _secret = dept_client
    page = client.get(f"/admin/clients/{registered.client_id}").get_data(as_text=True)
    assert "创建于" in page and "密钥轮换于" not in page
    with services.db.begin() as session:  # registered a day ago, then rotated now
        session.execute(update(OidcClient).where(OidcClient.client_id == registered.client_id)
                        .values(created_at=registered.created_at - timedelta(days=1)))
    rotated = client.post(f"/admin/clients/{registered.client_id}/secret",
                          data={"reason": "泄露", **CSRF})
    assert rotated.status_code in (200, 303)
    page = client.get(f"/admin/clients/{registered.client_id}").get_data(as_text=True)
    assert "密钥轮换于" in page


def test_the_sign_in_redirect_carries_no_stray_question_mark(app):
    first = app.test_client().get("/admin/")
    assert first.status_code == 303
    assert first.headers["Location"].endswith("/admin/login?next=/admin/")
    kept = app.test_client().get("/admin/audit?type=login")
    assert "next=/admin/audit?type%3Dlogin" in kept.headers["Location"]


def test_the_favicon_is_a_small_cached_icon(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.data[:4] == b"\x00\x00\x01\x00" and len(icon.data) < 4096
    assert "max-age=86400" in icon.headers["Cache-Control"]


def test_the_keys_page_gives_ages_in_chinese(console_client, services):
    services.signing_keys.rotate("ES256")
    client, _ = console_client(Role.SYSTEM_ADMIN)
    page = client.get("/admin/keys").get_data(as_text=True)
    assert "分钟" in page and " min<" not in page
    english = client.get("/admin/keys", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert " min<" in english


def test_a_refused_client_form_says_why_in_chinese_first_and_keeps_every_field(console_client):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    answer = client.post("/admin/clients/new", data={
        "client_name": "不动产登记", "department": "自然资源厅",
        "redirect_uris": "http://evil.example.com/cb", "scope": "openid profile",
        "allowed_claims_sent": "1", "allowed_claims": ["name"], "min_level": "2",
        "reason": "新系统接入", **CSRF})
    page = answer.get_data(as_text=True)
    assert "回调地址不正确：" in page
    for typed in ("不动产登记", "自然资源厅", "http://evil.example.com/cb",
                  'value="新系统接入"'):
        assert typed in page, typed


def test_a_bad_saml_metadata_file_is_refused_in_chinese_first(console_client):
    import io

    client, _ = console_client(Role.SYSTEM_ADMIN)
    answer = client.post("/admin/saml/new", data={
        "metadata_file": (io.BytesIO(b"<not-metadata/>"), "sp.xml"), "reason": "接入人事系统",
        "name": "人事系统", **CSRF}, content_type="multipart/form-data")
    page = answer.get_data(as_text=True)
    assert "SAML 元数据无法读取：" in page and 'value="接入人事系统"' in page


def test_scopes_and_claims_are_labelled_checkboxes_and_the_ticked_scopes_are_registered(
    console_client, services
):
    from clients.registry import get_client

    client, _ = console_client(Role.SYSTEM_ADMIN)
    form = client.get("/admin/clients/new").get_data(as_text=True)
    assert re.search(r'value="openid" checked> 登录标识（必选） <code>openid</code>', form)
    assert "居民身份证号码 <code>id_card</code>" in form and "认证级别 <code>acr</code>" in form
    answer = client.post("/admin/clients/new", data={
        "client_name": "社保查询", "redirect_uris": "https://si.example.gov.cn/cb",
        "scope_sent": "1", "scope": ["openid", "phone"], "allowed_claims_sent": "1",
        "allowed_claims": ["phone_number"], "min_level": "2", "reason": "接入", **CSRF})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    client_id = answer.headers["Location"].split("/clients/")[1].split("/")[0]
    with services.db.session() as session:
        assert sorted(get_client(session, client_id).allowed_scopes) == ["openid", "phone"]
