"""Query latency and ranking quality: our library, the FTS5 baseline and tantivy, same queries, same passages, same
run.

Run by the harness as `python -m bench.querying INDEX_DIR WORK_DIR OUT.json` (a fresh process, so the memory
figure is the library's alone). Each query is timed on every engine one after the other, so background load falls
on all alike.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from . import corpus as medquad
from . import fts5, tantivy_baseline
from .memory import resident
from .metrics import documents_by_best_passage, latency_summary, mean_ndcg

DEPTH = 100  # passages fetched for nDCG at 1x: enough for ten distinct documents; k times that at k copies


def measure(
    index_dir: Path,
    work: Path,
    corpus: Path,
    rounds: int,
    out: Path,
    copies: int = 1,
    postgres: dict | None = None,
    timed: int | None = None,
    ndcg_budget: float | None = None,
) -> dict:
    """Run the comparison in a fresh process (`main`) and return its figures; `postgres` ({"search_url": ...,
    "library": ...}): the PostgreSQL build of the same corpus, compared too; `timed`, `ndcg_budget`: `compare`'s."""
    command = [sys.executable, "-m", "bench.querying", str(index_dir), str(work), str(out), "--corpus", str(corpus)]
    command += ["--rounds", str(rounds), "--copies", str(copies)]
    command += (["--queries", str(timed)] if timed else []) + (
        ["--ndcg-budget", str(ndcg_budget)] if ndcg_budget else []
    )
    if postgres:
        command += ["--search-url", postgres["search_url"], "--library", str(postgres["library"])]
    subprocess.run(command, check=True, cwd=Path(__file__).resolve().parents[1])
    return json.loads(out.read_text())


class LibraryEngine:
    """Our library as the comparison runs it: a results page of 10 (snippets, evidence ranking, suggestions), and
    a ranking read page by page (a page holds at most MAX_PER_PAGE)."""

    def __init__(self, library) -> None:
        self.library = library

    def search(self, query: str):
        from indexer import SearchRequest

        return self.library.search(SearchRequest(query))

    def ranked_documents(self, query: str, depth: int) -> list[str]:
        from indexer import SearchRequest
        from indexer.search.results import MAX_PER_PAGE

        out: list[str] = []
        for page in range(1, -(-depth // MAX_PER_PAGE) + 1):
            hits = self.library.search(SearchRequest(query, page=page, per_page=MAX_PER_PAGE)).hits
            out += [h.doc_id for h in hits]
            if len(hits) < MAX_PER_PAGE:
                break
        return out[:depth]


class BaselineEngine:
    """FTS5 or tantivy: a results page of 10 with highlighted text; a ranking of passages' document ids."""

    def __init__(self, baseline, doc_column: int, **ranking_options) -> None:
        self.baseline, self.doc_column, self.options = baseline, doc_column, ranking_options

    def search(self, query: str):
        return self.baseline.search(query)

    def ranked_documents(self, query: str, depth: int) -> list[str]:
        return [r[self.doc_column] for r in self.baseline.search(query, depth, **self.options)]


def sample(queries: dict[str, str], count: int | None) -> dict[str, str]:
    """`count` of the queries, evenly spaced in file order (all of them when count is None or too large)."""
    if not count or count >= len(queries):
        return queries
    items = list(queries.items())
    return dict(items[round(i * len(items) / count)] for i in range(count))


def compare(
    engines: dict,
    queries: dict[str, str],
    qrels: dict,
    rounds: int,
    copies: int = 1,
    timed: int | None = None,
    ndcg_budget: float | None = None,
) -> dict:
    """Each engine's latency over `timed` of the queries (`sample`; every one timed on each engine in turn,
    `rounds` passes after a warm-up pass) and nDCG@10 over the judged queries, with copies mapped back to their
    originals (k copies of a document are one document, ranked where its best passage is; k x DEPTH passages are
    read). An engine whose ranking would take longer than `ndcg_budget` seconds (its mean latency times the pages
    to read) is not ranked: its nDCG is None, with the estimate."""
    items = list(sample(queries, timed).items())
    for _, q in items:  # warm-up: first use of each term's postings, the vocabulary, caches
        for engine in engines.values():
            engine.search(q)
    times: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(rounds):
        for _, q in items:
            for name, engine in engines.items():
                t = time.perf_counter()
                engine.search(q)
                times[name].append(time.perf_counter() - t)
    depth = DEPTH * copies
    judged = {qid: q for qid, q in queries.items() if any(g > 0 for g in qrels.get(qid, {}).values())}
    figures = {}
    for name, engine in engines.items():
        latency = latency_summary(times[name])
        estimate = latency["mean_ms"] / 1000 * len(judged) * -(-depth // DEPTH)
        if ndcg_budget is not None and estimate > ndcg_budget:
            figures[name] = {**latency, "ndcg@10": None, "ndcg_skipped": f"ranking estimated at {estimate:.0f} s"}
            continue
        runs = {
            qid: documents_by_best_passage(medquad.original_id(d) for d in engine.ranked_documents(q, depth))
            for qid, q in judged.items()
        }
        figures[name] = {**latency, **mean_ndcg(runs, qrels)}
    return figures


def open_postgres(search_url: str, library: str):
    """Our library on its PostgreSQL build, in this process beside the whoosh one."""
    from indexer import Library
    from indexer.engine.interface import catalog

    return Library(library, builds=catalog(library, search_url=search_url))


def run(
    index_dir: Path,
    work: Path,
    queries: dict[str, str],
    qrels: dict,
    rounds: int,
    copies: int = 1,
    postgres: dict | None = None,
    timed: int | None = None,
    ndcg_budget: float | None = None,
) -> dict:
    from indexer import Library, SearchRequest

    started = time.perf_counter()
    library = Library(index_dir)
    open_seconds = time.perf_counter() - started
    for q in queries.values():
        library.search(SearchRequest(q))
    library_memory = resident(os.getpid())  # the library alone, warmed, before the baselines are loaded
    totals = [library.search(SearchRequest(q)).total for q in queries.values()]

    builds = {
        "fts5": fts5.build(library.build, work / "fts5.sqlite3"),
        "tantivy": tantivy_baseline.build(library.build, work / "tantivy"),
    }
    baseline = fts5.Baseline(work / "fts5.sqlite3")
    engines = {"library": LibraryEngine(library)}
    if postgres:
        engines["postgres"] = LibraryEngine(open_postgres(postgres["search_url"], postgres["library"]))
    engines |= {
        "fts5": BaselineEngine(baseline, 1),
        "tantivy": BaselineEngine(tantivy_baseline.Baseline(work / "tantivy"), 1, snippets=False),
    }
    figures = compare(engines, queries, qrels, rounds, copies, timed, ndcg_budget)
    baseline.close()
    for name, build in builds.items():
        figures[name]["build"] = build
    ours, theirs = figures["library"], figures["fts5"]
    return {
        "queries": len(sample(queries, timed)),
        "rounds": rounds,
        "copies": copies,
        "depth": DEPTH * copies,
        "open_seconds": round(open_seconds, 3),
        "library_rss_mb": library_memory["rss_mb"],
        "library_anon_mb": library_memory["anon_mb"],
        "mean_total_hits": round(sum(totals) / len(totals), 1),
        **figures,
        "ratio": {f"p{p}": round(ours[f"p{p}_ms"] / theirs[f"p{p}_ms"], 3) for p in (50, 95, 99)},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.querying")
    parser.add_argument("index_dir", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--copies", type=int, default=1, help="copies of each document in the build (default 1)")
    parser.add_argument("--search-url", default=None, help="PostgreSQL database of the build to compare too")
    parser.add_argument("--library", default=None, help="the library's name in that database (its index folder)")
    parser.add_argument("--queries", type=int, default=None, help="queries timed (default: all)")
    parser.add_argument("--ndcg-budget", type=float, default=None, help="seconds an engine's ranking may take")
    args = parser.parse_args(argv)
    folder = args.corpus or medquad.corpus_dir()
    queries, qrels = medquad.read_queries(folder), medquad.read_qrels(folder)
    postgres = {"search_url": args.search_url, "library": args.library} if args.search_url else None
    figures = run(
        args.index_dir, args.work, queries, qrels, args.rounds, args.copies, postgres, args.queries, args.ndcg_budget
    )
    args.out.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
