"""Refusals of verification, registration and invitations: a stable ``code`` and a bilingual
``description`` that never holds the rejected value (an ID number is never echoed)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "not_found": (
        "姓名与身份证号码未通过人口信息核验，请检查后重试",
        "The name and ID number were not confirmed by the population register: check them",
    ),
    "already_verified": (
        "您的账号已完成实名认证", "Your account is already real-name verified",
    ),
    "id_number_taken": (
        "该身份证号码已由另一个账号完成实名认证。如果那是您的账号，请找回该账号（忘记密码）"
        "，而不是再次认证",
        "This ID number is already verified on another account. If it is yours, recover that "
        "account (forgot password) instead of verifying again",
    ),
    "id_number_differs": (
        "身份证号码与账号登记的号码不一致", "The ID number differs from the one on your account",
    ),
    "too_many_tries": (
        "核验次数过多，请一小时后再试", "Too many tries: try again in an hour",
    ),
    "level_required": (
        "请先完成实名认证", "Verify your real name first",
    ),
    "entity_not_found": (
        "统一社会信用代码与单位名称未通过法人库核验，请检查后重试",
        "The credit code and name were not confirmed by the legal-entity register",
    ),
    "not_representative": (
        "法人库登记的法定代表人不是您，无法以法定代表人身份登记该单位",
        "The register names someone else as this organisation's legal representative",
    ),
    "entity_registered": (
        "该单位已登记，请联系其法定代表人", "This organisation is already registered",
    ),
    "not_your_entity": (
        "您不是该单位的法定代表人", "You are not this organisation's legal representative",
    ),
    "unknown_invitee": (
        "没有该用户名或手机号的已实名个人账号",
        "No real-name verified citizen has this username or phone",
    ),
    "invalid_validity": ("授权有效期不正确", "The validity period is not valid"),
    "no_invitation": ("没有该邀请或已处理", "No such open invitation"),
    "unavailable": (
        "核验服务暂时不可用，请稍后再试", "The verification service is unavailable: try later",
    ),
}


class VerificationError(ValueError):
    """A refusal; nothing was written (except the audit event and a counted try)."""

    def __init__(self, code: str, description: str | None = None) -> None:
        zh, en = MESSAGES[code]
        self.code = code
        self.description = description or f"{zh} / {en}"
        super().__init__(self.description)
