"""The import graph, read by grimp from the source (function-level and TYPE_CHECKING imports included): no cycles
anywhere in the project; no module imports from a layer above its own (the layers below, in the pipeline's order;
every module is in one); the library never imports the web app, and the public web app never imports the reviewer
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


# The library's layers, top to bottom: a module may import from its own layer and those below, never from one above.
# Modules named in one Layer are independent: neither imports the other. The engine boundary has two sides: pins and
# punkt (NLTK's sentence boundaries) serve language; the search engine (its interface, whoosh/) serves index and
# search, and its analyzer stems as language does. indexer/__init__.py (the public API, re-exporting every layer)
# and indexer/engine/__init__.py (a docstring) are in none: nothing of ours imports the first, the second imports
# nothing (checked below).
LIBRARY_LAYERS = (
    grimp.Layer("indexer.cli"),  # the library's commands
    grimp.Layer("indexer.kb_cli"),  # `sourcecheck kb ...`
    grimp.Layer("indexer.search"),
    grimp.Layer("indexer.index"),
    grimp.Layer("indexer.engine.interface", "indexer.schema"),  # schema: the analyzer's name in old builds' pickles
    grimp.Layer("indexer.engine.folder", "indexer.engine.postgres"),  # the two catalogs of builds
    grimp.Layer("indexer.engine.whoosh"),
    grimp.Layer("indexer.checking"),
    grimp.Layer("indexer.knowledge"),
    grimp.Layer("indexer.language"),
    grimp.Layer("indexer.engine.nltk_import"),  # NLTK's stemmer and punkt, imported without SciPy
    grimp.Layer("indexer.engine.pins", "indexer.engine.punkt"),
    grimp.Layer("indexer.documents"),
    grimp.Layer("indexer.settings"),
    grimp.Layer("indexer.errors"),
)
LIBRARY_FACADES = ("indexer", "indexer.engine")
# The web app's layers, top to bottom: the console script, the server, the reviewer plugin (which extends the public
# app, so nothing public imports it), the app factory, the public pages and API and what they share, the plugin
# hooks, and the leaves every part uses. webapp/__init__.py (create_app, a lazy import of the factory) is in none.
REVIEW_WEB = ("plugin", "cli", "api", "public", "pages", "schemas", "auth", "adapter", "web")
WEBAPP_LAYERS = (
    grimp.Layer("webapp.cli"),
    grimp.Layer("webapp.server"),
    grimp.Layer("webapp.review"),
    grimp.Layer("webapp.factory"),
    grimp.Layer("webapp.api", "webapp.pages"),
    grimp.Layer("webapp.about", "webapp.openapi", "webapp.results", "webapp.topics"),
    grimp.Layer("webapp.adapter", "webapp.reading"),
    grimp.Layer("webapp.plugins"),
    grimp.Layer("webapp.hookspecs"),
    grimp.Layer(
        *(f"webapp.{name}" for name in ("caching", "config", "errors", "formats", "labels", "library", "params")),
        *(f"webapp.{name}" for name in ("schemas", "security", "urls")),
    ),
)
WEBAPP_FACADES = ("webapp",)
# Inside the reviewer plugin: its web side (blueprints, the API, the CLI, the plugin itself) over its domain.
REVIEW_LAYERS = (
    grimp.Layer(*(f"webapp.review.{name}" for name in REVIEW_WEB), independent=False),
    grimp.Layer(*(f"webapp.review.{name}" for name in DOMAIN), independent=False),
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


def _violations(graph: grimp.ImportGraph, layers) -> list[str]:
    """Each import from a layer into one above it (or between independent modules of one layer), as text."""
    found = graph.find_illegal_dependencies_for_layers(layers=layers)
    return sorted(
        f"{dependency.importer} -> {dependency.imported} ({', '.join(sorted(route.heads))} imports"
        f" {', '.join(sorted(route.tails))})"
        for dependency in found
        for route in dependency.routes
    )


def _unlayered(graph: grimp.ImportGraph, package: str, layers, facades) -> list[str]:
    """The modules of `package` in no layer (and not a facade), which the layer check would not see."""
    names = [name for layer in layers for name in layer.module_tails]
    return sorted(
        module
        for module in graph.find_descendants(package) | {package}
        if module not in facades and not any(module == name or module.startswith(f"{name}.") for name in names)
    )


@pytest.mark.parametrize(
    ("package", "layers", "facades"),
    [("indexer", LIBRARY_LAYERS, LIBRARY_FACADES), ("webapp", WEBAPP_LAYERS, WEBAPP_FACADES)],
)
def test_no_module_imports_from_a_layer_above_it(graph, package, layers, facades):
    assert _unlayered(graph, package, layers, facades) == []
    assert _violations(graph, layers) == []


def test_the_reviewer_domain_is_below_its_web_side(graph):
    """Every module of webapp/review is on one side, and the domain never imports the web side."""
    assert _unlayered(graph, "webapp.review", REVIEW_LAYERS, ("webapp.review",)) == []
    assert _violations(graph, REVIEW_LAYERS) == []


def test_the_library_facades_are_outside_the_layers(graph):
    """No library module imports indexer/__init__.py (the public API, for others); indexer/engine/__init__.py imports
    nothing, so that importing punkt (below language) does not load the search engine (above checking)."""
    assert sorted(m for m in graph.find_modules_that_directly_import("indexer") if m.startswith("indexer.")) == []
    assert sorted(m for m in graph.find_modules_directly_imported_by("indexer.engine") if m.startswith("indexer")) == []


def test_the_layer_check_finds_an_import_from_above():
    """_violations on a graph where a lower layer imports a higher one (so that an empty answer means something)."""
    graph = grimp.ImportGraph()
    for module in ("indexer", *(name for layer in LIBRARY_LAYERS for name in layer.module_tails)):
        graph.add_module(module)
    for importer, imported in (
        ("indexer.search.library", "indexer.checking.analysis"),
        ("indexer.language.passages", "indexer.knowledge.base"),
        ("indexer.engine.punkt", "indexer.engine.pins"),
    ):
        graph.add_import(importer=importer, imported=imported)
    assert _violations(graph, LIBRARY_LAYERS) == [
        "indexer.engine.punkt -> indexer.engine.pins (indexer.engine.punkt imports indexer.engine.pins)",
        "indexer.language -> indexer.knowledge (indexer.language.passages imports indexer.knowledge.base)",
    ]
    assert _unlayered(graph, "indexer", LIBRARY_LAYERS, LIBRARY_FACADES) == []
    graph.add_module("indexer.stray")
    assert _unlayered(graph, "indexer", LIBRARY_LAYERS, LIBRARY_FACADES) == ["indexer.stray"]


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
