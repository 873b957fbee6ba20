"""The few HTTP calls an upstream needs (discovery, JWKS, token, userinfo), with a bounded
timeout: an upstream that is down or slow becomes ``SourceUnavailable`` within it, so its door
says so and the other doors go on. The standard library's client, as the rest of the outbound
calls here (idp/oidc/logout/backchannel.py, idp/notify/http_gateway.py)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from federation.contract import SourceRefused, SourceUnavailable

MAX_BODY = 1 << 20  # a discovery document, JWKS or token answer is a few KB


def get_json(url: str, *, timeout: float, token: str | None = None) -> dict[str, Any]:
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return _call(urllib.request.Request(url, headers=headers), timeout)  # noqa: S310


def post_form(url: str, form: Mapping[str, str], *, timeout: float,
              headers: Mapping[str, str] | None = None) -> dict[str, Any]:
    body = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={  # noqa: S310
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
        **(headers or {})})
    return _call(request, timeout)


def _call(request: urllib.request.Request, timeout: float) -> dict[str, Any]:
    if not request.full_url.startswith(("https://", "http://")):
        raise SourceRefused("身份提供方配置有误。", f"not an http(s) URL: {request.full_url}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            raw = answer.read(MAX_BODY + 1)
    except urllib.error.HTTPError as exc:
        if exc.code >= 500:
            raise SourceUnavailable("该身份提供方暂时不可用。",
                                    f"{_where(request)}: HTTP {exc.code}") from exc
        error = _error_of(exc.read(4096))
        raise SourceRefused("身份提供方拒绝了本次登录。",
                            f"{_where(request)}: HTTP {exc.code} {error}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SourceUnavailable("该身份提供方暂时不可用。",
                                f"{_where(request)}: {type(exc).__name__}: {exc}") from exc
    if len(raw) > MAX_BODY:
        raise SourceRefused("身份提供方的应答无效。", "answer too large")
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise SourceRefused("身份提供方的应答无效。", "answer is not JSON") from exc
    if not isinstance(data, dict):
        raise SourceRefused("身份提供方的应答无效。", "answer is not a JSON object")
    return data


def _where(request: urllib.request.Request) -> str:
    # Scheme, host and path only: a query could carry a code or a token.
    parts = urllib.parse.urlsplit(request.full_url)
    return f"{request.get_method()} {parts.scheme}://{parts.netloc}{parts.path}"


def _error_of(raw: bytes) -> str:
    try:
        return str(json.loads(raw).get("error", ""))[:64]
    except (ValueError, AttributeError):
        return ""
