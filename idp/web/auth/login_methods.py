"""The ways to log in a login page offers (issue 13): password, SMS code, scan with the app
(passkeys have their own button), as tabs that are plain links, limited to the first factors
the pending request's relying party accepts (``idp.sso.policy.allowed_first_factors``)."""

from __future__ import annotations

from flask import flash

from idp.audit import EventType, Outcome, record
from idp.services import services
from idp.sso.first_factors import ALL_FIRST_FACTORS, FirstFactor
from idp.sso.login_request import LoginRequest
from idp.sso.policy import allowed_first_factors
from idp.web.auth.login_flow import actor
from idp.web.i18n import t

# The tabs, in order: the factor each one uses.
TABS = (FirstFactor.PASSWORD, FirstFactor.SMS, FirstFactor.SCAN)
# The factors this page's own forms and buttons use: the note names what a relying party
# accepts when it refuses one of them (an upstream has buttons of its own, and relying parties
# registered before upstreams existed do not list them).
PAGE_FACTORS = (FirstFactor.PASSWORD, FirstFactor.SMS, FirstFactor.PASSKEY, FirstFactor.SCAN)
# The "methods" a LOGIN event gives for each first factor (idp.audit.events).
AUDITED_METHOD = {FirstFactor.PASSWORD: "pwd", FirstFactor.SMS: "sms",
                  FirstFactor.PASSKEY: "passkey", FirstFactor.SCAN: "mca",
                  FirstFactor.UPSTREAM: "fed"}


def factor_names() -> dict[str, str]:
    return {
        FirstFactor.PASSWORD: t("密码", "password"),
        FirstFactor.SMS: t("短信验证码", "SMS code"),
        FirstFactor.PASSKEY: t("通行密钥（刷脸/指纹）", "passkey (face / fingerprint)"),
        FirstFactor.SCAN: t("政务App扫码", "scanning with the app"),
        FirstFactor.UPSTREAM: t("其他身份提供方", "another identity provider"),
    }


def methods_context(request_: LoginRequest | None, door: str, asked: str | None) -> dict:
    """What the login page's tabs and notes need: the allowed factors, the tab shown, and the
    relying party's requirement in words when it refuses one this page offers."""
    factors = allowed_first_factors(request_)
    tabs = [tab.value for tab in TABS if tab in factors] if door != "staff" else []
    method = asked if asked in tabs else (tabs[0] if tabs else FirstFactor.PASSWORD.value)
    names = factor_names()
    needs = None
    if any(f not in factors for f in PAGE_FACTORS):
        needs = t("、", ", ").join(names[f] for f in ALL_FIRST_FACTORS if f in factors)
    return {"factors": factors, "tabs": tabs, "method": method, "factor_names": names,
            "factor_needs": needs}


def refused(request_: LoginRequest | None, factor: FirstFactor) -> bool:
    """True (with the page's message flashed, and audited) when the request's relying party
    does not accept this first factor: the step must not go on. The page never offers such a
    step, so one that arrives was made by hand."""
    if factor in allowed_first_factors(request_):
        return False
    with services().db.begin() as session:
        record(session, EventType.LOGIN, Outcome.FAILURE, actor=actor(),
               client_id=request_.client_id if request_ else None,
               methods=[AUDITED_METHOD[factor]], reason="first_factor")
    name = factor_names()[factor]
    flash(t(f"此服务不接受{name}登录，请使用页面上提供的方式。",
            f"This service does not accept logging in with {name}: use a way the page offers."),
          "error")
    return True
