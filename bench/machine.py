"""The machine line every benchmark prints first, so figures are never read without it."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path


def _cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.processor() or "unknown cpu"
    return next((line.split(":", 1)[1].strip() for line in lines
                 if line.startswith("model name")), platform.processor() or "unknown cpu")


def _memory_gib() -> int | None:
    try:
        return int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    except (OSError, IndexError, ValueError):
        return None


def _node_version() -> str:
    try:
        return subprocess.run(["node", "--version"], capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "absent"


def machine(*, node: bool = False) -> str:
    """CPU model, cores, memory, OS and Python (and node's version when it is measured too)."""
    parts = [_cpu_model(), f"{os.cpu_count()} cores"]
    memory = _memory_gib()
    if memory is not None:
        parts.append(f"{memory} GiB")
    parts += [f"{platform.system()} {platform.release()}", f"Python {platform.python_version()}"]
    if node:
        parts.append(f"node {_node_version()}")
    return ", ".join(parts)
