"""Console errors: a stable ``code`` and a bilingual, public description (never a secret)."""

from __future__ import annotations

import re

_CHINESE = re.compile("[\u4e00-\u9fff]")

MESSAGES: dict[str, tuple[str, str]] = {
    "reason_required": ("请填写操作原因。", "Give a reason for this change."),
    "not_found": ("对象不存在。", "No such object."),
    "bad_input": ("输入不正确。", "The input is not valid."),
    "fetch_failed": ("无法获取元数据。", "The metadata could not be fetched."),
    "protected": ("管理控制台自身的应用不能在控制台中修改（请使用命令行）。",
                  "The console's own client cannot be changed from the console (use the CLI)."),
}


class AdminError(Exception):
    """A console operation refused for a reason the administrator can fix."""

    status = 400

    def __init__(self, code: str, description: str | None = None, status: int = 400) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        zh, en = MESSAGES.get(code, (code, code))
        self.description_en = description or en
        self.detail = description  # as given: the JSON API's error_description (field first)
        # Chinese first: a detail written in English only (a field rule, a parser's words)
        # follows the code's Chinese message, so the administrator reads Chinese first.
        if description and not _CHINESE.search(description):
            self.description_zh = f"{zh.rstrip('。')}：{description}"
        else:
            self.description_zh = description or zh

    def describe(self, language: str) -> str:
        """For a page: Chinese first (or English)."""
        return self.description_en if language == "en" else self.description_zh

    def describe_for_api(self, language: str) -> str:
        """For the JSON API: the detail as given (programs match its leading field name)."""
        return self.detail or self.describe(language)
