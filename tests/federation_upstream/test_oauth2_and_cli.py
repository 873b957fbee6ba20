"""A plain OAuth 2.0 upstream (node oidc-provider used without its ID token: its authorization,
token and userinfo URLs and a JSON mapping), and the federation CLI's view of upstreams."""

from __future__ import annotations

import json

import requests
from upstream_helpers import (
    RP_REDIRECT,
    UPSTREAM_SECRET,
    USERNAME,
    add_pay_upstream,
    next_upstream_person,
    walk,
)

from federation.linking import links_of
from idp.accounts.service import find_person_by_username


def test_a_plain_oauth2_upstream_links_by_its_mapped_id_number(live, upstream, rp, cli):
    services, base = live
    added = add_pay_upstream(cli, upstream, base)
    assert added.exit_code == 0, added.output
    assert json.loads(added.output)["redirect_uri"] == f"{base}/federation/pay/callback"
    next_upstream_person(upstream, "nat-wangwu")
    browser = requests.Session()
    page = walk(browser, rp.authorize_url(base), stop=(RP_REDIRECT,))
    login_id = page.url.split("login=")[1].split("&")[0]
    arrived = walk(browser, f"{base}/federation/pay/start?login={login_id}",
                   stop=(RP_REDIRECT,))
    tokens = rp.redeem(base, arrived.url)
    assert tokens["claims"]["acr"] == "1"  # capped at the upstream's --level 1
    assert tokens["claims"]["amr"] == ["fed"]
    wangwu = find_person_by_username(services, USERNAME)
    assert [link.source for link in links_of(services, wangwu.id)] == ["pay"]


def test_the_cli_lists_shows_and_disables_an_upstream_never_its_secret(live, upstream, rp,
                                                                       cli):
    _, base = live
    listed = json.loads(cli("federation", "list", "--json").output)
    assert [(r["name"], r["kind"]) for r in listed] == [("gov", "oidc")]
    shown = cli("federation", "show", "gov", "--json").output
    assert UPSTREAM_SECRET not in shown and "client_secret_sealed" not in shown
    assert json.loads(shown)["has_client_secret"] is True
    assert json.loads(shown)["link_by"] == "id_number"
    assert cli("federation", "disable", "gov", "--json").exit_code == 0
    page = walk(requests.Session(), rp.authorize_url(base), stop=(RP_REDIRECT,))
    assert "国家政务服务平台" not in page.text
    login_id = page.url.split("login=")[1].split("&")[0]
    assert requests.get(f"{base}/federation/gov/start?login={login_id}",
                        timeout=10).status_code == 404


def test_a_secret_on_the_command_line_is_refused(live, cli):
    refused = cli("federation", "add-oidc", "--name", "x1", "--issuer", "https://x.example",
                  "--client-id", "c", "--level", "1", "--json")
    assert refused.exit_code == 1
    assert json.loads(refused.output)["error"] == "invalid_request"

