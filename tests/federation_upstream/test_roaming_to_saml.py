"""One login through the OIDC upstream, then a SAML service provider here: the person roams to
it without logging in again, as the account the upstream's ID number linked (issue 15: "roams
OIDC and SAML relying parties on that one login")."""

from __future__ import annotations

import re
import sys
from html import unescape
from pathlib import Path

import pytest
import requests
from upstream_helpers import (
    HIDDEN,
    ID_NUMBER,
    RP_REDIRECT,
    USERNAME,
    events,
    login_through_upstream,
    next_upstream_person,
    walk,
)

from idp.accounts.service import find_person_by_username
from idp.audit import SYSTEM_ACTOR
from idp.saml.sp_metadata import import_sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "saml"))
from saml_sps import PySaml2Sp  # noqa: E402

# pysaml2 leaves its xmlsec1 temporary files to the garbage collector.
pytestmark = [pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]


def test_after_the_upstream_login_a_saml_sp_gets_the_same_person(live, upstream, rp,
                                                                 tmp_path):
    services, base = live
    sp = PySaml2Sp(tmp_path, requests.get(f"{base}/saml/metadata", timeout=10).text,
                   "http://sp-fed.test")
    import_sp(services, sp.metadata(), SYSTEM_ACTOR, allowed_attributes=["name", "id_card"])
    next_upstream_person(upstream, "nat-wangwu")
    browser = requests.Session()
    assert login_through_upstream(base, rp, browser).url.startswith(RP_REDIRECT)
    # The SP's AuthnRequest is answered from the session the upstream login made.
    answer = walk(browser, sp.login_url(), stop=())
    assert answer.status_code == 200, answer.text[:500]
    action = re.search(r'<form[^>]*method="post" action="([^"]+)"', answer.text)
    assert unescape(action.group(1)) == sp.acs
    posted = {k: unescape(v) for k, v in HIDDEN.findall(answer.text)}
    accepted = sp.accept(posted["SAMLResponse"])
    assert accepted.ava["schacPersonalUniqueID"] == [ID_NUMBER]  # Wang Wu's own account
    assert accepted.ava["urn:yiwang:attribute:assurance_level"] == ["2"]
    assertion = events(services, "saml.assertion")[-1]
    assert assertion.account_id == find_person_by_username(services, USERNAME).id
