"""What a SAML endpoint tells the browser, decided by the service code, rendered by the view."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Answer:
    kind: str  # "post" (auto-submit form), "redirect", "error" (error page), "page"
    url: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    status: int = 200
    message: str = ""
    clear_session: bool = False  # the SSO session ended: the view clears its cookie
    # Front-channel logout URLs of other protocols' sites: the browser loads them in iframes,
    # then continues to this answer (``templates/logout/frames.html``).
    frames: list[str] = field(default_factory=list)

    @classmethod
    def post(cls, url: str, fields: dict[str, str]) -> Answer:
        return cls("post", url=url, fields=fields)

    @classmethod
    def redirect(cls, url: str) -> Answer:
        return cls("redirect", url=url, status=303)

    @classmethod
    def error(cls, message: str, status: int = 400) -> Answer:
        return cls("error", status=status, message=message)
