"""How the console and ``idp admin`` name roles and refusals: Chinese first, English after."""

from __future__ import annotations

from admin.roles import Role

NAMES: dict[str, tuple[str, str]] = {
    Role.SYSTEM_ADMIN: ("系统管理员", "system administrator"),
    Role.SECURITY_ADMIN: ("安全管理员", "security administrator"),
    Role.AUDIT_ADMIN: ("安全审计员", "audit administrator"),
    Role.DEPARTMENT_ADMIN: ("部门管理员", "department administrator"),
}


def role_name(role: str, lang: str = "zh") -> str:
    zh, en = NAMES.get(role, (role, role))
    return en if lang == "en" else zh


def refusal(reason: str) -> tuple[str, str]:
    """(Chinese, English) for a RoleConflict's reason (admin.roles._refusal's words)."""
    if reason.startswith("separation of duties"):
        return ("三员分立：该账号已担任另一类管理职责，一人不能兼任系统、安全、审计中的两类",
                reason)
    if "department" in reason:
        return ("只有部门管理员角色需要填写部门，且必须填写", reason)
    return (reason, reason)


def both(zh: str, en: str) -> str:
    """One line in both languages, as the ``idp users`` commands answer."""
    return f"{zh} / {en}"
