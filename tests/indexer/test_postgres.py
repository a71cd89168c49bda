"""The PostgreSQL search backend, directly, in every run (tests/pgserver.py's throwaway server): a build publishes
its generation atomically (a search mid-build sees the old one), a failed build keeps the old one and drops its
own, the seeds give the same results as on the whoosh folder, and a bad address is a clear error."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from pgserver import PostgresServer, start_or_skip

from indexer import BuildError, Library, SearchRequest, SourceText, build_index, build_index_from
from indexer.cli import main
from indexer.engine.interface import catalog
from indexer.engine.postgres import PostgresCatalog
from indexer.engine.postgres.connect import conninfo, engine
from indexer.engine.postgres.schema import VERSION

pytestmark = pytest.mark.postgres
QUERIES = (
    "miscarriage",
    "IUI",
    "stress after loss",
    '"sperm count"',
    "iui AND cervix",
    "caffeine NOT coffee",
    "insemin*",
    "pregnan* OR folic",
    "ICI",
    "tampons",
)


@pytest.fixture(scope="module")
def url():
    server = start_or_skip(PostgresServer().start)
    yield server.create_database("search")
    server.stop()


def pg(url: str, root: Path) -> PostgresCatalog:
    return catalog(root, search_url=url)


def generations(url: str, library: str) -> list[int]:
    with engine(url).connect() as conn:
        rows = conn.execute(sa.text("SELECT id FROM search_generations WHERE library = :l ORDER BY id"), {"l": library})
        return [row.id for row in rows]


def test_the_seeds_give_the_same_results_as_on_whoosh(url, tmp_path, seeds_dir):
    root = tmp_path / "ix"
    build_index([seeds_dir], root, builds=catalog(root, search_url=""))
    build_index([seeds_dir], root, builds=pg(url, root))
    whoosh = Library(root, builds=catalog(root, search_url=""))
    postgres = Library(root, builds=pg(url, root))
    for q in QUERIES:
        for evidence in (True, False):
            request = SearchRequest(q, per_page=20, evidence_ranking=evidence)
            a, b = whoosh.search(request), postgres.search(request)
            assert (a.total, a.suggestion, a.notes) == (b.total, b.suggestion, b.notes), q
            assert [(h.passage_id, round(h.score, 4)) for h in a.hits] == [
                (h.passage_id, round(h.score, 4)) for h in b.hits
            ], q
            assert [h.snippet_html() for h in a.hits] == [h.snippet_html() for h in b.hits]
    doc = whoosh.search(SearchRequest("IUI")).hits[0].doc_id
    for filtered in (
        SearchRequest("miscarriage", statuses=("supported",), topic="miscarriage"),
        SearchRequest("miscarriage stress", statuses=("unverified", "inaccurate")),
        SearchRequest("IUI OR sperm", doc_ids=(doc,)),
        SearchRequest('"sperm count" OR cervix', statuses=("supported", "no_claim")),
    ):
        a, b = whoosh.search(filtered), postgres.search(filtered)
        assert a.total == b.total > 0, filtered
        assert [(h.passage_id, round(h.score, 4)) for h in a.hits] == [
            (h.passage_id, round(h.score, 4)) for h in b.hits
        ]
    assert (
        whoosh.search(SearchRequest("miscarrage")).suggestion == postgres.search(SearchRequest("miscarrage")).suggestion
    )
    topic = ("miscarriage", ("supported", "inaccurate"))
    assert [h.passage_id for h in whoosh.passages_by_topic(*topic)] == [
        h.passage_id for h in postgres.passages_by_topic(*topic)
    ]
    first = whoosh.search(SearchRequest("IUI")).hits[0]
    assert postgres.passage(first.passage_id) == whoosh.passage(first.passage_id)
    assert postgres.documents() == whoosh.documents()
    assert postgres.document(first.doc_id) == whoosh.document(first.doc_id)
    assert not list(root.glob("build-*"))[1:], "PostgreSQL writes nothing to the folder"


def test_a_search_during_a_build_sees_the_previous_generation(url, tmp_path):
    root = tmp_path / "ix"
    builds = pg(url, root)
    build_index_from([SourceText("Old\n\nMiscarriage is common.", "old")], root, builds=builds)
    library = Library(root, builds=builds)
    reached, release = threading.Event(), threading.Event()

    def sources():
        yield SourceText("New\n\nAvoid tampons after a miscarriage.", "new")
        reached.set()  # the new generation has passages written, and is not published
        release.wait(30)

    builder = threading.Thread(target=build_index_from, args=(sources(), root), kwargs={"builds": builds})
    builder.start()
    assert reached.wait(30)
    try:
        assert len(generations(url, str(root))) == 2
        assert library.search(SearchRequest("tampons")).total == 0
        assert [d["id"] for d in library.documents()] == ["old"]
    finally:
        release.set()
        builder.join(30)
    assert library.search(SearchRequest("tampons")).total == 1
    assert [d["id"] for d in library.documents()] == ["new"]


def test_a_failed_build_keeps_the_old_generation_and_drops_its_own(url, tmp_path):
    root = tmp_path / "ix"
    builds = pg(url, root)
    build_index_from([SourceText("Old\n\nMiscarriage is common.", "old")], root, builds=builds)
    before = builds.current()

    def failing():
        yield SourceText("New\n\nAvoid tampons after a miscarriage.", "new")
        raise OSError(28, "No space left on device")

    with pytest.raises(BuildError, match="previous index is kept"):
        build_index_from(failing(), root, builds=builds)
    assert builds.current() == before
    assert generations(url, str(root)) == [before.id]
    assert Library(root, builds=builds).search(SearchRequest("miscarriage")).total == 1


def test_the_previous_generation_is_kept_and_older_ones_dropped(url, tmp_path):
    root = tmp_path / "ix"
    builds = pg(url, root)
    for n in range(3):
        build_index_from([SourceText(f"Doc\n\nMiscarriage is common ({n}).", "doc")], root, builds=builds)
    kept = generations(url, str(root))
    assert len(kept) == 2 and kept[-1] == builds.current().id
    with engine(url).connect() as conn:
        tables = conn.execute(sa.text("SELECT tablename FROM pg_tables WHERE tablename LIKE 'search_passages_g%'"))
        names = {row.tablename for row in tables}
    assert {f"search_passages_g{g}" for g in kept} <= names
    assert not any(name.startswith(f"search_passages_g{kept[0] - 1}") for name in names)


def test_libraries_named_by_their_folders_stay_apart(url, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    build_index_from([SourceText("A\n\nMiscarriage is common.", "a")], a, builds=pg(url, a))
    build_index_from([SourceText("B\n\nAvoid tampons.", "b")], b, builds=pg(url, b))
    assert [d["id"] for d in Library(a, builds=pg(url, a)).documents()] == ["a"]
    assert [d["id"] for d in Library(b, builds=pg(url, b)).documents()] == ["b"]


def test_the_schema_is_created_once_with_its_version(url, tmp_path):
    for _ in range(2):
        pg(url, tmp_path / "again")._schema()
        PostgresCatalog(url, str(tmp_path / "again"))._schema()
    with engine(url).connect() as conn:
        assert conn.execute(sa.text("SELECT version FROM search_schema")).scalars().all() == [VERSION]


def test_an_unreachable_database_is_an_error_naming_the_setting(runner, tmp_path, seeds_dir, monkeypatch):
    monkeypatch.setenv("SOURCECHECK_SEARCH_URL", "postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    build, search = ["build", str(seeds_dir)], ["search", "IUI"]
    for args in (build + ["--index-dir", str(tmp_path)], search + ["--index-dir", str(tmp_path)]):
        result = runner.invoke(main, args)
        assert result.exit_code == 1
        last = result.output.splitlines()[-1]
        assert last.startswith("Error: SOURCECHECK_SEARCH_URL: cannot use the search database at "), result.output
        assert "secret" not in result.output  # the password is not shown


def test_an_address_that_is_not_postgresql_is_an_error_naming_the_setting(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCECHECK_SEARCH_URL", "mysql://127.0.0.1/x")
    result = runner.invoke(main, ["search", "IUI", "--index-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: SOURCECHECK_SEARCH_URL must be a postgresql+psycopg://")


def test_a_build_publishes_while_a_search_holds_the_tables(url, tmp_path):
    """Writing and attaching a generation takes no lock a search holds: a transaction reading the passages does not
    hold up the new build's publication (only dropping the old generation waits for it)."""
    root = tmp_path / "ix"
    builds = pg(url, root)
    for n in range(2):
        build_index_from([SourceText(f"Doc\n\nMiscarriage is common ({n}).", "doc")], root, builds=builds)
    before = builds.current()
    reader = psycopg.connect(conninfo(url))
    reader.execute("SELECT count(*) FROM search_passages WHERE generation = %s", (before.id,))  # holds its lock
    try:
        builder = threading.Thread(
            target=build_index_from,
            args=([SourceText("New\n\nAvoid tampons after a miscarriage.", "new")], root),
            kwargs={"builds": builds},
        )
        builder.start()
        deadline = time.monotonic() + 60
        while builds.current() == before and time.monotonic() < deadline:
            time.sleep(0.1)
        assert builds.current() != before, "the build waited for the search"
        assert builder.is_alive()  # dropping the oldest generation waits for the reader to finish
    finally:
        reader.rollback()
        reader.close()
    builder.join(60)
    assert not builder.is_alive()
    assert Library(root, builds=builds).search(SearchRequest("tampons")).total == 1
