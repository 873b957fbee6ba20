"""The fixed set of SMS the IdP sends, as Chinese templates (the audience reads Chinese; the
signature in 【】 is the one registered with the carriers, MIIT rules on commercial SMS)."""

from __future__ import annotations

from enum import StrEnum


class MessageKind(StrEnum):
    SIGNUP_CODE = "signup_code"
    # Someone tried to sign up with a phone that may not take another account: its owner is
    # told instead of the page (the page never says a phone is registered).
    SIGNUP_PHONE_TAKEN = "signup_phone_taken"
    LOGIN_CODE = "login_code"
    RECOVERY_CODE = "recovery_code"
    PHONE_CHANGE_CODE = "phone_change_code"
    # A login from a browser not seen in 90 days (idp/authn/new_device_login.py): when and
    # from which network (IP masked), nothing else.
    NEW_DEVICE_LOGIN = "new_device_login"
    # Agents of legal persons (idp/verification/invitations.py): no personal data, only the
    # organisation's public name and a username.
    AGENT_INVITED = "agent_invited"
    AGENT_ANSWERED = "agent_answered"
    AGENT_REVOKED = "agent_revoked"
    # A security administrator reset the phone or removed the second factor after checking
    # the person in a service hall (admin/account_recovery.py): what changed, nothing else.
    ASSISTED_RECOVERY = "assisted_recovery"
    # The account's phone number was changed (idp/authn/phone_change.py): told to the old one.
    PHONE_CHANGED = "phone_changed"
    # Security changes the person made or asked for (idp/authn/security_notices.py), so that
    # someone else making them is noticed: what changed, nothing else.
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a message kind, not a secret
    SECOND_FACTOR_ADDED = "second_factor_added"
    SECOND_FACTOR_REMOVED = "second_factor_removed"
    DELETION_SCHEDULED = "deletion_scheduled"
    # An upstream identity provider was linked to or unlinked from the account
    # (federation/linking.py): which provider, nothing else.
    UPSTREAM_LINKED = "upstream_linked"
    UPSTREAM_UNLINKED = "upstream_unlinked"


_WARNING = "请勿将验证码告诉他人，工作人员不会向您索要验证码。"
_CODE = "【一网通办】您正在{doing}，验证码 {{code}}，{{minutes}}分钟内有效。" + _WARNING
TEMPLATES: dict[MessageKind, str] = {
    MessageKind.SIGNUP_CODE: _CODE.format(doing="注册账号"),
    MessageKind.SIGNUP_PHONE_TAKEN: "【一网通办】有人正在使用您的手机号注册新账号。该手机号已注册，"
                                    "您可直接登录。如非本人操作，请忽略本短信。",
    MessageKind.LOGIN_CODE: _CODE.format(doing="登录"),
    MessageKind.RECOVERY_CODE: _CODE.format(doing="找回密码"),
    MessageKind.PHONE_CHANGE_CODE: _CODE.format(doing="更换绑定手机号"),
    MessageKind.NEW_DEVICE_LOGIN: "【一网通办】您的账号于{time}在新的浏览器或设备上登录"
                                  "（IP {ip}）。如非本人操作，请立即修改密码或致电12345。",
    MessageKind.AGENT_INVITED: "【一网通办】{entity}邀请您成为经办人，请登录后在“我的账号”中接受或"
                               "拒绝。",
    MessageKind.AGENT_ANSWERED: "【一网通办】用户{username}已{answer}成为{entity}经办人的邀请。",
    MessageKind.AGENT_REVOKED: "【一网通办】您作为{entity}经办人的授权已被撤销。",
    MessageKind.ASSISTED_RECOVERY: "【一网通办】工作人员已核验您的身份并为您的账号{change}，"
                                   "各设备上的登录已结束。如非本人办理，请立即致电12345。",
    MessageKind.PHONE_CHANGED: "【一网通办】您的账号绑定手机号已更换为{masked}。"
                               "如非本人操作，请立即致电12345。",
    MessageKind.PASSWORD_CHANGED: "【一网通办】您的账号密码已修改，各设备上的其他登录已结束。"
                                  "如非本人操作，请立即找回密码或致电12345。",
    MessageKind.SECOND_FACTOR_ADDED: "【一网通办】您的账号已绑定新的身份验证器（二次验证）。"
                                     "如非本人操作，请立即修改密码或致电12345。",
    MessageKind.SECOND_FACTOR_REMOVED: "【一网通办】您的账号已解除身份验证器（二次验证）绑定。"
                                       "如非本人操作，请立即修改密码或致电12345。",
    MessageKind.DELETION_SCHEDULED: "【一网通办】您的账号已申请注销，将于{due}删除。在此之前登录"
                                    "即可撤销注销。如非本人操作，请立即登录或致电12345。",
    MessageKind.UPSTREAM_LINKED: "【一网通办】您的账号已关联{provider}，今后可通过其登录。"
                                 "如非本人操作，请立即登录“我的账号”解除关联或致电12345。",
    MessageKind.UPSTREAM_UNLINKED: "【一网通办】您的账号已解除与{provider}的关联。"
                                   "如非本人操作，请立即修改密码或致电12345。",
}


def render(kind: MessageKind, **values: object) -> str:
    """The text of one message; KeyError when the template needs a value not given."""
    return TEMPLATES[kind].format(**values)
