"""The house as docs/architecture.md draws it: layers import downward only, and no cycles.

Read from the source (``ast``), so a wrong arrow fails here instead of waiting for a review.
Imports under ``if TYPE_CHECKING:`` are annotations, not dependencies, and are not counted.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("idp", "federation", "clients", "keys", "admin")

# Lowest first; a module may import its own layer and the layers below it. The same table is
# drawn in docs/architecture.md.
LAYERS: list[tuple[str, ...]] = [
    ("idp", "idp.settings", "idp.db", "idp.store", "idp.commands", "idp.json_body",
     "idp.params", "idp.masking", "idp.metrics", "idp.log_format"),  # foundation
    ("idp.audit",),  # the hash-chained audit log
    ("keys",),  # key store, sealing, signing
    ("idp.notify",),  # messages to people (SMS)
    ("idp.accounts", "idp.authn", "idp.sso", "idp.claims",
     "idp.verification"),  # identity core
    ("clients", "federation"),  # registries of relying parties and upstream sources
    ("idp.services",),  # the app's long-lived parts, assembled
    ("idp.web", "idp.oidc", "idp.saml", "idp.privacy"),  # HTTP, protocols, the person's rights
    ("admin",),  # the console
    ("idp.app", "idp.cli", "idp.server", "idp.worker_app", "idp.bootstrap", "idp.demo",
     "idp.models", "idp.metrics_listener", "idp.body_first"),  # wiring
]
RANK = {group: rank for rank, groups in enumerate(LAYERS) for group in groups}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _group(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "idp" else parts[0]


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from idp.audit import chain" may name a submodule: _resolve keeps the longest
            # prefix that is a module.
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        stack.extend(ast.iter_child_nodes(node))
    return {name for name in found if name.split(".")[0] in PACKAGES}


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            graph[_module_name(path)] |= _imports(ast.parse(path.read_text(), str(path)))
    return graph


def _resolve(name: str, modules: set[str]) -> str:
    """The module an imported name lives in: ``idp.audit.record`` for ``idp.audit.record.Actor``,
    ``idp.audit`` for a name the package itself defines."""
    while name not in modules and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def test_every_package_has_a_layer():
    groups = {_group(module) for module in import_graph()}
    assert groups - RANK.keys() == set(), "add the new package to LAYERS and the docs"


def test_no_import_runs_up_to_a_higher_layer():
    upward = [
        f"{module} -> {target}"
        for module, targets in sorted(import_graph().items())
        for target in sorted(targets)
        if RANK.get(_group(target), -1) > RANK.get(_group(module), -1)
    ]
    assert upward == []


def test_no_import_cycles():
    graph = import_graph()
    modules = set(graph)
    edges = {m: {_resolve(t, modules) for t in ts} - {m} for m, ts in graph.items()}
    cycles = [sorted(c) for c in _strongly_connected(edges) if len(c) > 1]
    assert cycles == []


def _strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(component)
    return found


def test_the_architecture_document_draws_every_layer_and_names_real_files():
    document = (ROOT / "docs" / "architecture.md").read_text()
    assert [group for groups in LAYERS for group in groups if group not in document] == []
    named = re.findall(r"`((?:idp|clients|keys|admin|federation)/[\w/]+\.py)`", document)
    assert named and [path for path in named if not (ROOT / path).is_file()] == []
