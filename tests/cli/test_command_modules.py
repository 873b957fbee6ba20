"""The CLI helpers sit below the commands that use them (STYLE §17): every package's cli.py
imports them from idp.commands, which imports nothing of ours above the settings and the store;
only the entry point idp/cli.py imports the packages' groups."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("idp", "clients", "keys", "admin", "federation")
FOUNDATION = ("idp.settings", "idp.store", "idp.db")


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n for n in names if n.split(".")[0] in PACKAGES}


def test_no_module_imports_the_entry_point_back():
    importers = sorted(
        str(path.relative_to(ROOT)) for package in PACKAGES if (ROOT / package).is_dir()
        for path in (ROOT / package).rglob("*.py")
        if path != ROOT / "idp" / "cli.py" and "idp.cli" in _imported(path))
    assert importers == []


def test_the_helpers_import_only_the_foundation():
    ours = _imported(ROOT / "idp" / "commands.py")
    assert {n for n in ours if not n.startswith(FOUNDATION)} == set()


def test_every_package_cli_uses_the_helpers_module():
    users = [path for package in PACKAGES if (ROOT / package).is_dir()
             for path in (ROOT / package).rglob("*cli.py") if path != ROOT / "idp" / "cli.py"]
    assert users and all("idp.commands" in _imported(p) or "CliError" not in p.read_text()
                         for p in users)
