"""Owner-only files for what the IdP keeps on local disk: the data folder (0700), the embedded
SQLite database, the generated KEK and the bootstrap administrator's password (0600).

The process umask would otherwise decide (typically 0022: world-readable), and the database
holds sealed keys, encrypted personal data and the audit log.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) with the folder itself owner-only. A folder that
    already exists keeps its mode: it is the operator's."""
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True)
        os.chmod(path, PRIVATE_DIR)  # mkdir's mode is filtered by the umask; chmod is not
    return path


def private_sqlite_file(database_url: str) -> None:
    """Create an SQLite database file owner-only before SQLite creates it with the umask's
    mode; SQLite gives its -wal and -shm files the database file's mode. Other databases,
    in-memory ones and existing files are left alone."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return
    path = Path(url.database)
    private_dir(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        pass


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` owner-only, replacing it whole: written beside it and renamed,
    so a crash never leaves half a secret."""
    private_dir(path.parent)
    temp = path.with_name(path.name + ".new")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(temp, PRIVATE_FILE)  # an existing .new file keeps its old mode through O_TRUNC
    os.replace(temp, path)
