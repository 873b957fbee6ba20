"""Relying parties name the upstream identity providers they accept (issue 15): the helper the
login page's buttons and /start ask, the policy check that keeps a session made through
another upstream from answering, and the CLI that sets the list (registered names only)."""

from __future__ import annotations

import json

import pytest

from federation.contract import SourceKind
from federation.upstreams import add_upstream
from idp.audit import SYSTEM_ACTOR
from idp.sso.login_request import LoginRequest, Protocol
from idp.sso.policy import LoginRequirements, Reason, interaction_needed, upstream_allowed
from idp.sso.session import SsoSession
from tests.admin.admin_helpers import SP_ENTITY, SP_METADATA

NOW = 1_900_000_000


def _session(amr: list[str], upstream: str | None) -> SsoSession:
    return SsoSession(sid="s1", account_id="a1", username="alice", auth_time=NOW - 10,
                      amr=amr, level=1, created_at=NOW - 10, last_seen=NOW - 10,
                      upstream=upstream)


@pytest.mark.parametrize(("first_factors", "upstreams", "name", "allowed"), [
    (None, None, "gov", True),  # nothing named: every upstream
    (None, ["gov"], "gov", True),
    (None, ["gov"], "pay", False),
    (None, ["gov", "pay"], "pay", True),
    (["password", "upstream"], ["gov"], "gov", True),
    (["password"], ["gov"], "gov", False),  # upstreams refused as a whole
    (["password"], None, "gov", False),
])
def test_a_request_allows_only_the_upstreams_its_relying_party_names(
        first_factors, upstreams, name, allowed):
    request = LoginRequest("/x", Protocol.OIDC, first_factors=first_factors,
                           upstreams=upstreams)
    assert upstream_allowed(request, name) is allowed


def test_every_upstream_is_allowed_without_a_request():
    assert upstream_allowed(None, "gov")


@pytest.mark.parametrize(("amr", "upstream", "accepted", "reason"), [
    (["fed"], "pay", ("gov",), Reason.FIRST_FACTOR),
    (["fed"], "gov", ("gov",), None),
    (["fed", "otp"], "gov", ("gov", "pay"), None),
    (["fed"], "pay", None, None),  # names none: every upstream
    (["fed"], None, ("gov",), Reason.FIRST_FACTOR),  # cannot say which: not one it names
    (["pwd"], None, ("gov",), None),  # a local login is not an upstream's
])
def test_a_session_made_through_an_upstream_not_named_needs_a_new_login(
        amr, upstream, accepted, reason):
    needs = LoginRequirements(requested_at=NOW - 5, upstreams=accepted)
    assert interaction_needed(_session(amr, upstream), needs, now=NOW) == reason


def test_a_session_stored_before_the_field_existed_still_loads(svc):
    """Sessions in the Store during an upgrade have no upstream: they load, naming none."""
    token, session = svc.sessions.create(account_id="a1", username="alice", level=1,
                                         amr=["fed"], upstream="gov")
    assert svc.sessions.load(token).upstream == "gov"
    raw = json.loads(svc.store.get(f"sso:{session.sid}"))
    del raw["session"]["upstream"]
    svc.store.put(f"sso:{session.sid}", json.dumps(raw), 60)
    assert svc.sessions.load(token).upstream is None


@pytest.fixture
def upstreams(svc):
    """Two registered upstreams, gov and pay (never contacted here)."""
    for name in ("gov", "pay"):
        add_upstream(svc, name=name, kind=SourceKind.OAUTH2, display_name=name, config={
            "authorize_url": "https://x.example/a", "token_url": "https://x.example/t",
            "userinfo_url": "https://x.example/u", "subject": "sub", "client_id": "c",
            "scopes": [], "level": 1, "link_by": "none", "mapping": {}, "timeout": 1},
            client_secret="s", actor=SYSTEM_ACTOR)
    return ("gov", "pay")


def test_the_cli_sets_a_clients_upstreams_and_refuses_unknown_names(cli, upstreams):
    added = cli("clients", "add", "--name", "不动产登记", "--redirect-uri",
                "https://bdc.example.gov.cn/cb", "--upstream", "pay", "--upstream", "gov",
                "--json")
    assert added.exit_code == 0, added.output
    client = json.loads(added.stdout)
    assert client["upstreams"] == ["gov", "pay"]
    changed = cli("clients", "update", client["client_id"], "--upstream", "gov", "--json")
    assert changed.exit_code == 0, changed.output
    assert json.loads(changed.stdout)["upstreams"] == ["gov"]
    bad = cli("clients", "update", client["client_id"], "--upstream", "alipay", "--json")
    assert bad.exit_code == 1
    assert json.loads(bad.stdout)["error"] == "invalid_client_metadata"
    assert "alipay" in json.loads(bad.stdout)["message"]
    every = cli("clients", "update", client["client_id"], "--all-upstreams", "--json")
    assert json.loads(every.stdout)["upstreams"] == []
    shown = json.loads(cli("clients", "show", client["client_id"], "--json").stdout)
    assert shown["upstreams"] == []


def test_a_new_client_names_no_upstream_so_accepts_every_one(cli):
    added = cli("clients", "add", "--name", "社保", "--redirect-uri",
                "https://sb.example.gov.cn/cb", "--json")
    assert json.loads(added.stdout)["upstreams"] == []


def test_a_client_naming_an_unregistered_upstream_is_not_registered(cli):
    refused = cli("clients", "add", "--name", "社保", "--redirect-uri",
                  "https://sb.example.gov.cn/cb", "--upstream", "gov", "--json")
    assert refused.exit_code == 1
    assert "names no registered upstream identity provider: gov" in refused.stdout
    listed = json.loads(cli("clients", "list", "--json").stdout)
    assert all(client["client_name"] != "社保" for client in listed)


def test_the_saml_cli_sets_an_sps_upstreams_and_refuses_unknown_names(cli, upstreams,
                                                                      tmp_path):
    metadata = tmp_path / "sp.xml"
    metadata.write_bytes(SP_METADATA)
    refused = cli("clients", "add-saml", "--metadata-file", str(metadata), "--upstream",
                  "alipay", "--json")
    assert refused.exit_code == 1 and "alipay" in refused.stdout
    assert json.loads(refused.stdout)["error"] == "invalid_client_metadata"
    added = cli("clients", "add-saml", "--metadata-file", str(metadata), "--upstream", "gov",
                "--json")
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["upstreams"] == ["gov"]
    changed = cli("clients", "update", SP_ENTITY, "--upstream", "pay", "--json")
    assert changed.exit_code == 0, changed.output
    assert json.loads(changed.stdout)["upstreams"] == ["pay"]
    bad = cli("clients", "update", SP_ENTITY, "--upstream", "alipay", "--json")
    assert bad.exit_code == 1 and "alipay" in bad.stdout
