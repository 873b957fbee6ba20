"""A logout started at a SAML SP also loads the OIDC clients' front-channel logout pages, then
delivers the SP's LogoutResponse by itself (OIDC Front-Channel Logout 1.0 §3, SAML Profiles
§4.4.3.3): the person is never left on the IdP's page."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "saml"))  # the real SP libraries' wrappers

from saml_sps import OneLoginSp  # noqa: E402

from idp.audit import SYSTEM_ACTOR  # noqa: E402
from idp.saml.sp_metadata import import_sp  # noqa: E402

pytestmark = pytest.mark.browser


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _onelogin_sp(svc, base: str, folder: Path, site: str) -> OneLoginSp:
    """python3-saml as the SP, its /acs and /slo served by ``site`` (the test's web server)."""
    cert = "".join(svc.signing_keys.saml_certificates()[0].strip().splitlines()[1:-1])
    sp = OneLoginSp(folder, base + "/saml/metadata", base + "/saml/sso", base + "/saml/slo",
                    cert, site)
    import_sp(svc, sp.metadata(), SYSTEM_ACTOR,
                              allowed_attributes=["name", "preferred_username"])
    return sp


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "meta-refresh"])
def test_a_saml_sp_logout_runs_the_oidc_front_channel_and_still_gets_its_answer(
    chromium, idp, rp_site, oidc_rp, sign_in, tmp_path, javascript
):
    svc, base = idp
    sp = _onelogin_sp(svc, base, tmp_path, rp_site.base)
    rp = oidc_rp("/fc")
    context = chromium.new_context(locale="zh-CN", java_script_enabled=javascript)
    page = context.new_page()
    signed = sign_in(context, [rp])
    # SSO at the SP (the session already exists: the IdP answers at once).
    start = sp.auth("/login")
    page.goto(start.login())
    if not javascript:
        page.click("button[type=submit]")  # the HTTP-POST binding's button
    page.wait_for_url(f"{rp_site.base}/acs")
    auth = sp.auth("/acs", post={k: v[0] for k, v in parse_qs(rp_site.posts[-1]).items()})
    auth.process_response(request_id=start.get_last_request_id())
    assert auth.is_authenticated(), auth.get_errors()
    # The SP starts the logout; the browser must end at the SP's logout endpoint by itself.
    page.goto(sp.auth("/logout").logout(
        name_id=auth.get_nameid(), session_index=auth.get_session_index(),
        name_id_format=auth.get_nameid_format()))
    page.wait_for_url(re.compile(rf"^{re.escape(rp_site.base)}/slo\?"), timeout=10_000)
    assert "/fc" in rp_site.hits
    assert svc.sessions.load(signed.token) is None
    done = sp.auth("/slo", get=_query(page.url))
    done.process_slo(keep_local_session=True)
    assert done.get_errors() == [], done.get_last_error_reason()
    context.close()
