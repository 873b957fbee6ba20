"""Asking for deletion, and a login taking it back.

The request needs the password again (``idp.authn.reauth``); then every SSO session of the
account ends through ``idp.sso.logout``, so relying parties with back-channel logout hear of it
at once (OIDC Back-Channel Logout 1.0 §2.7), not only when the data are erased.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from idp.accounts import deletion
from idp.accounts.enums import AccountClass
from idp.accounts.service import get_person
from idp.audit import Actor
from idp.authn.reauth import confirm_password
from idp.authn.security_notices import tell_account
from idp.db import utcnow
from idp.notify import MessageKind
from idp.services import Services
from idp.sso.logout import end_session


class DeletionRefused(Exception):
    """``reason``: ``wrong_password``, or ``not_a_citizen`` (administrators' accounts are
    closed by a security administrator: they answer for what they did)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def request_deletion(services: Services, actor: Actor, *, account_id: str, password: str,
                     sid: str | None = None, now: datetime | None = None) -> datetime:
    """Schedule the account's erasure after the grace period; returns when it becomes due.
    Every session of the account ends, this one too."""
    now = now or utcnow()
    person = get_person(services, account_id)
    if person is None or person.account_class != AccountClass.PERSON:
        raise DeletionRefused("not_a_citizen")
    if not confirm_password(services, account_id, password, actor=actor,
                            purpose="account_deletion", sid=sid):
        raise DeletionRefused("wrong_password")
    with services.db.begin() as session:
        purge_after = deletion.schedule(session, services, actor, person.id, person.username,
                                        now)
    # The person's own clock: China Standard Time, the date the data go.
    due = purge_after.astimezone(timezone(timedelta(hours=8))).strftime("%Y-%m-%d")
    tell_account(services, actor, person.id, MessageKind.DELETION_SCHEDULED, due=due)
    for live in services.sessions.for_account(person.id):
        end_session(services, sid=live.sid, actor=actor, initiator="account_deletion")
    return purge_after


def cancel_at_login(services: Services, actor: Actor, account_id: str, username: str) -> bool:
    """A login within the grace period withdraws the request (the login page says so).
    A login after it never gets here: the password step refuses the account."""
    # A read first: nearly every login has nothing to cancel, and a read costs no write.
    if deletion.pending(services, account_id) is None:
        return False
    return deletion.cancel(services, actor, account_id, username, reason="login")
