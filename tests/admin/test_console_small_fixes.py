"""Small things an administrator meets in the console (issue 17): each as the page shows it."""

from __future__ import annotations

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
