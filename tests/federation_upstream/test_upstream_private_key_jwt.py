"""An upstream that issues no client secret: ``add-oidc --token-auth private_key_jwt`` makes our
key (sealed) and prints its public JWK, registered at node oidc-provider; the code is redeemed
with a signed client assertion (OpenID Connect Core §9)."""

from __future__ import annotations

import json

import requests
from upstream_helpers import (
    RP_REDIRECT,
    UPSTREAM_CLIENT_ID,
    USERNAME,
    next_upstream_person,
    start_upstream,
    walk,
)

from federation.linking import links_of
from federation.oidc import discovery
from idp.accounts.service import find_person_by_username
from tests.conftest import free_port


def test_private_key_jwt_at_the_upstreams_token_endpoint(live, rp, cli, tmp_path):
    services, base = live
    port = free_port()
    discovery.forget()
    added = cli("federation", "add-oidc", "--name", "gov", "--display-name", "国家政务服务平台",
                "--issuer", f"http://127.0.0.1:{port}", "--client-id", UPSTREAM_CLIENT_ID,
                "--token-auth", "private_key_jwt", "--scope", "idcard",
                "--map", "id_number=resident_id", "--level", "2", "--link-by", "id_number",
                "--json", IDP_ISSUER=base)
    assert added.exit_code == 0, added.output
    public = json.loads(added.output)["public_jwk"]
    assert "d" not in public  # the private part stays sealed here
    process, issuer = start_upstream(
        tmp_path, base, port=port, client_secret=None,
        token_endpoint_auth_method="private_key_jwt",
        token_endpoint_auth_signing_alg="ES256", jwks={"keys": [public]})
    try:
        next_upstream_person(issuer, "nat-wangwu")
        browser = requests.Session()
        page = walk(browser, rp.authorize_url(base), stop=(RP_REDIRECT,))
        login_id = page.url.split("login=")[1].split("&")[0]
        arrived = walk(browser, f"{base}/federation/gov/start?login={login_id}",
                       stop=(RP_REDIRECT,))
        assert arrived.url.startswith(RP_REDIRECT)
        wangwu = find_person_by_username(services, USERNAME)
        assert [link.source for link in links_of(services, wangwu.id)] == ["gov"]
    finally:
        process.terminate()
        process.wait(timeout=10)
