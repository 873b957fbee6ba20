"""A key rotation made on one node is signed with by the other."""

from __future__ import annotations

import json

import requests
from multinode_helpers import (
    Authorization,
    authorize,
    id_token_header,
    log_in,
    redeem,
    verified_id_token,
    wait_until,
)


def _id_token_through(cluster, browser, node: str) -> str:
    grant = authorize(cluster, browser, node=node)
    assert isinstance(grant, Authorization) and grant.served_by == node
    return redeem(cluster, grant)["id_token"]


def test_after_idp_keys_rotate_on_node_a_node_b_signs_id_tokens_with_the_new_key(
    cluster, run_idp
):
    browser = requests.Session()
    assert log_in(cluster, browser, node="b").status_code == 303
    before = id_token_header(_id_token_through(cluster, browser, "b"))["kid"]

    # The command runs with node A's configuration (its data folder), as an operator on A would.
    rotated = run_idp(["keys", "rotate", "--alg", "RS256", "--json"], cluster.nodes["a"].env)
    assert rotated.returncode == 0, rotated.stderr
    rotation = json.loads(rotated.stdout)
    assert rotation["retired"] == before and rotation["current"] != before

    # Node B follows within its key-generation check (docs/operating.md, Keys: within ~2 s),
    # no restart.
    tokens: list[str] = []

    def signs_with_the_new_key() -> bool:
        tokens.append(_id_token_through(cluster, browser, "b"))
        return id_token_header(tokens[-1])["kid"] == rotation["current"]

    wait_until(signs_with_the_new_key, "node B did not sign with the rotated key")
    published = requests.get(cluster.endpoint("jwks"), headers={"X-Pin-Node": "b"},
                             timeout=20).json()["keys"]
    assert rotation["current"] in {key["kid"] for key in published}
    claims = verified_id_token(cluster, tokens[-1], node="b")
    assert claims["aud"] == cluster.client_id
    # A token signed before the rotation still verifies: the retired key stays published.
    assert before in {key["kid"] for key in published}
