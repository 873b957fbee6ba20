"""Relying parties list the first factors they accept (issue 13): the helper the login page and
the login steps ask, and the policy check that keeps a session begun with another factor from
answering such a relying party without a new login."""

from __future__ import annotations

import json

import pytest

from idp.sso.first_factors import ALL_FIRST_FACTORS, first_factor_of
from idp.sso.login_request import LoginRequest, Protocol
from idp.sso.policy import LoginRequirements, Reason, allowed_first_factors, interaction_needed
from idp.sso.session import SsoSession

NOW = 1_900_000_000


def _session(amr: list[str]) -> SsoSession:
    return SsoSession(sid="s1", account_id="a1", username="alice", auth_time=NOW - 10,
                      amr=amr, level=1, created_at=NOW - 10, last_seen=NOW - 10)


def test_every_factor_is_allowed_without_a_request_or_a_list():
    assert allowed_first_factors(None) == set(ALL_FIRST_FACTORS)
    assert allowed_first_factors(LoginRequest("/x", Protocol.OIDC)) == set(ALL_FIRST_FACTORS)
    assert set(ALL_FIRST_FACTORS) == {"password", "sms", "passkey", "scan", "upstream"}


def test_a_request_allows_only_its_relying_partys_factors():
    request = LoginRequest("/x", Protocol.SAML, first_factors=["password", "passkey"])
    assert allowed_first_factors(request) == {"password", "passkey"}


def test_a_login_request_saved_before_the_field_existed_still_loads(svc):
    """Requests in the Store during an upgrade have no first_factors: every one is allowed."""
    from idp.sso.login_request import load_login_request

    svc.store.put("login:old", json.dumps({"return_to": "/x", "protocol": "oidc", "id": "old"}),
                  60)
    assert allowed_first_factors(load_login_request(svc.store, "old")) == set(ALL_FIRST_FACTORS)


@pytest.mark.parametrize(("amr", "factor"), [
    (["pwd"], "password"), (["pwd", "otp"], "password"), (["sms", "pwd"], "password"),
    (["sms"], "sms"), (["sms", "otp"], "sms"), (["mca"], "scan"), (["hwk", "user"], "passkey"),
    (["swk", "user"], "passkey"), (["pwd", "hwk"], "password"), (["fed"], "upstream"),
    (["kba"], None),
])
def test_the_first_factor_a_session_began_with(amr, factor):
    assert first_factor_of(amr) == factor


@pytest.mark.parametrize(("amr", "accepted", "reason"), [
    (["sms"], ("password", "passkey"), Reason.FIRST_FACTOR),
    (["sms"], ("password", "sms"), None),
    (["pwd"], ("password",), None),
    (["mca"], ("password", "sms"), Reason.FIRST_FACTOR),
    (["sms"], None, None),
    (["fed"], ("password",), Reason.FIRST_FACTOR),
    (["kba"], ("password",), None),
])
def test_a_session_begun_with_a_refused_factor_needs_a_new_login(amr, accepted, reason):
    needs = LoginRequirements(requested_at=NOW - 5, first_factors=accepted)
    assert interaction_needed(_session(amr), needs, now=NOW) == reason
    assert Reason.FIRST_FACTOR.fresh_login


def test_the_cli_sets_a_clients_first_factors_and_refuses_unknown_ones(cli):
    added = cli("clients", "add", "--name", "不动产登记", "--redirect-uri",
                "https://bdc.example.gov.cn/cb", "--first-factor", "password",
                "--first-factor", "passkey", "--json")
    assert added.exit_code == 0, added.output
    client = json.loads(added.stdout)
    assert client["first_factors"] == ["password", "passkey"]
    changed = cli("clients", "update", client["client_id"], "--first-factor", "scan",
                  "--first-factor", "sms", "--json")
    assert changed.exit_code == 0, changed.output
    assert json.loads(changed.stdout)["first_factors"] == ["sms", "scan"]
    shown = json.loads(cli("clients", "show", client["client_id"], "--json").stdout)
    assert shown["first_factors"] == ["sms", "scan"]
    bad = cli("clients", "update", client["client_id"], "--first-factor", "fingerprint")
    assert bad.exit_code == 2 and "fingerprint" in bad.output


def test_a_new_client_accepts_every_first_factor(cli):
    added = cli("clients", "add", "--name", "社保", "--redirect-uri",
                "https://sb.example.gov.cn/cb", "--json")
    assert json.loads(added.stdout)["first_factors"] == list(ALL_FIRST_FACTORS)
