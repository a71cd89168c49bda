"""The engine boundary: its fast paths and the plain libraries give the same passages, verdicts and search results;
the pins are pyproject's; nothing outside indexer/engine reaches into whoosh's or NLTK's internals."""

from __future__ import annotations

import ast
import logging
import re
import tomllib
from pathlib import Path

import pytest

from indexer import (
    Document,
    Library,
    SearchRequest,
    SettingError,
    build_index,
    current_build,
    load_corpus,
    split_passages,
)
from indexer.engine import pins
from indexer.engine.interface import default_engine
from indexer.engine.pins import PINS, internals
from indexer.engine.whoosh import WhooshEngine
from indexer.engine.whoosh.plain import PARTS

pytestmark = pytest.mark.whoosh_only  # whoosh's own segments, scorer and writers

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "indexer" / "engine"
# what the rest of the library may import from whoosh and NLTK: their public query and stemming API
PUBLIC = {"whoosh.query", "whoosh.qparser", "nltk.stem.snowball"}
QUERIES = (
    "miscarriage",
    "IUI",
    "insemination after miscarriage",
    "stress and fertility",
    '"washed sperm"',
    "iui OR ici",
    "miscarriage NOT stress",
    "fert*",
    "zzzz unknownword",
)


def test_the_pins_are_the_exact_versions_pyproject_requires():
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    exact = dict(
        re.fullmatch(r"([\w.-]+)==([\w.]+)", d.split(";")[0].strip()).groups() for d in dependencies if "==" in d
    )
    assert PINS == {name: exact[name] for name in PINS}


@pytest.mark.parametrize("value, expected", [("off", False), ("false", False), ("0", False), ("no", False)])
def test_the_setting_turns_the_internals_off(value, expected):
    assert internals({"SOURCECHECK_ENGINE_INTERNALS": value}) is expected
    assert default_engine({"SOURCECHECK_ENGINE_INTERNALS": value}) == WhooshEngine(internals=False)


def test_the_internals_are_on_by_default_with_the_pinned_versions():
    assert internals({}) is internals({"SOURCECHECK_ENGINE_INTERNALS": "on"}) is True


def test_a_value_the_setting_cannot_take_names_it():
    with pytest.raises(SettingError, match="ENGINE_INTERNALS must be true or false, not 'sometimes'"):
        internals({"SOURCECHECK_ENGINE_INTERNALS": "sometimes"})


def test_another_version_of_a_library_turns_the_internals_off(monkeypatch, caplog):
    monkeypatch.setitem(pins.PINS, "nltk", "0.0.1")
    pins.pinned_versions_installed.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="indexer.engine.pins"):
            assert internals({"SOURCECHECK_ENGINE_INTERNALS": "on"}) is False
        assert "nltk" in caplog.text and "written for 0.0.1" in caplog.text
    finally:
        monkeypatch.undo()
        pins.pinned_versions_installed.cache_clear()
    assert internals({}) is True


def _passages(docs) -> list:
    return [(p.id, p.heading, p.start, p.end, p.sentences) for doc in docs for p in split_passages(doc)]


def test_the_sentences_and_passages_are_the_same_without_the_internals(monkeypatch, seeds_dir):
    docs = list(load_corpus([seeds_dir]))
    assert len(docs) == 5 and all(isinstance(d, Document) for d in docs)
    monkeypatch.setenv("SOURCECHECK_ENGINE_INTERNALS", "on")
    fast = _passages(docs)
    monkeypatch.setenv("SOURCECHECK_ENGINE_INTERNALS", "off")
    assert _passages(docs) == fast


@pytest.fixture(scope="module")
def both_builds(tmp_path_factory, seeds_dir) -> dict[bool, Path]:
    """The seeds built by each path: the internals' segment writer, and whoosh's own writer."""
    builds = {}
    for fast in (True, False):
        root = tmp_path_factory.mktemp(f"engine-{fast}")
        build_index([seeds_dir], root, engine=WhooshEngine(internals=fast))
        builds[fast] = root
    return builds


def test_both_paths_store_the_same_documents_and_passages(both_builds):
    fast, plain = (current_build(both_builds[k]) for k in (True, False))
    assert (fast / "documents.jsonl").read_bytes() == (plain / "documents.jsonl").read_bytes()
    assert (fast / "vocabulary.json").read_bytes() == (plain / "vocabulary.json").read_bytes()
    assert not (plain / PARTS).exists()  # the parts were merged and removed
    stored = {}
    for k, root in both_builds.items():
        ix = WhooshEngine(internals=k).open(current_build(root))
        with ix.searcher() as searcher:
            stored[k] = [searcher.stored_fields(d) for d in range(searcher.doc_count_all())]
    assert stored[True] == stored[False] and len(stored[True]) > 50


@pytest.mark.parametrize("query", QUERIES)
def test_both_paths_find_the_same_passages_with_the_same_scores(both_builds, query):
    pages = {}
    for k, root in both_builds.items():
        with Library(root, engine=WhooshEngine(internals=k)) as library:
            page = library.search(SearchRequest(query, per_page=100, evidence_ranking=False))
        pages[k] = page
    assert pages[True].total == pages[False].total
    assert pages[True].suggestion == pages[False].suggestion
    found = {k: sorted((h.passage_id, round(h.score, 5)) for h in page.hits) for k, page in pages.items()}
    assert found[True] == found[False]
    assert [h.passage_id for h in pages[True].hits[:3]] == [h.passage_id for h in pages[False].hits[:3]]


def _whoosh_and_nltk_uses(path: Path) -> tuple[set[str], list[str]]:
    """The whoosh and NLTK modules `path` imports, and the private attributes it reads of their names."""
    tree = ast.parse(path.read_text(), str(path))
    modules, names = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("whoosh", "nltk"):
            for alias in node.names:
                # "from whoosh import query" imports the module whoosh.query; "from x.y import Z" a name of x.y
                is_module = node.module in ("whoosh", "nltk")
                modules.add(f"{node.module}.{alias.name}" if is_module else node.module)
                names.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ("whoosh", "nltk"):
                    modules.add(alias.name)
                    names.add((alias.asname or alias.name).split(".")[0])
    private = [
        f"{node.value.id}.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in names
        and node.attr.startswith("_")
    ]
    return modules, private


def test_only_the_engine_reaches_into_whoosh_and_nltk():
    outside = [p for p in (ROOT / "indexer").rglob("*.py") if ENGINE not in p.parents]
    assert len(outside) > 20
    for path in outside:
        modules, private = _whoosh_and_nltk_uses(path)
        assert modules <= PUBLIC, f"{path.relative_to(ROOT)} imports {sorted(modules - PUBLIC)}"
        assert private == [], f"{path.relative_to(ROOT)} reads {private}"


def test_the_guard_sees_internals():
    """The scan above finds what it looks for (so that finding nothing outside the engine means something)."""
    modules, private = _whoosh_and_nltk_uses(ENGINE / "whoosh" / "blocks.py")
    assert "whoosh.codec.whoosh3" in modules and "W3TermInfo._struct" in private
    modules, _ = _whoosh_and_nltk_uses(ENGINE / "whoosh" / "scoring.py")
    assert modules == {"whoosh.query", "whoosh.codec.whoosh3", "whoosh.scoring"}


def test_a_build_made_before_the_engine_moved_still_opens():
    """whoosh pickles the schema with each build, the analyzer by its module: earlier builds name indexer.schema."""
    import pickle

    from indexer.engine.whoosh.schema import WordAnalyzer, build_schema

    old = pickle.dumps(build_schema(), 2)  # protocol 2 names classes as text lines: "c<module>\n<name>\n"
    assert b"cindexer.engine.whoosh.schema\nWordAnalyzer\n" in old
    schema = pickle.loads(old.replace(b"cindexer.engine.whoosh.schema\n", b"cindexer.schema\n"))
    assert type(schema["text"].analyzer) is WordAnalyzer
    assert schema.names() == build_schema().names()
