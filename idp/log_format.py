"""Log lines: text (the default) or one JSON object per line (``IDP_LOG_FORMAT=json``).

Every line written while a request is served carries that request's id, the id its answer
carried in ``X-Request-Id`` and its error page showed, so one complaint leads to its lines.
The request's method and path go with it, never the query string (it may carry a code or a
token); a request's last line (``idp.access``) adds its status and duration in seconds.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

FORMATS = ("text", "json")
ACCESS_LOGGER = "idp.access"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    method: str
    path: str


# The request this thread is serving (set by idp.web.observe), for every line logged meanwhile.
current_request: ContextVar[RequestContext | None] = ContextVar("current_request", default=None)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (RFC 3339, UTC), level, logger, message, then the
    request's id, method and path when there is one, and status and duration when given."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = current_request.get()
        if request is not None:
            line.update(request_id=request.request_id, method=request.method, path=request.path)
        for name in ("status", "duration"):
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The usual text line; inside a request it ends with the request's id."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        request = current_request.get()
        return f"{text} request_id={request.request_id}" if request is not None else text


def formatter(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else TextFormatter()


def configure(log_format: str, level: int = logging.INFO) -> None:
    """Send every log line to stderr in log_format ("text" or "json"). As basicConfig, it
    leaves a root logger that has handlers already alone (a test runner's capture)."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(log_format))
    root.handlers[:] = [handler]
    root.setLevel(level)


def json_logconfig(*server_loggers: str, access_lines: bool = True) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for ``IDP_LOG_FORMAT=json`` that an HTTP server applies
    in its processes: its own loggers (start, stop, a worker's death) as JSON lines too, and
    our access lines (``idp.access``) on or off."""
    handler = {"class": "logging.StreamHandler", "formatter": "json",
               "stream": "ext://sys.stderr"}
    loggers: dict[str, Any] = {name: {"level": "INFO", "handlers": ["console"],
                                      "propagate": False} for name in server_loggers}
    loggers[ACCESS_LOGGER] = {"level": "INFO" if access_lines else "WARNING"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        # Under the names the servers' own configurations use, which this one replaces.
        "handlers": {"console": handler, "error_console": handler, "access": handler},
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": loggers,
    }
