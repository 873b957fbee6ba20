"""Login policy: one ordered list of named checks (as node oidc-provider's prompts/login.js and
prompts/consent.js), shared by OIDC and SAML.

A protocol states what the relying party's request demands in protocol-neutral terms
(``LoginRequirements``: OIDC fills it from prompt, max_age, acr_values and id_token_hint, SAML
from ForceAuthn and RequestedAuthnContext). Each check looks at the browser's SSO session and
those requirements and returns the ``Reason`` the person must act first (log in, choose an
account, consent) or None. ``interaction_needed`` returns the first reason; the protocol turns
it into its own answer (a ``LoginRequest`` for the login pages, the account chooser, the consent
page, OIDC ``login_required`` for prompt=none, SAML ``NoPassive`` for IsPassive...).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from idp.sso.first_factors import ALL_FIRST_FACTORS, PASSKEY_METHODS, FirstFactor, first_factor_of
from idp.sso.login_request import LoginRequest
from idp.sso.session import SsoSession


class Prompt(StrEnum):
    """What the person is asked to do (OIDC Core §3.1.2.1 ``prompt`` values)."""

    LOGIN = "login"
    SELECT_ACCOUNT = "select_account"
    CONSENT = "consent"


class Reason(StrEnum):
    """Why the relying party cannot be answered yet."""

    NO_SESSION = "no_session"
    OTHER_ACCOUNT = "other_account"  # the person, or the relying party, wants someone else
    FORCE_LOGIN = "force_login"  # prompt=login, ForceAuthn
    MAX_AGE = "max_age"
    INSUFFICIENT_LEVEL = "insufficient_level"
    FIRST_FACTOR = "first_factor"  # the session began with a factor the relying party refuses
    PASSKEY_REQUIRED = "passkey_required"  # a phishing-resistant login asked for: a passkey
    SELECT_ACCOUNT = "select_account"
    CONSENT_PROMPT = "consent_prompt"  # prompt=consent: asked again
    CONSENT_MISSING = "consent_missing"  # never given for this client and scope set

    @property
    def prompt(self) -> Prompt:
        if self is Reason.SELECT_ACCOUNT:
            return Prompt.SELECT_ACCOUNT
        if self in (Reason.CONSENT_PROMPT, Reason.CONSENT_MISSING):
            return Prompt.CONSENT
        return Prompt.LOGIN

    @property
    def fresh_login(self) -> bool:
        """Whether the login must be a new one (password again), not just the second factor
        a session below the level asked for is missing (``LoginRequest.force_login``)."""
        return self in (Reason.FORCE_LOGIN, Reason.MAX_AGE, Reason.OTHER_ACCOUNT,
                        Reason.FIRST_FACTOR)


@dataclass(frozen=True)
class ExpectedSubject:
    """The person the relying party expects (OIDC ``id_token_hint``), in its own terms."""

    subject: str | None  # the identifier the relying party knows the person by (None: nobody)
    subject_of: Callable[[str], str]  # account id -> that identifier (pairwise ones included)


@dataclass(frozen=True)
class Consent:
    """The consent a relying party needs (first-party OIDC clients and SAML SPs need none)."""

    remembered: Callable[[str], bool]  # account id -> an earlier consent covers this request
    ask_again: bool = False  # OIDC prompt=consent
    answer: bool | None = None  # the consent page's answer for this request, once given


@dataclass(frozen=True)
class LoginRequirements:
    """What the relying party's request demands of the session."""

    requested_at: int  # when the request arrived (epoch seconds)
    resumed: bool = False  # the request is back from the login page, the chooser or consent
    force_login: bool = False  # a login made for this request (prompt=login, ForceAuthn)
    max_age: int | None = None  # seconds since auth_time (OIDC max_age)
    min_level: int = 1  # assurance level (acr) the relying party needs
    first_factors: tuple[str, ...] | None = None  # the first factors it accepts (None: all)
    upstreams: tuple[str, ...] | None = None  # the upstreams it accepts, by name (None: all)
    phishing_resistant: bool = False  # a passkey used in this session (SAML's passkey class)
    other_account: bool = False  # the person chose "use another account"
    expected: ExpectedSubject | None = None  # the person the relying party expects
    select_account: bool = False  # an account choice is asked for and not yet answered
    consent: Consent | None = None


Check = Callable[[SsoSession | None, LoginRequirements, int], Reason | None]


def logged_in_for_request(session: SsoSession, req: LoginRequirements) -> bool:
    """Back from the login page with a login made after the request arrived: it satisfies
    prompt=login, ForceAuthn and max_age (even max_age=0, whose clock would otherwise already
    have run again), and whom the person logged in as was their choice."""
    return req.resumed and session.auth_time >= req.requested_at


def no_session(session, _req, _now) -> Reason | None:
    return Reason.NO_SESSION if session is None else None


def chose_another_account(_session, req, _now) -> Reason | None:
    """The account chooser's "use another account": a fresh login, whoever it is for."""
    return Reason.OTHER_ACCOUNT if req.other_account else None


def forced_login_not_done(session, req, _now) -> Reason | None:
    """Back from the login page without the login made for this request that prompt=login or
    ForceAuthn (SAML Core §3.4.1) demands."""
    if req.force_login and req.resumed and session.auth_time < req.requested_at:
        return Reason.FORCE_LOGIN
    return None


def max_age(session, req, now) -> Reason | None:
    """OIDC Core §3.1.2.1 max_age: the last authentication is too old."""
    if req.max_age is None or logged_in_for_request(session, req):
        return None
    return Reason.MAX_AGE if now - session.auth_time > req.max_age else None


def insufficient_level(session, req, _now) -> Reason | None:
    """The session's assurance level is below the one asked for: a step-up (second factor)."""
    return Reason.INSUFFICIENT_LEVEL if session.level < req.min_level else None


def passkey_missing(session, req, _now) -> Reason | None:
    """A phishing-resistant login was asked for (login.gov's AAL2 phishing-resistant class)
    and the session shows no passkey: a step-up with one (after a password) or a passkey
    login. No other factor stands in: a code typed on a look-alike site can be relayed."""
    if req.phishing_resistant and not PASSKEY_METHODS & set(session.amr):
        return Reason.PASSKEY_REQUIRED
    return None


def first_factor_refused(session, req, _now) -> Reason | None:
    """The session began with a first factor the relying party does not accept (an SMS
    login at a service that wants a password or a passkey), or came through an upstream
    identity provider it does not name (issue 15; a session that cannot say which upstream
    counts as none named): a new login, with an accepted one."""
    factor = first_factor_of(session.amr)
    if factor is None:
        return None
    if req.first_factors is not None and factor not in req.first_factors:
        return Reason.FIRST_FACTOR
    if factor is FirstFactor.UPSTREAM and req.upstreams and session.upstream not in req.upstreams:
        return Reason.FIRST_FACTOR
    return None


def allowed_first_factors(request: LoginRequest | None) -> frozenset[str]:
    """The first factors the login page may offer, and a login step accept, for a pending
    login request (every one without a request or a relying party's list)."""
    listed = request.first_factors if request is not None else None
    allowed = frozenset(ALL_FIRST_FACTORS if listed is None else listed)
    if request is not None and request.passkey_required:  # only a passkey resists phishing
        return allowed & {FirstFactor.PASSKEY.value}
    return allowed


def upstream_allowed(request: LoginRequest | None, name: str) -> bool:
    """Whether a login for a pending request may come through the upstream ``name``: the
    relying party accepts the first factor ``upstream`` and names this one, or names none
    (every one without a request)."""
    if FirstFactor.UPSTREAM not in allowed_first_factors(request):
        return False
    return request is None or not request.upstreams or name in request.upstreams


def login_prompt(_session, req, _now) -> Reason | None:
    """prompt=login or ForceAuthn on a request not yet sent to the login page: always a new
    login, even one in the same second as the last (auth_time has one-second resolution)."""
    return Reason.FORCE_LOGIN if req.force_login and not req.resumed else None


def expected_subject(session, req, _now) -> Reason | None:
    """The relying party expects someone else (OIDC Core §3.1.2.1 id_token_hint): the person
    logs in again, but whom they log in as is theirs to choose (the relying party compares
    ``sub``), so a login made for this request passes."""
    expected = req.expected
    if expected is None or logged_in_for_request(session, req):
        return None
    if expected.subject_of(session.account_id) != expected.subject:
        return Reason.OTHER_ACCOUNT
    return None


def account_choice(session, req, _now) -> Reason | None:
    """OIDC Core §3.1.2.1 prompt=select_account: asked once per request, unless the person
    just logged in for it (that login was the choice)."""
    if req.select_account and not logged_in_for_request(session, req):
        return Reason.SELECT_ACCOUNT
    return None


def consent_prompt(_session, req, _now) -> Reason | None:
    """OIDC prompt=consent: asked again even when remembered."""
    consent = req.consent
    if consent is not None and consent.answer is None and consent.ask_again:
        return Reason.CONSENT_PROMPT
    return None


def consent_missing(session, req, _now) -> Reason | None:
    """No consent remembered for this client and scope set (asked once, then remembered)."""
    consent = req.consent
    if consent is not None and consent.answer is None and not consent.remembered(
            session.account_id):
        return Reason.CONSENT_MISSING
    return None


# In order: the first reason found wins. A check below no_session always has a session.
CHECKS: list[Check] = [
    # Prompt.LOGIN
    no_session,
    chose_another_account,
    forced_login_not_done,
    max_age,
    insufficient_level,
    passkey_missing,
    first_factor_refused,
    login_prompt,
    expected_subject,
    # Prompt.SELECT_ACCOUNT
    account_choice,
    # Prompt.CONSENT
    consent_prompt,
    consent_missing,
]


def interaction_needed(
    session: SsoSession | None, requirements: LoginRequirements, now: int | None = None
) -> Reason | None:
    """The reason of the first failing check, or None when the relying party may be answered
    with this session."""
    now = now or int(time.time())
    for check in CHECKS:
        reason = check(session, requirements, now)
        if reason is not None:
            return reason
    return None
