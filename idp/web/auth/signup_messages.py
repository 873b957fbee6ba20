"""What the sign-up pages say about a refused send or a code that did not prove the phone.

The same words whether or not the phone is registered: the pages never tell.
"""

from __future__ import annotations

from idp.authn.one_time_codes import MAX_TRIES, CodeCheck
from idp.authn.send_limits import SendRefusal
from idp.web.i18n import t


def refusal_message(refusal: SendRefusal | None) -> str:
    if refusal is SendRefusal.TOO_SOON:
        return t("获取验证码过于频繁，请1分钟后再试。",
                 "Codes were asked for too often: try again in a minute.")
    if refusal is SendRefusal.DAILY_LIMIT:
        return t("该手机号今日获取验证码次数已达上限，请明天再试。",
                 "This phone has had as many codes as it may today: try again tomorrow.")
    if refusal is SendRefusal.IP_LIMIT:
        return t("当前网络获取验证码过于频繁，请稍后再试。",
                 "Too many codes were asked for from your network: try again later.")
    return t("短信服务暂时不可用，请稍后再试。",
             "The SMS service is unavailable at the moment: try again later.")


def code_message(result: CodeCheck) -> str:
    if result is CodeCheck.WRONG:
        return t("验证码不正确，请核对短信后重新输入。",
                 "That code is not right: check the SMS and type it again.")
    return t(f"验证码已失效（超过5分钟或错误{MAX_TRIES}次），请重新获取。",
             f"The code is no longer valid (older than 5 minutes or {MAX_TRIES} wrong tries): "
             "ask for a new one.")
