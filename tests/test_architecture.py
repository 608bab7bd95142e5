"""The layout's rules, checked over the source (docs/architecture.md draws them).

Every import counts, at module level or inside a function (a function-local import does
not hide a dependency), except those under `if TYPE_CHECKING:` (annotations only).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Bottom to top. A package may import its own floor and the floors below it.
LAYERS: list[tuple[str, ...]] = [
    ("lib",),  # framework-light helpers: environment, SSRF guard, counting, crypto, task queue
    ("ops",),  # heartbeats and health
    ("accounts",),  # organisations, people, roles, tenancy, audit, connected accounts
    ("platforms",),  # one connector per platform behind one contract
    ("content", "inbox"),  # posts, calendar, approvals, publishing; the unified inbox
    ("analytics",),
    # The writing assistant reads drafts, accounts' limits, conversations, saved replies and
    # media to ask an organisation's own chat endpoint; nothing below it imports it (the
    # composer and the inbox show its panels through its template tags).
    ("assistant",),
    ("api",),  # the public REST API and webhooks: listens to the domain's signals
    ("mcp_server",),  # MCP tools for AI agents: the API's tokens, caps, serializers, queries
    ("socialmgr",),  # project wiring: settings, urls, overview, status, export/import
]
# The sandbox network is a program of its own: it may use the helpers and nothing else.
STANDALONE = {"sandbox": {"lib"}}

# The upward arrows we keep, each with its reason (docs/architecture.md, "Upward arrows").
ALLOWED_UPWARD = {
    ("accounts", "platforms"): "connecting and reconnecting an account runs the connector's "
                               "OAuth flow; the connected-accounts pages and services are the "
                               "next thing to move above the connectors",
    ("content", "analytics"): "the publishing worker applies the organisation's link rules "
                              "(UTM parameters, own short links) to a post's links",
    ("accounts", "sandbox"): "seed_demo starts and drives the sandbox network's admin API",
}

FLOOR = {package: level for level, floor in enumerate(LAYERS) for package in floor}
PACKAGES = [*FLOOR, *STANDALONE]


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts or "node_modules" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for part in node.body for child in ast.walk(part))
    return skipped


def _imports(module: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    skipped = _type_checking_nodes(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    targets = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets.update(filter(None, (_resolve(alias.name) for alias in node.names)))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                target = _resolve(f"{base}.{alias.name}") or _resolve(base)
                if target:
                    targets.add(target)
    targets.discard(module)
    return targets


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
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
                    work.append((child, iter(sorted(graph[child]))))
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
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _arrows() -> dict[tuple[str, str], list[str]]:
    arrows: dict[tuple[str, str], list[str]] = {}
    for module, targets in GRAPH.items():
        for target in targets:
            pair = (module.split(".")[0], target.split(".")[0])
            if pair[0] != pair[1]:
                arrows.setdefault(pair, []).append(f"{module} -> {target}")
    return arrows


def test_the_graph_sees_the_code():
    assert "content.services.transitions" in MODULES
    assert "content.models" in GRAPH["content.services.transitions"]


def test_no_import_circles():
    assert _cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _upward() -> dict[tuple[str, str], list[str]]:
    """Arrows to a higher floor, and arrows from the app into the standalone sandbox (the
    project wiring on the top floor may start it)."""
    def up(source: str, target: str) -> bool:
        if target in STANDALONE:
            return source in FLOOR and source != "socialmgr"
        return source in FLOOR and target in FLOOR and FLOOR[target] > FLOOR[source]

    return {pair: edges for pair, edges in _arrows().items() if up(*pair)}


def test_every_import_points_down_except_the_named_few():
    upward = _upward()
    assert {pair: edges for pair, edges in upward.items() if pair not in ALLOWED_UPWARD} == {}
    # The allowance shrinks as arrows are mended: a mended arrow leaves the list.
    assert set(ALLOWED_UPWARD) <= set(upward)
    assert len(ALLOWED_UPWARD) <= 3


def test_the_sandbox_depends_on_nothing_of_the_app():
    for pair, edges in _arrows().items():
        if pair[0] in STANDALONE:
            assert pair[1] in STANDALONE[pair[0]], edges


def test_domain_modules_never_import_the_api():
    for pair, edges in _arrows().items():
        if pair[1] == "api":
            assert pair[0] in ("mcp_server", "socialmgr"), edges


def test_services_never_import_tasks():
    offenders = [f"{module} -> {target}" for module, targets in GRAPH.items()
                 if ".services" in module or ".pipeline" in module
                 for target in targets if target.endswith(".tasks") or ".tasks." in target]
    assert offenders == []
