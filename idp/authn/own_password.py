"""A person changes their own password from "my account".

The current password first (``reauth``: counted like login failures), then the new one under
the account's policy (``idp.accounts.service.change_password``, audited ACCOUNT_UPDATE), then
every other SSO session of the account ends, with its relying parties told (back-channel
logout): whoever knew the old password is out (NIST SP 800-63B §6.1.2.3 on a changed secret).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from idp.accounts.service import change_password
from idp.audit import Actor
from idp.authn.reauth import confirm_password
from idp.authn.security_notices import tell_account
from idp.notify import MessageKind
from idp.sso.logout import end_session

if TYPE_CHECKING:
    from idp.services import Services


class WrongPassword(Exception):
    """The current password typed was not the account's (or the account is locked out)."""


def change_own_password(services: Services, actor: Actor, *, account_id: str, current: str,
                        new: str, keep_sid: str) -> int:
    """Change the password; returns how many other sessions ended. WrongPassword, or
    AccountError ``weak_password`` (naming the rule broken), changes nothing."""
    if not confirm_password(services, account_id, current, actor=actor,
                            purpose="password_change", sid=keep_sid):
        raise WrongPassword()
    change_password(services, actor, account_id, new)
    tell_account(services, actor, account_id, MessageKind.PASSWORD_CHANGED)
    ended = 0
    for other in services.sessions.for_account(account_id):
        if other.sid != keep_sid:
            ended += end_session(services, sid=other.sid, actor=actor,
                                 initiator="password_change") is not None
    return ended
