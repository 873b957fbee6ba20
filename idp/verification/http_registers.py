"""The registers as HTTP services: one JSON POST per check, the body HMAC-signed.

Request: ``POST <url>`` with a JSON body, ``X-Yiwang-Timestamp: <unix seconds>`` and
``X-Yiwang-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>``, so the
service can refuse a forged or replayed request. Answer: ``{"result": "<verdict>"}`` with a
verdict of ``registers.PersonVerdict`` / ``EntityVerdict``. Anything else (network error,
timeout, non-200, malformed JSON, unknown verdict) raises ``RegisterUnavailable``: a check that
cannot be made is never taken as a refusal nor as a match. A refused connection, 429 or 5xx is
tried once more.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from enum import StrEnum
from typing import TypeVar

from idp.verification.registers import EntityVerdict, PersonVerdict, RegisterUnavailable

SIGNATURE_HEADER = "X-Yiwang-Signature"
TIMESTAMP_HEADER = "X-Yiwang-Timestamp"
_MAX_ANSWER = 64 * 1024
V = TypeVar("V", bound=StrEnum)
RETRY_PAUSE_SECONDS = 0.2


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for a body sent at timestamp."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


class _HttpRegister:
    name = "http"

    def __init__(self, url: str, secret: str, timeout: float) -> None:
        self.url, self.secret, self.timeout = url, secret, timeout

    def _ask(self, fields: dict[str, str], verdicts: type[V]) -> V:
        """One retry after a refused connection, 429 or 5xx (a node of the service restarting);
        none after a timeout: the person is already waiting that long."""
        try:
            return self._post(fields, verdicts)
        except _Retry:
            time.sleep(RETRY_PAUSE_SECONDS)
        try:
            return self._post(fields, verdicts)
        except _Retry as error:
            raise RegisterUnavailable(error.detail) from None

    def _post(self, fields: dict[str, str], verdicts: type[V]) -> V:
        body = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
        stamp = str(int(time.time()))  # signed anew, so a retry is not a replay
        headers = {"Content-Type": "application/json; charset=utf-8",
                   TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: signature(self.secret, stamp, body)}
        # S310: the URL is the operator's setting, checked to be http(s) at start-up.
        request = urllib.request.Request(  # noqa: S310
            self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                raw = answer.read(_MAX_ANSWER)
            return verdicts(json.loads(raw)["result"])
        except urllib.error.HTTPError as error:
            error.close()
            detail = f"{self.url} answered {error.code}"
            if error.code == 429 or error.code >= 500:
                raise _Retry(detail) from None
            raise RegisterUnavailable(detail) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, ConnectionRefusedError):
                raise _Retry(f"{self.url}: {error.reason!r}") from None
            raise RegisterUnavailable(f"{self.url}: {error.reason!r}") from None
        except (OSError, ValueError, KeyError, TypeError) as error:  # timeouts, bad answers
            raise RegisterUnavailable(f"{self.url}: {error!r}") from None


class _Retry(RegisterUnavailable):
    """A failure worth one more try."""


class HttpPopulationRegister(_HttpRegister):
    def check(self, id_number: str, name: str) -> PersonVerdict:
        return self._ask({"id_number": id_number, "name": name}, PersonVerdict)


class HttpEntityRegister(_HttpRegister):
    def check(self, credit_code: str, name: str, representative_id_number: str) -> EntityVerdict:
        return self._ask({"credit_code": credit_code, "name": name,
                          "representative_id_number": representative_id_number}, EntityVerdict)
