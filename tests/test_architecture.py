"""The import graph, read by grimp from the source (function-level and TYPE_CHECKING imports included): no cycles
anywhere in the project, the library never imports the web app, and the public web app never imports the reviewer
package (the review plugin is loaded by name and plugs in through hooks: webapp/hookspecs.py)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("indexer", "webapp", "bench")
SCRIPTS = ROOT / "scripts"  # loose scripts, not a package: grimp cannot read them, ast can
# the reviewer domain: never flask (the web layer of webapp/review is auth, adapter, pages, public, api, web...)
DOMAIN = (
    "store",
    "models",
    "migrations",
    "accounts",
    "passwords",
    "sessions",
    "throttle",
    "claims",
    "queue",
    "counts",
    "priority",
    "sync",
    "decisions",
    "audit",
    "exports",
    "overlay",
    "errors",
)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    sys.path.insert(0, str(ROOT))  # the checkout's packages, whatever is installed
    try:
        return grimp.build_graph(*PACKAGES, include_external_packages=True, cache_dir=None)
    finally:
        sys.path.remove(str(ROOT))


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every strongly connected group of two or more of our modules (Tarjan), each a cycle or several."""
    ours = sorted(m for m in graph.modules if m.split(".")[0] in PACKAGES)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported.split(".")[0] not in PACKAGES:
                continue
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1 or module in graph.find_modules_directly_imported_by(module):
                found.append(sorted(group))

    for module in ours:
        if module not in index:
            visit(module)
    return found


def test_the_graph_is_read_whole(graph):
    """A guard for the tests below: grimp found our modules and the imports held in functions."""
    assert {"indexer.cli", "webapp.factory", "webapp.review.plugin", "bench.run"} <= graph.modules
    assert "webapp.factory" in graph.find_modules_directly_imported_by("webapp")  # webapp/__init__.py's lazy import


def test_no_import_cycles(graph):
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    """_cycles on a graph with a known cycle (so that an empty answer above means something)."""
    graph = grimp.ImportGraph()
    for importer, imported in (
        ("indexer.a", "indexer.b"),
        ("indexer.b", "indexer.c"),
        ("indexer.c", "indexer.a"),
        ("indexer.c", "indexer.d"),
    ):
        graph.add_import(importer=importer, imported=imported)
    assert _cycles(graph) == [["indexer.a", "indexer.b", "indexer.c"]]


def test_the_library_never_imports_the_web_app_or_flask(graph):
    for imported in ("webapp", "flask", "werkzeug"):
        chain = graph.find_shortest_chain(importer="indexer", imported=imported, as_packages=True)
        assert chain is None, f"indexer reaches {imported}: {' -> '.join(chain)}"


def test_the_public_web_app_never_imports_the_reviewer_package(graph):
    public = sorted(m for m in graph.find_descendants("webapp") | {"webapp"} if not m.startswith("webapp.review"))
    assert "webapp.pages" in public and "webapp.cli" in public
    for module in public:
        direct = sorted(m for m in graph.find_modules_directly_imported_by(module) if m.startswith("webapp.review"))
        assert direct == [], f"{module} imports {direct}"
        reached = sorted(m for m in graph.find_upstream_modules(module) if m.startswith("webapp.review"))
        assert reached == [], f"{module} imports, through others, {reached}"


def test_the_reviewer_domain_never_imports_flask(graph):
    for name in DOMAIN:
        module = f"webapp.review.{name}"
        assert module in graph.modules, module
        for imported in ("flask", "werkzeug", "webapp.factory", "webapp.review.web", "webapp.review.plugin"):
            chain = graph.find_shortest_chain(importer=module, imported=imported, as_packages=True)
            assert chain is None, f"{module} reaches {imported}: {' -> '.join(chain)}"


def test_scripts_import_none_of_our_packages_cyclically():
    """The loose scripts are leaves: nothing imports them (they are not modules of a package)."""
    for script in sorted(SCRIPTS.glob("*.py")):
        tree = ast.parse(script.read_text(), str(script))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("scripts"), script
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            source = path.read_text()
            assert "from scripts" not in source and "import scripts" not in source, path
