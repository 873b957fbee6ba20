"""The login policy both protocols ask (idp.sso.policy): one ordered list of named checks, each
giving the reason the person must log in, choose an account or consent first."""

from __future__ import annotations

import pytest

from idp.sso.policy import (
    Consent,
    ExpectedSubject,
    LoginRequirements,
    Prompt,
    Reason,
    interaction_needed,
)
from idp.sso.session import SsoSession

NOW = 1_900_000_000
ASKED = NOW - 100  # when the relying party's request arrived


def _session(*, auth_time: int = NOW - 1000, level: int = 2, account: str = "a1") -> SsoSession:
    return SsoSession(sid="s1", account_id=account, username="alice", auth_time=auth_time,
                      amr=["pwd"], level=level, created_at=auth_time, last_seen=auth_time)


def _hint(subject: str) -> ExpectedSubject:
    return ExpectedSubject(subject, lambda account_id: f"sub-{account_id}")


def _consent(remembered: bool, **kwargs) -> Consent:
    return Consent(remembered=lambda _account_id: remembered, **kwargs)


FRESH = {"auth_time": ASKED + 5}  # a login made for this request


@pytest.mark.parametrize(("session", "requirements", "reason"), [
    (None, {}, Reason.NO_SESSION),
    (None, {"force_login": True, "min_level": 3}, Reason.NO_SESSION),
    ({}, {}, None),
    ({}, {"other_account": True, "min_level": 3}, Reason.OTHER_ACCOUNT),
    ({}, {"force_login": True}, Reason.FORCE_LOGIN),
    # prompt=login below the level asked for: the step-up (a second factor) is that new login.
    ({"level": 1}, {"force_login": True, "min_level": 2}, Reason.INSUFFICIENT_LEVEL),
    ({}, {"force_login": True, "resumed": True}, Reason.FORCE_LOGIN),
    (FRESH, {"force_login": True, "resumed": True}, None),
    ({}, {"max_age": 999}, Reason.MAX_AGE),
    ({}, {"max_age": 1000}, None),
    (FRESH, {"max_age": 0, "resumed": True}, None),
    ({"level": 1}, {"min_level": 2}, Reason.INSUFFICIENT_LEVEL),
    ({}, {"expected": _hint("sub-a2")}, Reason.OTHER_ACCOUNT),
    ({}, {"expected": _hint("sub-a1")}, None),
    (FRESH, {"expected": _hint("sub-a2"), "resumed": True}, None),
    ({}, {"select_account": True}, Reason.SELECT_ACCOUNT),
    (FRESH, {"select_account": True, "resumed": True}, None),
    ({}, {"expected": _hint("sub-a2"), "select_account": True}, Reason.OTHER_ACCOUNT),
    ({}, {"consent": _consent(False)}, Reason.CONSENT_MISSING),
    ({}, {"consent": _consent(True)}, None),
    ({}, {"consent": _consent(True, ask_again=True)}, Reason.CONSENT_PROMPT),
    ({}, {"consent": _consent(False, ask_again=True, answer=True)}, None),
    ({}, {"consent": _consent(False, answer=False)}, None),
    ({}, {"select_account": True, "consent": _consent(False)}, Reason.SELECT_ACCOUNT),
])
def test_the_first_failing_check_names_the_reason(session, requirements, reason):
    current = None if session is None else _session(**session)
    needs = LoginRequirements(requested_at=ASKED, **requirements)
    assert interaction_needed(current, needs, now=NOW) == reason


def test_a_remembered_consent_is_looked_up_only_once_every_login_check_passes():
    looked_up = []
    consent = Consent(remembered=lambda account_id: looked_up.append(account_id) or True)
    needs = LoginRequirements(requested_at=ASKED, min_level=3, consent=consent)
    assert interaction_needed(_session(), needs, now=NOW) is Reason.INSUFFICIENT_LEVEL
    assert looked_up == []


@pytest.mark.parametrize(("reason", "prompt", "fresh_login"), [
    (Reason.NO_SESSION, Prompt.LOGIN, False),
    (Reason.INSUFFICIENT_LEVEL, Prompt.LOGIN, False),
    (Reason.FORCE_LOGIN, Prompt.LOGIN, True),
    (Reason.MAX_AGE, Prompt.LOGIN, True),
    (Reason.OTHER_ACCOUNT, Prompt.LOGIN, True),
    (Reason.SELECT_ACCOUNT, Prompt.SELECT_ACCOUNT, False),
    (Reason.CONSENT_PROMPT, Prompt.CONSENT, False),
    (Reason.CONSENT_MISSING, Prompt.CONSENT, False),
])
def test_each_reason_says_what_the_person_is_asked_and_whether_the_login_must_be_new(
        reason, prompt, fresh_login):
    assert (reason.prompt, reason.fresh_login) == (prompt, fresh_login)

