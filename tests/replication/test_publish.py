"""Publishing a generation on the primary, as the standby sees it: a failed or killed build leaves the standby
serving the old generation, and searches running while builds publish see the old build or the new one, never a
mix."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from indexer import Library, SearchRequest, build_index

pytestmark = pytest.mark.postgres


class Interrupted(Exception):
    """Raised from a build's progress callback: a build that fails part-way through writing its documents."""


def generations(cluster, standby: str) -> list[int]:
    """The generations the standby's search database has passage tables for (attached as partitions or not yet)."""
    cluster.replay_lag()
    with cluster.standby.connect(standby.rsplit("/", 1)[1]) as conn:
        rows = conn.execute("SELECT relname FROM pg_class WHERE relname ~ '^search_passages_g[0-9]+$'").fetchall()
    return sorted(int(name.removeprefix("search_passages_g")) for (name,) in rows)


def test_a_failed_build_leaves_the_standby_serving_the_old_generation(cluster, search_urls, library_name, corpus):
    primary, standby = search_urls
    build_index([corpus("alpha", 3)], library_name)
    cluster.replay_lag()
    library = Library(library_name)
    assert library.search(SearchRequest("zymurgy")).total == 9
    seen: list[str] = []

    def fail_on_the_fourth(path: str) -> None:
        seen.append(path)
        if len(seen) == 4:  # three documents of the new build already written to its generation
            raise Interrupted(path)

    with pytest.raises(Interrupted):
        build_index([corpus("alpha", 3), corpus("beta", 3)], library_name, progress=fail_on_the_fourth, procs=1)
    assert generations(cluster, standby) == [1]  # the failed generation dropped, on the standby too
    page = library.search(SearchRequest("zymurgy"))
    assert page.total == 9 and library.build.name == "generation-1"
    assert library.search(SearchRequest("beta")).total == 0

    build_index([corpus("alpha", 3), corpus("beta", 3)], library_name)  # and the next build goes through
    cluster.replay_lag()
    assert library.search(SearchRequest("zymurgy")).total == 18


def test_a_killed_build_leaves_the_standby_serving_the_old_generation(cluster, search_urls, library_name, corpus):
    primary, standby = search_urls
    build_index([corpus("alpha", 2)], library_name)
    big = corpus("beta", 150, paragraphs=6)
    command = "from indexer.cli import main; main()"
    build = subprocess.Popen(
        [sys.executable, "-c", command, "build", str(big), "--index-dir", library_name],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        with cluster.primary.connect(autocommit=True) as conn:
            deadline = time.monotonic() + 120
            while not conn.execute(  # a COPY of the new generation's rows under way
                "SELECT count(*) FROM pg_stat_progress_copy WHERE datname = %s AND tuples_processed > 0",
                (primary.rsplit("/", 1)[1],),
            ).fetchone()[0]:
                assert build.poll() is None, "the build ended before it was seen writing"
                assert time.monotonic() < deadline, "the build was not seen writing"
                time.sleep(0.01)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)  # the build and its workers, mid-write
        build.wait(30)
    cluster.replay_lag()
    library = Library(library_name)
    assert library.build.name == "generation-1"
    assert library.search(SearchRequest("zymurgy")).total == 6 and library.search(SearchRequest("beta")).total == 0
    assert generations(cluster, standby) == [1, 2]  # the unpublished generation is left behind, never served

    build_index([corpus("alpha", 2)], library_name)
    assert generations(cluster, standby) == [1, 3]  # the next build drops it
    assert library.search(SearchRequest("zymurgy")).total == 6 and library.build.name == "generation-3"


def test_searches_on_the_standby_see_one_build_or_the_other_never_a_mix(cluster, search_urls, library_name, corpus):
    """Builds alternate between two corpora on the primary while threads search the standby; every page must be
    entirely one corpus, with that corpus's total and that build's name."""
    corpora = {"alpha": (corpus("alpha", 4), 12), "beta": (corpus("beta", 7), 21)}
    build_index([corpora["alpha"][0]], library_name)
    cluster.replay_lag()
    library = Library(library_name)
    stop, pages, problems = threading.Event(), [], []

    def search() -> None:
        while not stop.is_set():
            try:
                page = library.search(SearchRequest("zymurgy", per_page=50))
            except Exception as e:  # noqa: BLE001  (any error a reader meets is a finding)
                problems.append(repr(e))
                return
            markers = {hit.title.split()[1] for hit in page.hits}
            pages.append((page.total, frozenset(markers)))

    readers = [threading.Thread(target=search) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        for marker in ["beta", "alpha", "beta", "alpha", "beta"]:
            build_index([corpora[marker][0]], library_name)
            time.sleep(0.3)
    finally:
        stop.set()
        for reader in readers:
            reader.join(30)
    assert problems == []
    expected = {(total, frozenset({marker})) for marker, (_, total) in corpora.items()}
    assert set(pages) == expected, set(pages) - expected  # both builds seen, nothing else
