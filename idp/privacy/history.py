"""A person's own account history (login.gov's "history" page): their logins, logouts, the
sites that received their identity, and security changes, newest first, in words.

Read from the audit log by account id (index ``ix_audit_events_account_id_at``), paged by
keyset as the console's audit pages are (``idp.audit.query.Cursor``). Events an administrator
files under their own account (ADMIN_ACTION) are the administrator's, not shown here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, tuple_

from clients.models import OidcClient
from clients.saml.models import ServiceProvider
from idp.audit import EventType
from idp.audit.chain import as_utc
from idp.audit.query import Cursor
from idp.audit.record import AuditEvent
from idp.services import Services

PAGE = 20
E = EventType
# (type, outcome or None for either) -> (Chinese, English); the type's own words first.
WORDS: dict[tuple[str, str | None], tuple[str, str]] = {
    (E.LOGIN, "success"): ("登录", "Logged in"),
    (E.LOGIN, "failure"): ("登录失败", "Failed login"),
    (E.LOGIN_MFA, "success"): ("通过两步验证", "Passed two-step verification"),
    (E.LOGIN_MFA, "failure"): ("两步验证失败", "Failed two-step verification"),
    (E.LOCKOUT, None): ("多次失败后临时锁定", "Temporarily locked after failures"),
    (E.LOGOUT, None): ("退出登录", "Logged out"),
    (E.SESSION_ACT_AS, None): ("切换办事单位", "Switched organisation"),
    (E.MFA_ENROL, None): ("绑定验证器", "Added an authenticator app"),
    (E.MFA_REMOVE, "success"): ("解除验证器", "Removed the authenticator app"),
    (E.MFA_REMOVE, "failure"): ("解除验证器失败", "Failed to remove the authenticator app"),
    (E.RECOVERY_CODES_ISSUED, None): ("生成恢复码", "New recovery codes"),
    (E.ACCOUNT_CREATE, None): ("开通账号", "Account created"),
    (E.ACCOUNT_UPDATE, None): ("修改账号信息", "Changed account details"),
    (E.ACCOUNT_UNLOCK, None): ("解除锁定", "Unlocked"),
    (E.AUTHORISATION_GRANT, None): ("获得法人授权", "Authorised to act for an organisation"),
    (E.AUTHORISATION_REVOKE, None): ("法人授权被撤销", "Organisation authorisation revoked"),
    (E.TOKEN_ISSUE, "success"): ("网站获得登录凭证", "A site received your sign-in"),
    (E.TOKEN_REFRESH, "success"): ("网站续期登录凭证", "A site renewed your sign-in"),
    (E.TOKEN_REVOKE, None): ("网站授权已撤销", "A site's access was revoked"),
    (E.CONSENT, None): ("授权网站使用个人信息", "Allowed a site your details"),
    (E.SAML_ASSERTION, "success"): ("登录网站", "Signed in to a site"),
    (E.PASSWORD_CONFIRM, "success"): ("再次输入密码", "Confirmed your password"),
    (E.PASSWORD_CONFIRM, "failure"): ("再次输入密码错误", "Wrong password confirmation"),
    (E.ACCOUNT_DELETION_REQUEST, None): ("申请注销账号", "Asked to delete the account"),
    (E.ACCOUNT_DELETION_CANCEL, None): ("撤销注销申请", "Deletion cancelled"),
    (E.DATA_EXPORT, None): ("下载个人信息副本", "Downloaded a copy of your data"),
}
TYPES = sorted({str(kind) for kind, _ in WORDS})
# Finer words for some details: why a session ended, what changed.
LOGOUT_BY = {
    "admin": ("管理员结束了会话", "Session ended by an administrator"),
    "password_change": ("修改密码后结束其他会话", "Ended after a password change"),
    "password_reset": ("找回密码后结束会话", "Ended by a password reset"),
    "account_deletion": ("申请注销后结束会话", "Ended by the deletion request"),
    "user_other_session": ("在其他设备上结束了会话", "Ended from another session"),
    "admin_recovery": ("人工找回后结束会话", "Ended by assisted recovery"),
}
FIELD_WORDS = {
    "password": ("修改密码", "Changed the password"),
    "phone": ("更换手机号", "Changed the phone number"),
}
CONSENT_REVOKED = ("撤销网站的个人信息授权", "Withdrew a site's access to your details")
# A passkey's events share their types with the password and the authenticator app's.
PASSKEY_WORDS = {
    (E.LOGIN, "success"): ("用通行密钥登录", "Logged in with a passkey"),
    (E.LOGIN, "failure"): ("通行密钥登录失败", "Failed passkey login"),
    (E.LOGIN_MFA, "success"): ("通过两步验证（通行密钥）", "Passed two-step (passkey)"),
    (E.LOGIN_MFA, "failure"): ("两步验证失败（通行密钥）", "Failed two-step (passkey)"),
    (E.MFA_ENROL, "success"): ("添加通行密钥", "Added a passkey"),
    (E.MFA_ENROL, "failure"): ("添加通行密钥失败", "Failed to add a passkey"),
    (E.MFA_REMOVE, "success"): ("移除通行密钥", "Removed a passkey"),
}


@dataclass(frozen=True)
class Entry:
    at: datetime
    words: tuple[str, str]  # (Chinese, English)
    success: bool
    site: str | None  # the relying party's registered name, else its id
    ip: str | None


@dataclass(frozen=True)
class HistoryPage:
    entries: list[Entry]
    next: str | None  # the cursor token of the next (older) page


def history(services: Services, account_id: str, after: str | None = None,
            limit: int = PAGE) -> HistoryPage:
    """One page of the account's own events, newest first; ``after`` is a page's ``next``
    (an unreadable one starts from the newest)."""
    query = select(AuditEvent).where(AuditEvent.account_id == account_id,
                                     AuditEvent.type.in_(TYPES))
    cursor = _cursor(after)
    if cursor is not None:
        at = as_utc(cursor.at)
        query = query.where(AuditEvent.at <= at,
                            tuple_(AuditEvent.at, AuditEvent.id) < (at, cursor.id))
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit + 1)
    with services.db.session() as session:
        events = list(session.scalars(query))
        more, events = len(events) > limit, events[:limit]
        names = site_names(session, {e.client_id for e in events if e.client_id})
    entries = [Entry(as_utc(e.at), describe(e), e.outcome == "success",
                     names.get(e.client_id, e.client_id) if e.client_id else None, e.ip)
               for e in events]
    last = events[-1] if more else None
    return HistoryPage(entries, Cursor(last.at, last.id).token if last else None)


def describe(event: AuditEvent) -> tuple[str, str]:
    detail = event.detail or {}
    if event.type == E.LOGOUT and detail.get("initiator") in LOGOUT_BY:
        return LOGOUT_BY[detail["initiator"]]
    if event.type == E.ACCOUNT_UPDATE:
        changed = [FIELD_WORDS[f] for f in detail.get("fields", []) if f in FIELD_WORDS]
        if len(changed) == 1:
            return changed[0]
    if event.type == E.CONSENT and detail.get("action") == "revoke":
        return CONSENT_REVOKED
    if "passkey" in (detail.get("method"), *(detail.get("methods") or ())) \
            and (event.type, event.outcome) in PASSKEY_WORDS:
        return PASSKEY_WORDS[(event.type, event.outcome)]
    return WORDS.get((event.type, event.outcome)) or WORDS.get((event.type, None)) \
        or ("账号事件", "Account event")


def site_names(session, client_ids: set[str]) -> dict[str, str]:
    """Registered names of OIDC clients and SAML SPs, by client id or entity ID."""
    if not client_ids:
        return {}
    names = dict(session.execute(select(OidcClient.client_id, OidcClient.name)
                                 .where(OidcClient.client_id.in_(client_ids))).all())
    names.update(session.execute(select(ServiceProvider.entity_id, ServiceProvider.name)
                                 .where(ServiceProvider.entity_id.in_(client_ids))).all())
    return names


def _cursor(token: str | None) -> Cursor | None:
    try:
        return Cursor.parse(token) if token else None
    except ValueError:
        return None
