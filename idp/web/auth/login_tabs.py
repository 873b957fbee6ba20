"""What the login page's ways to log in need (issue 13), in one call for ``login_form``: the
tabs the relying party allows (``login_methods``) and, on the scan tab, a new QR code bound to
this browser (``scan_login``)."""

from __future__ import annotations

from idp.sso.first_factors import FirstFactor
from idp.sso.login_request import LoginRequest
from idp.web.auth.login_methods import methods_context
from idp.web.auth.scan_login import scan_context


def login_page_context(request_: LoginRequest | None, door: str, asked: str | None) -> dict:
    context = methods_context(request_, door, asked)
    if context["method"] == FirstFactor.SCAN:
        context.update(scan_context(request_))
    return context
