"""An SMS gateway reached by one JSON POST per message.

The body is the ``IDP_SMS_GATEWAY_TEMPLATE`` with ``{phone}``, ``{text}`` and ``{kind}``
replaced by the values escaped for the inside of a JSON string, so a template reads
``{"mobile": "{phone}", "content": "{text}"}`` and no message text can change its structure.
Network errors, timeouts, 429 and 5xx answers are retried (a short pause between); other
answers are final. The gateway token, when set, goes as ``Authorization: Bearer``.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request

from idp.notify.sender import SmsMessage, SmsUnavailable

_PLACEHOLDER = re.compile(r"\{(phone|text|kind)\}")
RETRY_PAUSE_SECONDS = 0.2


def fill_template(template: str, **values: str) -> bytes:
    """The request body: each placeholder replaced in one pass (a value holding "{text}" is
    not substituted again), the values JSON-escaped."""
    body = _PLACEHOLDER.sub(lambda m: json.dumps(values[m[1]], ensure_ascii=False)[1:-1],
                            template)
    json.loads(body)  # the settings check the template; this keeps a bad one from going out
    return body.encode()


class HttpGatewaySender:
    name = "http"

    def __init__(self, url: str, template: str, *, timeout: float, retries: int,
                 token: str = "") -> None:
        self.url = url
        self.template = template
        self.timeout = timeout
        self.retries = retries
        self.token = token

    def send(self, message: SmsMessage) -> None:
        body = fill_template(self.template, phone=message.phone, text=message.text,
                             kind=str(message.kind))
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        reason = "not_sent"
        for attempt in range(1, self.retries + 2):
            if attempt > 1:
                time.sleep(RETRY_PAUSE_SECONDS * (attempt - 1))
            # S310: the URL is the operator's setting, checked to be http(s) at start-up.
            request = urllib.request.Request(  # noqa: S310
                self.url, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                    answer.read()
                return
            except urllib.error.HTTPError as error:
                error.close()  # it holds the answer's connection
                reason = f"http_{error.code}"
                if error.code != 429 and error.code < 500:
                    raise SmsUnavailable(reason, attempt) from None
            except TimeoutError:
                reason = "timeout"
            except urllib.error.URLError as error:
                reason = "timeout" if isinstance(error.reason, TimeoutError) else "connection"
            except OSError:
                reason = "connection"
        raise SmsUnavailable(reason, self.retries + 1)
