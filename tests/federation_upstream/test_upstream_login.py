"""A citizen logs in at relying parties through the national platform (node oidc-provider as
the upstream): landing in their own account by the resident ID number the upstream asserts,
roaming a second relying party on that one login, and never landing in someone else's account
by a name or phone."""

from __future__ import annotations

import requests
from upstream_helpers import (
    ID_NUMBER,
    RP_REDIRECT,
    SECOND_RP_REDIRECT,
    USERNAME,
    events,
    login_through_upstream,
    next_upstream_person,
    submit,
    walk,
)

from federation.linking import links_of
from idp.accounts.service import find_person_by_id_number, find_person_by_username


def test_a_citizen_lands_in_their_own_account_by_id_number_and_roams(live, upstream, rp,
                                                                   second_rp):
    services, base = live
    next_upstream_person(upstream, "nat-wangwu")
    browser = requests.Session()
    arrived = login_through_upstream(base, rp, browser)
    assert arrived.url.startswith(RP_REDIRECT)
    tokens = rp.redeem(base, arrived.url)
    wangwu = find_person_by_username(services, USERNAME)
    userinfo = requests.get(base + "/userinfo", timeout=10, headers={
        "Authorization": f"Bearer {tokens['access_token']}"}).json()
    assert userinfo["preferred_username"] == USERNAME
    assert "fed" in tokens["claims"]["amr"]
    assert tokens["claims"]["acr"] == "2"  # the upstream's L2 ceiling, his account's L2
    assert [link.source for link in links_of(services, wangwu.id)] == ["gov"]

    # The second relying party: no login page, no upstream round trip, the same person.
    roamed = walk(browser, second_rp.authorize_url(base), stop=(SECOND_RP_REDIRECT,))
    assert roamed.url.startswith(SECOND_RP_REDIRECT)
    second = second_rp.redeem(base, roamed.url)
    assert second["claims"]["sid"] == tokens["claims"]["sid"]
    assert second["claims"]["amr"] == tokens["claims"]["amr"]


def test_the_same_name_and_phone_never_reach_an_account_a_new_one_is_made(live, upstream, rp):
    services, base = live
    next_upstream_person(upstream, "nat-lookalike")
    browser = requests.Session()
    page = login_through_upstream(base, rp, browser)
    # No link and no trusted ID number of an account here: the person is asked, not linked.
    assert page.url == f"{base}/federation/choose"
    assert "关联已有账号" in page.text
    wangwu = find_person_by_username(services, USERNAME)
    assert links_of(services, wangwu.id) == []
    arrived = submit(browser, page, "/federation/choose", stop=(RP_REDIRECT,), choice="new")
    tokens = rp.redeem(base, arrived.url)
    userinfo = requests.get(base + "/userinfo", timeout=10, headers={
        "Authorization": f"Bearer {tokens['access_token']}"}).json()
    assert userinfo["preferred_username"] != USERNAME
    assert links_of(services, wangwu.id) == []
    # The lookalike's ID number was trusted (link-by id_number): the new account holds it.
    newcomer = find_person_by_id_number(services, "110105194912310038")
    assert newcomer is not None and newcomer.username == userinfo["preferred_username"]
    assert find_person_by_id_number(services, ID_NUMBER).id == wangwu.id
    assert [e.detail["how"] for e in events(services, "federation.link")] == ["created"]
