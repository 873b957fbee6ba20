"""One login through the SAML upstream, then a SAML service provider here: the person roams to
it without logging in again, as the same account (issue 15: "roams OIDC and SAML relying
parties on that one login")."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import requests
from conftest import USERNAME
from saml_upstream_helpers import RP_REDIRECT, events, saml_form, walk
from test_saml_upstream_login import account_id, post_answer, upstream_answer

from idp.audit import SYSTEM_ACTOR
from idp.saml.sp_metadata import import_sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "saml"))
from saml_sps import PySaml2Sp  # noqa: E402

pytestmark = [pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]


def test_after_the_upstream_login_a_saml_sp_here_gets_the_same_person(
        live, saml_upstream, rp, tmp_path):
    services, base = live
    sp = PySaml2Sp(tmp_path, requests.get(f"{base}/saml/metadata", timeout=10).text,
                   "http://sp-a.test")
    import_sp(services, sp.metadata(), SYSTEM_ACTOR, allowed_attributes=["name", "id_card"])
    browser = requests.Session()
    action, fields = upstream_answer(browser, base, rp)
    assert post_answer(browser, action, fields).url.startswith(RP_REDIRECT)
    # The SAML SP's request: answered from the session the upstream login made, no login page.
    answer = walk(browser, sp.login_url())
    acs, posted = saml_form(answer)
    assert acs == sp.acs
    accepted = sp.accept(posted["SAMLResponse"])
    # pysaml2 names the attributes by its own friendly names.
    assert accepted.ava["displayName"] == ["王五"]
    assert accepted.ava["schacPersonalUniqueID"] == ["11010519491231002X"]  # Wang Wu's account
    assert accepted.ava["urn:yiwang:attribute:assurance_level"] == ["2"]
    assertion = events(services, "saml.assertion")[-1]
    assert assertion.account_id == account_id(services, USERNAME)
