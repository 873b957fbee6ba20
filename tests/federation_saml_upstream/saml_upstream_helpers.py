"""The SAML upstream's side of a login walked by the ``requests`` browser of tests/rp_browser.py
(re-exported here for this folder's tests)."""

from __future__ import annotations

import re
from html import unescape

import requests

from tests.rp_browser import (  # noqa: F401 - re-exported for this folder's tests
    HIDDEN,
    RP_REDIRECT,
    Rp,
    events,
    submit,
    walk,
)


def saml_form(page: requests.Response) -> tuple[str, dict[str, str]]:
    """(action, fields) of a SAML auto-submit form (the upstream's answer to us)."""
    assert page.status_code == 200, page.text[:800]
    action = re.search(r'<form id="saml-post" method="post" action="([^"]+)"', page.text)
    assert action, page.text[:2000]
    return unescape(action.group(1)), {k: unescape(v) for k, v in HIDDEN.findall(page.text)}
