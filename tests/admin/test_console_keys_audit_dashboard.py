"""Keys, the audit page and the dashboard in the console."""

from __future__ import annotations

import csv
import io
import json

from admin.roles import Role
from idp.audit import Actor, EventType, Outcome, record

CSRF = {"csrf_token": "test-csrf-token"}


def _login_events(services, rows):
    with services.db.begin() as session:
        for username, ip, outcome, client_id in rows:
            record(session, EventType.LOGIN, outcome, actor=Actor(ip, "ua"), username=username,
                   account_id=None, client_id=client_id)


def test_keys_are_listed_with_state_and_age_and_rotation_promotes_the_next_key(
    console_client, services
):
    services.signing_keys.rotate("ES256")  # makes the ES256 keys
    client, _ = console_client(Role.SYSTEM_ADMIN)
    before = {k["state"]: k["kid"] for k in client.get("/admin/api/keys").get_json()["keys"]
              if k["alg"] == "ES256" and k["state"] != "retired"}
    page = client.get("/admin/keys").get_data(as_text=True)
    assert before["current"] in page and "分钟" in page and " min" not in page
    response = client.post("/admin/keys/rotate", data={"alg": "ES256", "reason": "年度轮换",
                                                       **CSRF})
    assert response.status_code == 303
    after = {k["kid"]: k["state"] for k in client.get("/admin/api/keys").get_json()["keys"]}
    assert after[before["next"]] == "current" and after[before["current"]] == "retired"


def test_the_audit_page_filters_by_ip_and_outcome_and_pages_by_keyset(console_client,
                                                                      services, backend):
    _login_events(services, [(f"u{i}", "198.51.100.7", Outcome.FAILURE, None) for i in range(7)]
                  + [("ok", "198.51.100.7", Outcome.SUCCESS, None),
                     ("other", "192.0.2.1", Outcome.FAILURE, None)])
    client, _ = console_client(Role.AUDIT_ADMIN)
    first = client.get("/admin/api/audit?ip=198.51.100.7&outcome=failure&limit=5").get_json()
    assert len(first["events"]) == 5 and first["next"]
    rest = client.get(f"/admin/api/audit?ip=198.51.100.7&outcome=failure&limit=5"
                      f"&after={first['next']}").get_json()
    names = [e["username"] for e in first["events"] + rest["events"]]
    assert sorted(names) == sorted(f"u{i}" for i in range(7)) and rest["next"] is None
    page = client.get("/admin/audit?ip=198.51.100.7&outcome=failure").get_data(as_text=True)
    assert "u6" in page and "192.0.2.1" not in page.split("<tbody>", 1)[1]


def test_the_audit_export_gives_the_filtered_events_as_csv_and_json_lines(console_client,
                                                                         services):
    _login_events(services, [("alice", "198.51.100.8", Outcome.SUCCESS, "c1"),
                             ("bob", "198.51.100.9", Outcome.SUCCESS, "c2")])
    client, _ = console_client(Role.AUDIT_ADMIN)
    csv_response = client.get("/admin/audit/export.csv?client_id=c1")
    assert csv_response.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(csv_response.get_data(as_text=True))))
    assert [(r["username"], r["client_id"]) for r in rows] == [("alice", "c1")]
    lines = client.get("/admin/audit/export.jsonl?ip=198.51.100.9").get_data(as_text=True)
    assert [json.loads(line)["username"] for line in lines.splitlines()] == ["bob"]


def test_a_malformed_audit_filter_is_a_clear_400_not_a_500(console_client):
    client, _ = console_client(Role.AUDIT_ADMIN)
    assert client.get("/admin/audit?since=yesterday").status_code == 400
    assert client.get("/admin/api/audit?type=nope").status_code == 400
    assert client.get("/admin/api/audit?after=garbage").status_code == 400


def test_the_dashboard_draws_logins_failures_and_top_failing_ips_as_svg(console_client,
                                                                       services, backend):
    _login_events(services, [("mallory", "203.0.113.66", Outcome.FAILURE, None)] * 3
                  + [("alice", "198.51.100.8", Outcome.SUCCESS, None)])
    client, _ = console_client(Role.SECURITY_ADMIN)
    page = client.get("/admin/dashboard").get_data(as_text=True)
    assert page.count("<svg") >= 2 and 'class="bad"' in page and "203.0.113.66" in page
    assert "<script" not in page
    data = client.get("/admin/api/dashboard").get_json()
    assert sum(data["logins_failure"]) == 3 and sum(data["logins_success"]) == 1
    assert data["top_failing_ips"][0] == ["203.0.113.66", 3]
    assert data["top_failing_accounts"][0] == ["mallory", 3]


def test_the_dashboard_lists_recent_alerts(console_client, services):
    with services.db.begin() as session:
        record(session, EventType.ALERT, Outcome.FAILURE, actor=Actor("203.0.113.5", "x"),
               kind="credential_stuffing", count=25, window_seconds=600)
    client, _ = console_client(Role.AUDIT_ADMIN)
    data = client.get("/admin/api/dashboard").get_json()
    assert [(a["kind"], a["ip"], a["count"]) for a in data["alerts"]] == [
        ("credential_stuffing", "203.0.113.5", 25)]
    assert "撞库" in client.get("/admin/dashboard").get_data(as_text=True)


def test_pages_are_chinese_by_default_and_english_by_accept_language(console_client):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    assert "应用接入" in client.get("/admin/relying-parties").get_data(as_text=True)
    english = client.get("/admin/relying-parties", headers={"Accept-Language": "en-GB,en"})
    assert "Relying parties" in english.get_data(as_text=True)


def test_a_form_post_without_the_csrf_token_is_refused(console_client, dept_client, services):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    response = client.post(f"/admin/clients/{dept_client[0].client_id}/disable",
                           data={"reason": "x"})
    assert response.status_code == 400
    api = client.post(f"/admin/api/clients/{dept_client[0].client_id}/disable",
                      json={"reason": "x"})
    assert api.status_code == 403 and api.get_json()["error"] == "csrf"


def test_every_console_form_carries_a_csrf_token(console_client, dept_client, citizen):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    for path in ("/admin/relying-parties", "/admin/clients/new", "/admin/saml/new",
                 f"/admin/clients/{dept_client[0].client_id}", "/admin/keys"):
        html = client.get(path).get_data(as_text=True)
        posts = html.count('method="post"')
        assert posts and html.count('name="csrf_token"') >= posts, path


def test_the_audit_filter_takes_a_username_and_a_time_range_in_china_time(
    console_client, services, citizen
):
    from datetime import UTC, datetime, timedelta, timezone

    with services.db.begin() as session:
        record(session, EventType.LOGIN, Outcome.SUCCESS, actor=Actor("198.51.100.1", "ua"),
               account_id=citizen.id, username=citizen.username)
    client, _ = console_client(Role.AUDIT_ADMIN)
    found = client.get(f"/admin/api/audit?account={citizen.username}&type=login").get_json()
    assert [e["username"] for e in found["events"]] == [citizen.username]
    cst_now = datetime.now(UTC).astimezone(timezone(timedelta(hours=8)))
    window = (f"since={(cst_now - timedelta(minutes=5)):%Y-%m-%dT%H:%M}"
              f"&until={(cst_now + timedelta(minutes=5)):%Y-%m-%dT%H:%M}")
    inside = client.get(f"/admin/api/audit?account={citizen.id}&{window}").get_json()
    assert len(inside["events"]) >= 1
    earlier = f"until={(cst_now - timedelta(hours=1)):%Y-%m-%dT%H:%M}"
    assert client.get(f"/admin/api/audit?account={citizen.id}&{earlier}").get_json()[
        "events"] == []


def test_exporting_the_audit_is_itself_audited(console_client, services):
    client, officer = console_client(Role.AUDIT_ADMIN)
    client.get("/admin/audit/export.jsonl?ip=203.0.113.1").get_data()
    found = client.get(f"/admin/api/audit?account={officer.account_id}&type=admin.action")
    [event] = found.get_json()["events"]
    assert event["detail"]["action"] == "audit.export"
    assert event["detail"]["after"] == {"ip": "203.0.113.1"}
