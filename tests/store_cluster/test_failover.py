"""kill -9 of the Redis master holding a person's SSO session, on the Cluster and behind
Sentinel: while its replica takes over, the person's pages answer 503 with Retry-After, never a
500; once it has, the same session works again without a new login (the failover ends within
about 2 s here: cluster-node-timeout and down-after-milliseconds are 1 s)."""

from __future__ import annotations

import time

from browser_flows import PASSWORD, authorize, code_of, redeem, seed, sign_in

from idp.sso.session import COOKIE_NAME


def test_a_session_outlives_a_failover_of_the_master_holding_it(client, svc, topology):
    username, rp = seed(svc)
    assert sign_in(client, username, PASSWORD, "/login").status_code == 303
    session = svc.sessions.load(client.get_cookie(COOKIE_NAME).value)
    assert client.get("/account").status_code == 200

    killed = topology.kill_master_of(f"{svc.settings.store_prefix}sso:{session.sid}")
    try:
        answers = []
        deadline = time.monotonic() + 30  # a bound on the loop, not a measured wait
        while time.monotonic() < deadline:
            page = client.get("/account")
            answers.append(page)
            if page.status_code != 503:
                break
            time.sleep(0.2)
        during, after = answers[:-1], answers[-1]
        assert during, "the first request after the kill found the session's master down"
        for page in during:
            assert page.status_code == 503 and page.headers["Retry-After"] == "5"
            assert "服务暂时不可用" in page.get_data(as_text=True)
        assert after.status_code == 200 and username in after.get_data(as_text=True)

        answer, verifier = authorize(client, rp)  # the same session: no login asked
        assert redeem(client, rp, code_of(answer), verifier).status_code == 200
        # The promoted replica never loaded the Store's Lua scripts: they load again on use.
        raw = svc.store.get(f"sso:{session.sid}")
        assert svc.store.swap(f"sso:{session.sid}", raw, raw, 600) is True
    finally:
        topology.recover(killed)
