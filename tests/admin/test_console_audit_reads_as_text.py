"""The audit page as an auditor reads it: one row per event in Chinese, names not UUIDs, the
detail on its own page as labelled fields with before and after side by side."""

from __future__ import annotations

import re

from admin.audit_labels import EVENTS, OUTCOMES
from admin.roles import Role
from idp.audit import Actor, EventType, Outcome, record


def _text(html: str) -> str:
    """What a reader sees of some HTML: the text between the tags."""
    return re.sub(r"<[^>]+>", " ", html)


def _client_change(services, admin, target):
    with services.db.begin() as session:
        event = record(session, EventType.ADMIN_ACTION, actor=Actor("198.51.100.4", "ua"),
                       account_id=admin.account_id, username=admin.username,
                       client_id="etax", action="client.update", reason="坏的回调地址",
                       target="etax", target_account=target.id,
                       before={"client_name": "电子税务局", "min_level": 2},
                       after={"client_name": "电子税务局（新）", "min_level": 3})
        return event.id


def test_every_event_type_and_outcome_has_a_chinese_label():
    assert set(EVENTS) == set(EventType) and set(OUTCOMES) == set(Outcome)
    assert all(re.search(r"[\u4e00-\u9fff]", zh) for zh, _ in EVENTS.values())


def test_a_row_says_who_what_and_the_outcome_in_chinese_with_usernames_not_uuids(
    console_client, services, citizen
):
    client, officer = console_client(Role.AUDIT_ADMIN)
    with services.db.begin() as session:  # an event that names the account by id only
        record(session, EventType.TOKEN_ISSUE, actor=Actor("203.0.113.9", "ua"),
               account_id=citizen.id, client_id="etax", grant_type="authorization_code")
    page = client.get("/admin/audit").get_data(as_text=True)
    rows = _text(page.split("<tbody>", 1)[1].split("</tbody>", 1)[0])
    assert "签发令牌" in rows and "成功" in rows and citizen.username in rows
    assert citizen.id not in rows and "token.issue" not in rows and "success" not in rows
    # The filter's choices are in Chinese too, and the codes they send are unchanged.
    assert '<option value="token.issue" >签发令牌</option>' in page


def test_the_detail_page_shows_labelled_fields_and_before_after_side_by_side(
    console_client, services, citizen
):
    client, officer = console_client(Role.AUDIT_ADMIN)
    event_id = _client_change(services, officer, citizen)
    row = client.get("/admin/audit?type=admin.action").get_data(as_text=True)
    link = f"/admin/audit/{event_id}?type=admin.action"
    assert f'href="{link}"' in row  # the detail keeps the filter, to come back to it
    assert "管理操作 修改应用" in " ".join(_text(row).split())  # the action in words too
    page = client.get(link).get_data(as_text=True)
    assert "坏的回调地址" in page and "\\u574f" not in page  # Chinese as text, no escapes
    assert "原因" in page and "涉及账号" in page and citizen.username in page
    changes = page.split('class="changes"', 1)[1]
    assert re.search(r"电子税务局</td><td>电子税务局（新）", changes)
    assert 'href="/admin/audit?type=admin.action"' in page  # back to the same filter


def test_an_unknown_event_is_a_404_page_and_other_roles_may_not_read_it(
    console_client, services, citizen
):
    client, officer = console_client(Role.AUDIT_ADMIN)
    assert client.get("/admin/audit/987654321").status_code == 404
    assert client.get("/admin/audit/99999999999999999999999").status_code == 404
    system, _ = console_client(Role.SYSTEM_ADMIN)
    refused = system.get(f"/admin/audit/{_client_change(services, officer, citizen)}")
    assert refused.status_code == 403
    assert "返回管理控制台" in refused.get_data(as_text=True)  # the 403 leads back to the console
