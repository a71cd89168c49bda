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


def measure(index_dir: Path, work: Path, corpus: Path, rounds: int, out: Path, copies: int = 1) -> dict:
    """Run the comparison in a fresh process (`main`) and return its figures."""
    command = [sys.executable, "-m", "bench.querying", str(index_dir), str(work), str(out), "--corpus", str(corpus)]
    command += ["--rounds", str(rounds), "--copies", str(copies)]
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


def compare(engines: dict, queries: dict[str, str], qrels: dict, rounds: int, copies: int = 1) -> dict:
    """Each engine's latency (every query timed on each engine in turn, `rounds` passes after a warm-up pass) and
    nDCG@10 (copies mapped back to their originals, so that k copies of a document are one document ranked where
    its best passage is, and k x DEPTH passages are read)."""
    items = list(queries.items())
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
    figures = {}
    for name, engine in engines.items():
        runs = {
            qid: documents_by_best_passage(medquad.original_id(d) for d in engine.ranked_documents(q, depth))
            for qid, q in items
        }
        figures[name] = {**latency_summary(times[name]), **mean_ndcg(runs, qrels)}
    return figures


def run(index_dir: Path, work: Path, queries: dict[str, str], qrels: dict, rounds: int, copies: int = 1) -> dict:
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
    engines = {
        "library": LibraryEngine(library),
        "fts5": BaselineEngine(baseline, 1),
        "tantivy": BaselineEngine(tantivy_baseline.Baseline(work / "tantivy"), 1, snippets=False),
    }
    figures = compare(engines, queries, qrels, rounds, copies)
    baseline.close()
    for name, build in builds.items():
        figures[name]["build"] = build
    ours, theirs = figures["library"], figures["fts5"]
    return {
        "queries": len(queries),
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
    args = parser.parse_args(argv)
    folder = args.corpus or medquad.corpus_dir()
    queries, qrels = medquad.read_queries(folder), medquad.read_qrels(folder)
    figures = run(args.index_dir, args.work, queries, qrels, args.rounds, args.copies)
    args.out.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
