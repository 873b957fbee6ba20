"""Failed logins that look like an attack raise one ALERT event per window."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from idp.audit import EventType, Outcome, record
from idp.audit.alerts import (
    AlertKind,
    count_login_failure,
    observe_login_failure,
    recent_alerts,
)
from idp.audit.query import AuditFilter, export
from idp.services import Services


@pytest.fixture(params=["sql", "redis"])
def services(request, settings, redis_settings):
    chosen = redis_settings if request.param == "redis" else settings
    built = Services.build(replace(chosen, alert_ip_accounts=5, alert_account_ips=3))
    yield built
    built.db.dispose()


def _fail(services, *, ip: str, username: str, account_id: str | None = None):
    return count_login_failure(services, ip=ip, username=username, account_id=account_id)


def _alerts(services) -> list[dict]:
    return list(export(services.db, AuditFilter(type=EventType.ALERT)))


def test_one_ip_failing_across_many_accounts_raises_one_stuffing_alert(services):
    fired = [_fail(services, ip="203.0.113.7", username=f"citizen{i}") for i in range(8)]
    assert fired[3] == [] and fired[4] == [AlertKind.CREDENTIAL_STUFFING]
    assert all(f == [] for f in fired[5:])  # once per window
    [alert] = _alerts(services)
    assert alert["ip"] == "203.0.113.7" and alert["outcome"] == "failure"
    assert alert["detail"] == {"kind": "credential_stuffing", "count": 5, "window_seconds": 600}
    assert alert["username"] is None  # about the IP, not the last account it tried


def test_retrying_one_account_from_one_ip_is_not_stuffing(services):
    for _ in range(10):
        _fail(services, ip="203.0.113.8", username="forgetful", account_id="acct-1")
    assert _alerts(services) == []


def test_many_ips_against_one_account_raise_an_alert_naming_it(services):
    for i in range(3):
        fired = _fail(services, ip=f"192.0.2.{i}", username="mayor", account_id="acct-9")
    assert fired == [AlertKind.MANY_IPS_ONE_ACCOUNT]
    [alert] = _alerts(services)
    assert (alert["account_id"], alert["username"]) == ("acct-9", "mayor")


def test_failures_audited_in_the_login_transaction_count_once_it_commits(services):
    for i in range(3):
        with services.db.begin() as session:  # as the login code audits a failure
            record(session, EventType.LOGIN, Outcome.FAILURE, username="x", account_id="a2")
            observe_login_failure(services, session, ip=f"192.0.2.{i}", username="x",
                                  account_id="a2")
            assert _alerts(services) == []
    assert [a["detail"]["kind"] for a in _alerts(services)] == ["many_ips_one_account"]


def test_a_failure_rolled_back_with_the_login_transaction_is_not_counted(services):
    for i in range(3):
        with pytest.raises(RuntimeError), services.db.begin() as session:
            observe_login_failure(services, session, ip=f"192.0.2.{i}", username="x",
                                  account_id="acct-2")
            raise RuntimeError("rolled back")
    assert _alerts(services) == []


def test_the_dashboard_lists_alerts_and_lockouts_newest_first(services):
    for i in range(5):
        _fail(services, ip="203.0.113.9", username=f"u{i}")
    with services.db.begin() as session:
        record(session, EventType.LOCKOUT, Outcome.FAILURE, account_id="acct-3",
               username="locked", scope="account")
    with services.db.session() as session:
        alerts = recent_alerts(session, datetime.now(UTC) - timedelta(hours=1))
    assert [a.kind for a in alerts] == [AlertKind.LOCKOUT, AlertKind.CREDENTIAL_STUFFING]
    assert alerts[1].ip == "203.0.113.9" and alerts[1].count == 5
