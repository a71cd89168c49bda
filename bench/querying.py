"""Query latency and ranking quality: our library, the FTS5 baseline and tantivy, same queries, same passages, same
run.

Run by the harness as `python -m bench.querying INDEX_DIR WORK_DIR OUT.json` (a fresh process, so the memory
figure is the library's alone). Each query is timed on the three engines one after the other, so background load
falls on all alike.
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

DEPTH = 100  # passages fetched for nDCG: enough for ten distinct documents


def measure(index_dir: Path, work: Path, corpus: Path, rounds: int, out: Path) -> dict:
    command = [
        sys.executable,
        "-m",
        "bench.querying",
        str(index_dir),
        str(work),
        str(out),
        "--corpus",
        str(corpus),
        "--rounds",
        str(rounds),
    ]
    subprocess.run(command, check=True, cwd=Path(__file__).resolve().parents[1])
    return json.loads(out.read_text())


def run(index_dir: Path, work: Path, queries: dict[str, str], qrels: dict, rounds: int) -> dict:
    from indexer import Library, SearchRequest

    started = time.perf_counter()
    library = Library(index_dir)
    open_seconds = time.perf_counter() - started
    queries = list(queries.items())
    for _, q in queries:  # warm-up: first use of each term's postings, the vocabulary, caches
        library.search(SearchRequest(q))
    library_memory = resident(os.getpid())

    baseline_build = fts5.build(library.build, work / "fts5.sqlite3")
    baseline = fts5.Baseline(work / "fts5.sqlite3")
    compiled_build = tantivy_baseline.build(library.build, work / "tantivy")
    compiled = tantivy_baseline.Baseline(work / "tantivy")
    for _, q in queries:
        baseline.search(q)
        compiled.search(q)

    ours, theirs, tantivys, totals = [], [], [], []
    for _ in range(rounds):
        for _, q in queries:
            t = time.perf_counter()
            page = library.search(SearchRequest(q))
            ours.append(time.perf_counter() - t)
            t = time.perf_counter()
            baseline.search(q)
            theirs.append(time.perf_counter() - t)
            t = time.perf_counter()
            compiled.search(q)
            tantivys.append(time.perf_counter() - t)
            totals.append(page.total)

    our_runs = {
        qid: documents_by_best_passage(h.doc_id for h in library.search(SearchRequest(q, per_page=DEPTH)).hits)
        for qid, q in queries
    }
    their_runs = {qid: documents_by_best_passage(r[1] for r in baseline.search(q, DEPTH)) for qid, q in queries}
    tantivy_runs = {
        qid: documents_by_best_passage(r[1] for r in compiled.search(q, DEPTH, snippets=False)) for qid, q in queries
    }
    baseline.close()
    ours_summary, theirs_summary = latency_summary(ours), latency_summary(theirs)
    return {
        "queries": len(queries),
        "rounds": rounds,
        "open_seconds": round(open_seconds, 3),
        "library_rss_mb": library_memory["rss_mb"],
        "library_anon_mb": library_memory["anon_mb"],
        "mean_total_hits": round(sum(totals) / len(totals), 1),
        "library": {**ours_summary, **mean_ndcg(our_runs, qrels)},
        "fts5": {**theirs_summary, **mean_ndcg(their_runs, qrels), "build": baseline_build},
        "tantivy": {**latency_summary(tantivys), **mean_ndcg(tantivy_runs, qrels), "build": compiled_build},
        "ratio": {f"p{p}": round(ours_summary[f"p{p}_ms"] / theirs_summary[f"p{p}_ms"], 3) for p in (50, 95, 99)},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.querying")
    parser.add_argument("index_dir", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    folder = args.corpus or medquad.corpus_dir()
    figures = run(args.index_dir, args.work, medquad.read_queries(folder), medquad.read_qrels(folder), args.rounds)
    args.out.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
