"""The read-only settings page: what the running server uses, for the system administrator
only, with every secret (the KEK, passwords inside URLs) left out."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import pytest

from admin.roles import Role
from admin.running_settings import HIDDEN, Secret, hide_credentials, sections
from idp.settings import Settings

PG_PASSWORD = "pg-Secret-9137"
REDIS_PASSWORD = "redis-Secret-4410"
WITH_PASSWORDS = {
    "database_url": f"postgresql+psycopg://yiwang:{PG_PASSWORD}@db.internal:5432/idp",
    "redis_url": f"redis://:{REDIS_PASSWORD}@cache.internal:6379/0",
}


@pytest.mark.parametrize(("url", "shown"), [
    (f"postgresql+psycopg://yiwang:{PG_PASSWORD}@db:5432/idp",
     f"postgresql+psycopg://yiwang:{HIDDEN}@db:5432/idp"),
    (f"redis://:{REDIS_PASSWORD}@cache:6379/0", f"redis://:{HIDDEN}@cache:6379/0"),
    (f"rediss://default:{REDIS_PASSWORD}@cache/1", f"rediss://default:{HIDDEN}@cache/1"),
    ("rediss://default:p@ss/w0rd@cache/1", f"rediss://default:{HIDDEN}@cache/1"),
    (f"postgresql://yiwang@db/idp?password={PG_PASSWORD}&sslmode=require",
     f"postgresql://yiwang@db/idp?password={HIDDEN}&sslmode=require"),
    (f"redis://cache:6379/0?password={REDIS_PASSWORD}", f"redis://cache:6379/0?password={HIDDEN}"),
    ("postgresql://yiwang@db/idp", "postgresql://yiwang@db/idp"),
    ("sqlite:////srv/yiwang/yiwang.db", "sqlite:////srv/yiwang/yiwang.db"),
    ("redis://cache:6379/0", "redis://cache:6379/0"),
    ("", ""),
])
def test_credentials_inside_a_url_are_removed_and_the_rest_is_kept(url, shown):
    assert hide_credentials(url) == shown
    for password in (PG_PASSWORD, REDIS_PASSWORD, "p@ss/w0rd", "w0rd"):
        assert password not in hide_credentials(url)


def test_every_setting_is_on_the_page_under_its_real_variable():
    rows = [row for section in sections(Settings()) for row in section.rows]
    variables = {f"IDP_{f.name.upper()}" for f in fields(Settings)}
    assert {row.env for row in rows if row.env} <= variables
    assert variables <= {row.env for row in rows}


def test_a_setting_no_section_places_yet_shows_its_number_but_never_its_text():
    @dataclass(frozen=True)
    class Later(Settings):
        sms_gateway_secret: str = "sms-Secret-77"
        sms_timeout: int = 4

    page = sections(Later())
    other = {row.env: row.value for row in page[-1].rows}
    assert other["IDP_SMS_GATEWAY_SECRET"] is Secret.SET and other["IDP_SMS_TIMEOUT"] == 4
    assert "sms-Secret-77" not in repr(page)


def test_the_system_administrator_sees_issuer_session_lifetimes_and_variables(
    console_client, settings
):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    response = client.get("/admin/settings")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "系统设置" in page and "会话" in page and "登录保护" in page
    assert settings.issuer in page and "IDP_ISSUER" in page
    assert "28800 秒（8 小时）" in page and "IDP_SESSION_ABSOLUTE_SECONDS" in page
    assert "1800 秒（30 分钟）" in page and "IDP_SESSION_IDLE_SECONDS" in page
    assert "180 天" in page and "IDP_AUDIT_RETENTION_DAYS" in page
    assert 'href="/admin/settings"' in page  # the nav link


def test_the_page_is_in_english_when_the_browser_asks_for_it(console_client):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    page = client.get("/admin/settings", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Settings" in page and "Sessions" in page and "Login protection" in page
    assert "28800 s (8 h)" in page and "系统设置" not in page


def test_the_page_never_shows_the_kek_or_a_password_inside_the_database_or_redis_url(
    console_client, services, settings, monkeypatch
):
    # The app itself runs on the test database; the page reads the services' settings, so it
    # is given URLs with passwords (a server could not start against these hosts).
    monkeypatch.setattr(services, "settings", replace(settings, **WITH_PASSWORDS))
    client, _ = console_client(Role.SYSTEM_ADMIN)
    page = client.get("/admin/settings").get_data(as_text=True)
    assert settings.kek and settings.kek not in page
    assert PG_PASSWORD not in page and REDIS_PASSWORD not in page
    assert f"yiwang:{HIDDEN}@db.internal:5432/idp" in page
    assert f"redis://:{HIDDEN}@cache.internal:6379/0" in page
    assert "已配置" in page and "postgresql" in page and "Redis" in page


def test_a_generated_kek_is_reported_as_generated_in_the_data_folder(
    console_client, services, settings, monkeypatch
):
    monkeypatch.setattr(services, "settings", replace(settings, kek=""))
    client, _ = console_client(Role.SYSTEM_ADMIN)
    page = client.get("/admin/settings", headers={"Accept-Language": "en"})
    assert "generated in the data folder" in page.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.DEPARTMENT_ADMIN])
def test_other_administrators_are_refused_the_page_and_not_shown_the_link(console_client, role):
    client, _ = console_client(role, "税务局" if role is Role.DEPARTMENT_ADMIN else None)
    refused = client.get("/admin/settings")
    assert refused.status_code == 403
    assert "IDP_ISSUER" not in refused.get_data(as_text=True)
    start = client.get("/admin/", follow_redirects=True)
    assert start.status_code == 200 and "/admin/settings" not in start.get_data(as_text=True)
