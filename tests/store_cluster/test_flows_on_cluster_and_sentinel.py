"""The app with its Store on the Redis Cluster URL or the Sentinel URL: a person signs in on the
real form from a relying party's /authorize, the code is redeemed once, userinfo answers, the
session ends at /session/end; wrong passwords are counted and locked out, replays refused."""

from __future__ import annotations

from dataclasses import replace

import pytest
from browser_flows import PASSWORD, authorize, code_of, follow, redeem, seed, sign_in

from idp.authn.lockout import Lockout, Refusal, subject_for
from idp.authn.one_time_codes import CodeCheck, CodePurpose
from idp.authn.phone_codes import codes
from idp.sso.session import COOKIE_NAME


def test_login_code_flow_and_logout_work_with_the_store_on_cluster_or_sentinel(
    client, svc, topology
):
    assert svc.settings.redis_url == topology.url
    username, rp = seed(svc)
    answer, verifier = authorize(client, rp)  # no session: to the login page, request kept
    assert answer.status_code in (302, 303) and "/login" in answer.headers["Location"]
    signed = sign_in(client, username, PASSWORD, answer.headers["Location"])
    code = code_of(follow(client, signed))

    tokens = redeem(client, rp, code, verifier)
    assert tokens.status_code == 200, tokens.get_data(as_text=True)
    bearer = {"Authorization": f"Bearer {tokens.json['access_token']}"}
    userinfo = client.get("/userinfo", headers=bearer)
    assert userinfo.status_code == 200 and userinfo.json["sub"]
    assert redeem(client, rp, code, verifier).json["error"] == "invalid_grant"  # used once
    assert client.get("/userinfo", headers=bearer).status_code == 401  # its tokens revoked

    again, verifier = authorize(client, rp)  # single sign-on: straight back with a code
    assert redeem(client, rp, code_of(again), verifier).status_code == 200

    token = client.get_cookie(COOKIE_NAME).value
    ended = client.get("/session/end", query_string={"id_token_hint": tokens.json["id_token"]})
    assert ended.status_code in (200, 302, 303)
    assert svc.sessions.load(token) is None
    after, _ = authorize(client, rp)
    assert after.status_code in (302, 303) and "/login" in after.headers["Location"]


def test_wrong_passwords_are_counted_and_lock_the_account_on_cluster_or_sentinel(svc):
    settings = replace(svc.settings, lockout_free_failures=1, lockout_threshold=3)
    lockout, subject = Lockout(svc.store, settings), subject_for("acct-cluster", "alice")
    now = 1_000_000
    for _ in range(3):
        lockout.failure(subject, "10.0.0.9", now)
    block = lockout.check(subject, "10.0.0.9", now)
    assert block is not None and block.reason == Refusal.LOCKED


def test_an_sms_code_counts_wrong_tries_and_is_used_once_on_cluster_or_sentinel(svc):
    sms = codes(svc)
    code = sms.issue(CodePurpose.LOGIN, "13812345678")
    wrong = "000000" if code != "000000" else "111111"
    assert sms.verify(CodePurpose.LOGIN, "13812345678", wrong) == CodeCheck.WRONG
    assert sms.verify(CodePurpose.LOGIN, "13812345678", code) == CodeCheck.OK
    assert sms.verify(CodePurpose.LOGIN, "13812345678", code) == CodeCheck.VOID


def test_a_replayed_assertion_id_and_a_second_sync_are_refused_on_cluster_or_sentinel(svc):
    # The replay caches (client assertion jti, SAML request IDs) and the directory sync lock
    # are each one Store.add of one key: the second of two is refused.
    assert svc.store.add("oidc-jti:client:jti-1", "1", 60) is True
    assert svc.store.add("oidc-jti:client:jti-1", "1", 60) is False
    assert svc.store.add("ldap-sync:lock:hr", "token-a", 60) is True
    assert svc.store.add("ldap-sync:lock:hr", "token-b", 60) is False
    assert svc.store.swap("ldap-sync:lock:hr", "token-a", "token-a", 60) is True


@pytest.mark.parametrize("topology", ["cluster"], indirect=True)
def test_the_persistence_check_asks_every_cluster_master(svc, redis_cluster):
    warning = svc.store.persistence_warning()
    assert "appendonly no" in warning
    assert all(str(port) in warning for port in redis_cluster.masters())


@pytest.mark.parametrize("topology", ["cluster"], indirect=True)
def test_idp_serve_on_the_cluster_warns_naming_the_masters_without_append_only_file(
    redis_cluster, idp_env, serve_idp, tmp_path
):
    log = tmp_path / "serve.log"
    serve_idp(idp_env(IDP_REDIS_URL=redis_cluster.url), log=log)
    text = log.read_text()
    assert "WARNING" in text and "appendonly no" in text and "Cluster masters" in text
    assert all(f"127.0.0.1:{port}" in text for port in redis_cluster.masters())
