"""After a logout that loads front-channel iframes, the browser goes on by itself: to the
relying party's post_logout_redirect_uri with its state (RP-Initiated Logout 1.0 §3), once the
iframes have loaded or after a short bound if one hangs; without JavaScript by meta refresh."""

from __future__ import annotations

import pytest
from logout_helpers import HANG_SECONDS, end_session_url

pytestmark = pytest.mark.browser


def test_rp_logout_ends_at_the_post_logout_redirect_uri_with_state_after_the_iframes(
    chromium, idp, rp_site, oidc_rp, sign_in
):
    svc, base = idp
    first, second = oidc_rp("/fc", "社保查询"), oidc_rp("/fc2", "公积金")
    context = chromium.new_context(locale="zh-CN")
    page = context.new_page()
    signed = sign_in(context, [first, second])
    page.goto(end_session_url(base, first, signed.id_tokens[first.client_id], rp_site, "st-1"))
    page.wait_for_url(rp_site.base + "/bye?state=st-1", timeout=10_000)
    assert {"/fc", "/fc2"} <= set(rp_site.hits[:rp_site.hits.index("/bye")])
    assert svc.sessions.load(signed.token) is None
    context.close()


def test_a_hanging_front_channel_iframe_delays_the_return_only_a_few_seconds(
    chromium, idp, rp_site, oidc_rp, sign_in, stopwatch
):
    _, base = idp
    working, hanging = oidc_rp("/fc", "社保查询"), oidc_rp("/fc-hang", "公积金")
    context = chromium.new_context(locale="zh-CN")
    page = context.new_page()
    signed = sign_in(context, [working, hanging])
    elapsed = stopwatch()
    page.goto(end_session_url(base, working, signed.id_tokens[working.client_id], rp_site,
                              "st-2"), wait_until="commit")
    page.wait_for_url(rp_site.base + "/bye?state=st-2", timeout=15_000)
    assert elapsed() < min(10, HANG_SECONDS)
    assert {"/fc", "/fc-hang"} <= set(rp_site.hits)
    context.close()


def test_without_javascript_a_meta_refresh_returns_to_the_relying_party(
    chromium, idp, rp_site, oidc_rp, sign_in
):
    svc, base = idp
    rp = oidc_rp("/fc")
    context = chromium.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    signed = sign_in(context, [rp])
    page.goto(end_session_url(base, rp, signed.id_tokens[rp.client_id], rp_site, "st-3"))
    page.wait_for_url(rp_site.base + "/bye?state=st-3", timeout=10_000)
    assert rp_site.hits.index("/fc") < rp_site.hits.index("/bye")
    assert svc.sessions.load(signed.token) is None
    context.close()
