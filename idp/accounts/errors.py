"""Domain errors of the accounts package: a stable ``code`` and a bilingual ``description``."""

from __future__ import annotations

# code -> (Chinese, English). The description is public: it never holds the rejected value.
MESSAGES: dict[str, tuple[str, str]] = {
    "invalid_username": (
        "用户名应为3至64位小写字母、数字或 . _ -，以字母或数字开头",
        "A username has 3-64 letters, digits or . _ - and starts with a letter or digit",
    ),
    "invalid_name": ("姓名不能为空且不超过64个字符", "A name is 1-64 characters"),
    "invalid_phone": (
        "手机号码应为11位中国大陆手机号", "A phone number is an 11-digit mainland mobile"
    ),
    "invalid_email": ("电子邮箱地址格式不正确", "The e-mail address is malformed"),
    "invalid_address": ("地址格式不正确", "The address is malformed"),
    "invalid_level": ("认证级别应为1、2或3", "The assurance level is 1, 2 or 3"),
    "invalid_validity": ("授权有效期不正确", "The validity period is not valid"),
    "invalid_id_number": ("身份证号码无效", "The resident ID number is not valid"),
    "invalid_credit_code": ("统一社会信用代码无效", "The unified social credit code is not valid"),
    "id_number_required": ("个人账号必须提供身份证号码", "A citizen account needs an ID number"),
    "weak_password": ("密码不符合要求", "The password does not meet the policy"),
    "duplicate_username": ("该用户名已被使用", "This username is taken"),
    # Said only to whoever proved the phone with a code (the sign-up page never says it).
    "phone_taken": (
        "该手机号已注册账号，请直接登录", "This phone number already has an account: log in"
    ),
    "privacy_notice_required": (
        "请阅读并同意隐私政策", "Read and accept the privacy notice"
    ),
    "duplicate_id_number": (
        "该身份证号码已注册账号", "An account with this ID number already exists"
    ),
    "duplicate_credit_code": (
        "该统一社会信用代码已登记", "A legal person with this credit code already exists"
    ),
    "unknown_representative": (
        "法定代表人须为已注册的个人账号", "The representative must be a registered citizen"
    ),
    "unknown_person": ("没有该用户名的个人账号", "No citizen account has this username"),
    "unknown_legal_person": (
        "没有该统一社会信用代码的法人", "No legal person has this credit code"
    ),
    "legal_person_inactive": ("该法人已注销或被暂停", "This legal person is not active"),
    "already_authorised": (
        "该用户已是此法人的有效经办人", "This person is already an active agent of it"
    ),
    "no_authorisation": (
        "该用户不是此法人的经办人", "This person is not an agent of this legal person"
    ),
}


class AccountError(ValueError):
    """Bad input to an account operation; nothing was written.

    ``code`` is stable (for programs and tests), ``description`` is shown to people, and
    ``reason`` (optional) names the exact rule, e.g. ``too_short`` or ``check_digit``.
    """

    def __init__(self, code: str, description: str | None = None, reason: str | None = None):
        zh, en = MESSAGES[code]
        self.code = code
        self.reason = reason
        self.description = description or f"{zh} / {en}"
        super().__init__(self.description)
