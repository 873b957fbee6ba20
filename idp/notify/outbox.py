"""The development sender: each message becomes one JSON line of ``<data dir>/outbox.jsonl``.

It really works locally (DESIGN.md, outside services): a developer or a test reads the code
from the file. The file holds codes and phone numbers in clear, so it is created 0600.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from idp.notify.sender import SmsMessage, SmsUnavailable

OUTBOX_NAME = "outbox.jsonl"


class OutboxSender:
    name = "outbox"

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, message: SmsMessage) -> None:
        line = json.dumps({"at": datetime.now(UTC).isoformat(timespec="seconds"),
                           "phone": message.phone, "kind": str(message.kind),
                           "text": message.text}, ensure_ascii=False) + "\n"
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.fchmod(fd, 0o600)  # also when an older file was made wider
                os.write(fd, line.encode())  # one write with O_APPEND: lines never interleave
            finally:
                os.close(fd)
        except OSError as error:
            raise SmsUnavailable(f"outbox_{type(error).__name__}") from error


def read_outbox(path: Path) -> list[dict[str, str]]:
    """Every message in the outbox file, oldest first (for development tools and tests)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
