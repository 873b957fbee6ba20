"""What the client form calls each scope and claim: Chinese first, the identifier after
(the identifier is what relying parties' developers see in tokens and discovery)."""

from __future__ import annotations

SCOPES: dict[str, tuple[str, str]] = {
    "openid": ("登录标识（必选）", "Sign-in (required)"),
    "profile": ("基本信息", "Profile"),
    "email": ("电子邮箱", "E-mail"),
    "phone": ("手机号码", "Phone"),
    "address": ("地址", "Address"),
    "id_card": ("居民身份证号码", "Resident ID number"),
    "legal_person": ("代办的法人", "Legal person acted for"),
    "staff": ("工作人员信息", "Staff directory data"),
    "offline_access": ("离线访问（刷新令牌）", "Offline access (refresh tokens)"),
}

CLAIMS: dict[str, tuple[str, str]] = {
    "sub": ("用户标识", "Subject"),
    "acr": ("认证级别", "Assurance level"),
    "name": ("姓名", "Name"),
    "preferred_username": ("用户名", "Username"),
    "updated_at": ("信息更新时间", "Updated at"),
    "email": ("电子邮箱", "E-mail"),
    "email_verified": ("邮箱已验证", "E-mail verified"),
    "phone_number": ("手机号码", "Phone"),
    "phone_number_verified": ("手机已验证", "Phone verified"),
    "address": ("地址", "Address"),
    "id_card": ("居民身份证号码", "Resident ID number"),
    "legal_person": ("代办的法人", "Legal person acted for"),
    "department": ("所在部门", "Department"),
    "employee_number": ("工号", "Employee number"),
    "groups": ("所属组", "Groups"),
}


def label(table: dict[str, tuple[str, str]], code: str, lang: str) -> str:
    zh, en = table.get(code, (code, code))
    return en if lang == "en" else zh
