"""What the audit page calls things: every event type, outcome and common detail field in
Chinese first, English after; the stored codes stay as they are (exports and SIEMs keep them).

A test checks that every ``EventType`` has a label here, so a new event cannot reach the page
as a bare code.
"""

from __future__ import annotations

from typing import Any

from idp.audit.events import EventType, Outcome

# (Chinese, English) for each event type of idp/audit/events.py.
EVENTS: dict[str, tuple[str, str]] = {
    EventType.LOGIN: ("登录", "Login"),
    EventType.LOGIN_MFA: ("登录第二步验证", "Second-factor check"),
    EventType.LOCKOUT: ("临时锁定", "Lockout"),
    EventType.LOGIN_SCAN: ("扫码登录", "Scan to log in"),
    EventType.DEVICE_AUTHORIZATION: ("设备授权", "Device authorisation"),
    EventType.LOGOUT: ("退出登录", "Logout"),
    EventType.SESSION_ACT_AS: ("代办法人事务", "Acting for a legal person"),
    EventType.MFA_ENROL: ("绑定第二因素", "Second factor enrolled"),
    EventType.MFA_REMOVE: ("移除第二因素", "Second factor removed"),
    EventType.RECOVERY_CODES_ISSUED: ("生成恢复码", "Recovery codes issued"),
    EventType.ACCOUNT_CREATE: ("创建账号", "Account created"),
    EventType.ACCOUNT_UPDATE: ("修改账号", "Account updated"),
    EventType.ACCOUNT_UNLOCK: ("解锁账号", "Account unlocked"),
    EventType.FEDERATION_LINK: ("关联外部身份", "Upstream identity linked"),
    EventType.FEDERATION_UNLINK: ("解除外部身份", "Upstream identity unlinked"),
    EventType.LEGAL_PERSON_CREATE: ("创建法人", "Legal person created"),
    EventType.AUTHORISATION_GRANT: ("授权经办人", "Agent authorised"),
    EventType.AUTHORISATION_REVOKE: ("撤销经办人授权", "Agent authorisation revoked"),
    EventType.PASSWORD_CONFIRM: ("再次确认密码", "Password confirmed"),
    EventType.ACCOUNT_DELETION_REQUEST: ("申请注销账号", "Account deletion requested"),
    EventType.ACCOUNT_DELETION_CANCEL: ("撤回注销申请", "Account deletion cancelled"),
    EventType.ACCOUNT_ERASE: ("清除账号数据", "Account erased"),
    EventType.DATA_EXPORT: ("导出个人数据", "Personal data exported"),
    EventType.REAL_NAME_VERIFY: ("实名认证", "Real-name verification"),
    EventType.ENTITY_VERIFY: ("法人核验", "Legal person verification"),
    EventType.AGENT_INVITATION: ("经办人邀请", "Agent invitation"),
    EventType.SMS_SEND: ("发送短信", "SMS sent"),
    EventType.CODE_VERIFY: ("核对验证码", "One-time code checked"),
    EventType.TOKEN_ISSUE: ("签发令牌", "Token issued"),
    EventType.TOKEN_REFRESH: ("刷新令牌", "Token refreshed"),
    EventType.TOKEN_REVOKE: ("撤销令牌", "Token revoked"),
    EventType.CONSENT: ("同意授权", "Consent"),
    EventType.SAML_ASSERTION: ("签发 SAML 断言", "SAML assertion issued"),
    EventType.CLIENT_CHANGE: ("应用接入变更", "Relying party changed"),
    EventType.KEY_ROTATE: ("轮换签名密钥", "Signing key rotated"),
    EventType.ADMIN_ACTION: ("管理操作", "Console action"),
    EventType.ROLE_GRANT: ("授予管理角色", "Admin role granted"),
    EventType.ROLE_REVOKE: ("撤销管理角色", "Admin role revoked"),
    EventType.AUDIT_EXPORT: ("导出审计日志", "Audit log exported"),
    EventType.AUDIT_PRUNE: ("清理过期审计", "Audit log pruned"),
    EventType.ALERT: ("安全告警", "Security alert"),
}

OUTCOMES: dict[str, tuple[str, str]] = {
    Outcome.SUCCESS: ("成功", "Success"),
    Outcome.FAILURE: ("失败", "Failure"),
}

# Detail fields the vocabulary uses most; any other is shown under its own name.
FIELDS: dict[str, tuple[str, str]] = {
    "action": ("操作", "Action"), "reason": ("原因", "Reason"), "target": ("对象", "Target"),
    "target_account": ("涉及账号", "Account acted on"), "door": ("登录入口", "Door"),
    "methods": ("认证方式", "Methods"), "method": ("认证方式", "Method"),
    "source": ("来源", "Source"), "scope": ("范围", "Scope"), "until": ("截止", "Until"),
    "grant_type": ("授权类型", "Grant type"), "role": ("角色", "Role"),
    "department": ("部门", "Department"), "fields": ("变更字段", "Fields changed"),
    "purpose": ("用途", "Purpose"), "phone": ("手机号", "Phone"), "kind": ("类型", "Kind"),
    "sid": ("会话", "Session"), "initiator": ("发起方", "Initiated by"),
    "count": ("次数", "Count"), "window_seconds": ("时间窗（秒）", "Window (s)"),
    "format": ("格式", "Format"), "events": ("事件数", "Events"), "filter": ("筛选条件", "Filter"),
    "request": ("请求", "Request"), "amr": ("认证方法", "AMR"), "jti": ("令牌编号", "Token id"),
    "directory": ("目录", "Directory"), "legal_person_id": ("法人", "Legal person"),
    # A relying party's fields, as a console change's before/after holds them.
    "client_name": ("应用名称", "Name"), "redirect_uris": ("回调地址", "Redirect URIs"),
    "min_level": ("最低认证等级", "Minimum level"), "allowed_claims": ("可获取的信息", "Claims"),
    "allowed_scopes": ("授权范围", "Scopes"), "disabled": ("已停用", "Disabled"),
    "post_logout_redirect_uris": ("退出后回调地址", "Post-logout redirect URIs"),
    "first_factors": ("允许的登录方式", "First factors"), "entity_id": ("实体 ID", "Entity ID"),
}


# The console's actions (ADMIN_ACTION "action") and the registry's (CLIENT_CHANGE "action").
ACTIONS: dict[str, tuple[str, str]] = {
    "client.register": ("注册应用", "client registered"), "register": ("注册", "registered"),
    "client.update": ("修改应用", "client updated"), "update": ("修改", "updated"),
    "client.disable": ("停用应用", "client disabled"), "disable": ("停用", "disabled"),
    "client.enable": ("启用应用", "client enabled"), "enable": ("启用", "enabled"),
    "client.rotate_secret": ("轮换应用密钥", "client secret rotated"),
    "rotate_secret": ("轮换密钥", "secret rotated"), "delete": ("删除", "deleted"),
    "saml.register": ("导入 SAML SP", "SAML SP registered"),
    "saml.update": ("修改 SAML SP", "SAML SP updated"),
    "saml.disable": ("停用 SAML SP", "SAML SP disabled"),
    "saml.enable": ("启用 SAML SP", "SAML SP enabled"),
    "key.rotate": ("轮换签名密钥", "signing key rotated"),
    "account.unlock": ("解锁账号", "account unlocked"),
    "account.force_logout": ("结束全部会话", "sessions ended"),
    "account.revoke_authorisation": ("撤销经办人授权", "agent authorisation revoked"),
    "account.reset_phone": ("重置手机号", "phone reset"),
    "account.remove_second_factor": ("移除第二因素", "second factor removed"),
    "admin.create": ("创建管理员", "administrator created"),
    "role.grant": ("授予角色", "role granted"), "role.revoke": ("撤销角色", "role revoked"),
    "audit.export": ("导出审计", "audit exported"), "export": ("导出", "exported"),
    "directory.add": ("添加目录", "directory added"),
    "directory.disable": ("停用目录", "directory disabled"),
    "directory.enable": ("启用目录", "directory enabled"),
    "directory.sync": ("目录同步", "directory synced"),
    "directory.sync_request": ("请求目录同步", "directory sync requested"),
}


def pick(pair: tuple[str, str] | None, code: str, lang: str) -> str:
    if pair is None:
        return code
    return pair[1] if lang == "en" else pair[0]


def event_label(code: str, lang: str = "zh") -> str:
    return pick(EVENTS.get(code), code, lang)


def outcome_label(code: str, lang: str = "zh") -> str:
    return pick(OUTCOMES.get(code), code, lang)


def field_label(name: str, lang: str = "zh") -> str:
    return pick(FIELDS.get(name), name, lang)


def summary(detail: dict[str, Any] | None, lang: str = "zh") -> str:
    """One short line for the row: the action (in words), reason or method, whichever the
    event has."""
    if not isinstance(detail, dict):
        return ""
    action = detail.get("action")
    if isinstance(action, str) and action in ACTIONS:
        return pick(ACTIONS[action], action, lang)
    for key in ("action", "reason", "method", "kind", "role", "grant_type"):
        value = detail.get(key)
        if isinstance(value, str) and value:
            return value[:60]
    methods = detail.get("methods")
    if isinstance(methods, list):
        return "+".join(str(m) for m in methods)[:60]
    return ""
