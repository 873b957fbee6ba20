"""kill -9 of a node under load: only what it had in flight fails, nothing it issued is lost,
and the balancer's health check on /readyz sends everything to the other node."""

from __future__ import annotations

import time

import requests
from load import Load
from multinode_helpers import (
    Authorization,
    authorize,
    log_in,
    redeem,
    relying_party,
    verified_id_token,
    wait_until,
)


def test_killing_node_a_under_load_fails_only_its_requests_in_flight_and_loses_no_state(
    fresh_cluster
):
    cluster = fresh_cluster
    # Made on node A before it dies: an SSO session, a code not redeemed yet, a refresh token.
    browser = requests.Session()
    assert log_in(cluster, browser, node="a").status_code == 303
    pending = authorize(cluster, browser, node="a", rp=relying_party(cluster))
    earlier = authorize(cluster, browser, node="a", rp=relying_party(cluster))
    assert isinstance(pending, Authorization) and isinstance(earlier, Authorization)
    assert pending.served_by == earlier.served_by == "a"
    refresh_token = redeem(cluster, earlier)["refresh_token"]

    load = Load(cluster, threads=4)
    load.start()
    try:
        wait_until(lambda: {s.served_by for s in load.answered()} == {"a", "b"}
                   and len(load.answered()) >= 20,
                   lambda: f"the load did not reach both nodes: {load.sent[-5:]}")
        kill_sent = time.monotonic()
        cluster.nodes["a"].kill()
        dead_at = time.monotonic()  # no process of node A is left to answer
        wait_until(lambda: cluster.balancer.status("a").startswith("DOWN"),
                   "HAProxy's /readyz check did not take node A out")
        down_at = time.monotonic()
        wait_until(lambda: len(load.answered(since=down_at)) >= 20,
                   "the load did not go on through node B")
    finally:
        load.stop()

    failed = load.failed()
    # Only requests on A while it was dying fail: each was sent before its last process was
    # gone and answered after the kill; none failed before, none sent after.
    assert all(s.started < dead_at and s.ended > kill_sent for s in failed), failed
    assert {s.served_by for s in load.answered(since=down_at)} == {"b"}

    # Nothing node A issued is lost: the code redeems, the refresh token refreshes, and the
    # session cookie still signs the person in to the relying party, all through node B.
    tokens = redeem(cluster, pending)
    assert verified_id_token(cluster, tokens["id_token"])["aud"] == cluster.client_id
    refreshed = earlier.rp.refresh_token(cluster.endpoint("token"), refresh_token=refresh_token,
                                         timeout=20)
    assert refreshed["access_token"] and refreshed["refresh_token"] != refresh_token
    again = authorize(cluster, browser)
    assert isinstance(again, Authorization) and again.served_by == "b"
