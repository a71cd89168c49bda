"""The passages table is really partitioned (declarative partitioning, read from the standby's catalog): by
generation, then each generation by document; a generation's rows spread over its partitions, each document's in
one; an old generation's partitions are dropped two builds later, and a standby query still reading one is
cancelled once it has held replay up for max_standby_streaming_delay."""

from __future__ import annotations

import time
from contextlib import closing

import psycopg
import pytest

from indexer import Library, SearchRequest, build_index

from .conftest import record

pytestmark = pytest.mark.postgres
TABLES = ("documents", "passages", "postings", "terms")  # partitioned by generation


def on_standby(cluster, standby: str, autocommit: bool = True):
    """A connection to the standby's copy of the search database, once it has replayed everything so far (closed
    without a commit or rollback at the end of the `with`: the standby may have ended it)."""
    cluster.replay_lag()
    return closing(cluster.standby.connect(standby.rsplit("/", 1)[1], autocommit=autocommit))


def partitions(conn, table: str) -> dict[str, tuple[str, bool, int]]:
    """Every partition below `table`: name -> (its bound, whether it is a leaf, its level)."""
    rows = conn.execute(
        "SELECT t.relid::regclass::text, pg_get_expr(c.relpartbound, c.oid), t.isleaf, t.level "
        "FROM pg_partition_tree(%s::regclass) t JOIN pg_class c ON c.oid = t.relid WHERE t.level > 0",
        (table,),
    ).fetchall()
    return {name: (bound, leaf, level) for name, bound, leaf, level in rows}


def test_passages_are_partitioned_by_generation_then_by_document(cluster, search_urls, library_name, corpus):
    primary, standby = search_urls
    summary = build_index([corpus("alpha", 16)], library_name)
    assert summary.passages == 48
    with on_standby(cluster, standby) as conn:
        keys = dict(
            conn.execute(
                "SELECT c.relname, pg_get_partkeydef(c.oid) FROM pg_class c "
                "WHERE c.relname IN ('search_passages', 'search_passages_g1', 'search_documents', 'search_postings', "
                "'search_terms')"
            ).fetchall()
        )
        assert keys == {
            "search_passages": "LIST (generation)",
            "search_passages_g1": "HASH (doc_id)",
            "search_documents": "LIST (generation)",
            "search_postings": "LIST (generation)",
            "search_terms": "LIST (generation)",
        }
        tree = partitions(conn, "search_passages")
        assert tree.pop("search_passages_g1") == ("FOR VALUES IN ('1')", False, 1)
        assert sorted(tree.values()) == [
            (f"FOR VALUES WITH (modulus {len(tree)}, remainder {r})", True, 2) for r in range(len(tree))
        ]
        assert len(tree) >= 2
        spread = conn.execute(
            "SELECT tableoid::regclass::text, count(*), count(DISTINCT doc_id) FROM search_passages GROUP BY 1"
        ).fetchall()
        assert {name for name, _, _ in spread} <= set(tree) and len(spread) >= 2  # rows in several partitions
        assert sum(n for _, n, _ in spread) == 48 and sum(d for _, _, d in spread) == 16  # each document in one
        assert [name for (name,) in conn.execute("SELECT DISTINCT tableoid::regclass::text FROM search_documents")] == [
            "search_documents_g1"
        ]


def test_an_old_generation_s_partitions_are_dropped_after_the_next_build(cluster, search_urls, library_name, corpus):
    primary, standby = search_urls
    folder = corpus("alpha", 4)

    def tables(conn) -> list[str]:
        rows = conn.execute(
            "SELECT relname FROM pg_class WHERE relname ~ %s ORDER BY 1", (f"^search_({'|'.join(TABLES)})_g[0-9]+$",)
        )
        return [name for (name,) in rows]

    build_index([folder], library_name)
    build_index([folder], library_name)
    with on_standby(cluster, standby) as conn:  # the previous generation is kept for readers still on it
        assert tables(conn) == [f"search_{t}_g{g}" for t in TABLES for g in (1, 2)]
    build_index([folder], library_name)
    with on_standby(cluster, standby) as conn:
        assert tables(conn) == [f"search_{t}_g{g}" for t in TABLES for g in (2, 3)]
        assert conn.execute("SELECT count(*) FROM pg_class WHERE relname LIKE 'search\\_%%\\_g1%%'").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM search_passages WHERE generation = 1").fetchone()[0] == 0
        assert conn.execute("SELECT array_agg(DISTINCT generation) FROM search_passages").fetchone()[0] == [2, 3]


def test_a_standby_query_still_reading_a_dropped_generation_is_cancelled(cluster, search_urls, library_name, corpus):
    """The standby replays the drop of generation 1 only once nothing there reads it: it waits for the query up to
    max_standby_streaming_delay (2 s in these tests, 30 s by default), then ends the query's connection,
    and replay (and the newest build) goes on."""
    primary, standby = search_urls
    folder = corpus("alpha", 3)
    build_index([folder], library_name)
    with on_standby(cluster, standby, autocommit=False) as reader:  # one transaction, as a long search holds one
        assert reader.execute("SELECT count(*) FROM search_passages WHERE generation = 1").fetchone()[0] == 9
        build_index([folder], library_name)
        build_index([folder], library_name)  # generation 1 dropped on the primary
        held_up = cluster.replay_lag()
        record("replay held up by a standby query on a dropped generation", held_up)
        with pytest.raises(psycopg.OperationalError, match="conflict with recovery"):
            reader.execute("SELECT count(*) FROM search_passages WHERE generation = 1")
    library = Library(library_name)
    assert library.build.name == "generation-3" and library.search(SearchRequest("zymurgy")).total == 9


def test_a_build_does_not_hold_up_standby_searches_of_the_current_generation(
    cluster, search_urls, library_name, corpus
):
    """A standby transaction on the current generation, open while a build creates its generation's partitions and
    drops an old one's, is not ended, and searches started meanwhile do not queue behind the build's locks: neither
    takes an ACCESS EXCLUSIVE lock on the parent tables, which the standby would have to replay."""
    primary, standby = search_urls
    folder = corpus("alpha", 3)
    build_index([folder], library_name)
    build_index([folder], library_name)
    library = Library(library_name)
    with on_standby(cluster, standby, autocommit=False) as reader:
        assert reader.execute("SELECT count(*) FROM search_passages WHERE generation = 2").fetchone()[0] == 9
        build_index([folder], library_name)  # generation 3's partitions made, generation 1's dropped
        started = time.monotonic()
        assert library.search(SearchRequest("zymurgy")).total == 9
        record("a standby search while a build makes and drops partitions", time.monotonic() - started)
        held_up = cluster.replay_lag()
        record("replay held up by a standby query on the current generation", held_up)
        assert reader.execute("SELECT count(*) FROM search_passages WHERE generation = 2").fetchone()[0] == 9
