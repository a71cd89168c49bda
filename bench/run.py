"""The benchmark harness, one command: `python -m bench` (see `python -m bench --help`).

For each corpus size: the whole build, library query latency and nDCG@10 beside the SQLite FTS5 and tantivy
baselines (the ranking table is printed at the end), and HTTP latency and throughput of the API and the results
page under gunicorn with 1 and 2 workers. Writes the figures as JSON, the tables into BENCHMARKS.md (between its
markers) and a PNG plot against corpus size.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import sqlite3
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from . import build, http, querying, report, targets
from . import corpus as medquad

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SIZES = "1000,5000,16407,16407x8"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--sizes",
        default=DEFAULT_SIZES,
        help="corpora, comma-separated: DOCUMENTS, or DOCUMENTSxCOPIES for those documents repeated under new ids "
        f"(default {DEFAULT_SIZES})",
    )
    p.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help="MedQuAD folder (default: $SOURCECHECK_MEDQUAD or ../shared/benchmark/medquad)",
    )
    p.add_argument("--procs", type=int, default=None, help="build worker processes (default: one per CPU)")
    p.add_argument("--rounds", type=int, default=2, help="timed passes over the queries (default 2)")
    p.add_argument("--workers", default="1,2", help="gunicorn worker counts (default 1,2)")
    p.add_argument("--duration", type=float, default=10.0, help="seconds of load per wrk run (default 10)")
    p.add_argument("--connections", type=int, default=4, help="wrk connections (default 4)")
    p.add_argument("--no-http", action="store_true", help="skip the HTTP part")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.json", help="JSON output")
    p.add_argument("--plot", type=Path, default=ROOT / "bench" / "results" / "scaling.png", help="PNG output")
    p.add_argument("--report", type=Path, default=ROOT / "BENCHMARKS.md", help="Markdown file to update")
    p.add_argument("--work", type=Path, default=None, help="folder for indexes (default: a temporary folder)")
    return p.parse_args(argv)


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "whoosh": version("whoosh-reloaded"),
        "sqlite": sqlite3.sqlite_version,
    }


def run_size(
    size: int | None, copies: int, args: argparse.Namespace, work: Path, corpus: Path, queries: list[str]
) -> dict:
    name = f"{size or 'all'} documents x{copies}"
    log = lambda text: print(f"[{time.strftime('%H:%M:%S')}] {name}: {text}", file=sys.stderr)  # noqa: E731
    index_dir = work / "index"
    shutil.rmtree(index_dir, ignore_errors=True)
    (work / "review.db").unlink(missing_ok=True)  # a new build, a new reviewer store to sync its claims into
    log("building")
    result: dict = {"size": size, "copies": copies, "load_before": machine()["load_average"]}
    result["build"] = build.measure(size, index_dir, corpus, args.procs, work / "build.json", copies)
    log(f"{result['build']['passages']} passages at {result['build']['passages_per_s']}/s; querying")
    result["query"] = querying.measure(index_dir, work, corpus, args.rounds, work / "query.json", copies)
    result["http"] = []
    if not args.no_http:
        log("syncing the build's claims into the reviewer store")
        result["claims_sync"] = http.sync_claims(index_dir, work / "review.db")
        for workers in (int(w) for w in args.workers.split(",")):
            log(f"HTTP with {workers} worker(s)")
            result["http"].append(
                http.measure(
                    index_dir,
                    queries,
                    workers,
                    work / f"http-{workers}",
                    args.duration,
                    args.connections,
                    database=work / "review.db",
                )
            )
    result["load_after"] = machine()["load_average"]
    return result


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    corpus = args.corpus or medquad.corpus_dir()
    queries = list(medquad.read_queries(corpus).values())
    try:
        sizes = [medquad.parse_size(s) for s in args.sizes.split(",")]
    except ValueError as e:
        raise SystemExit(f"Error: {e}") from None
    work = args.work or Path(tempfile.mkdtemp(prefix="sourcecheck-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    command = "python -m bench " + shlex.join(argv if argv is not None else sys.argv[1:])
    results: dict = {
        "command": command.strip(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": machine(),
        "settings": {k: str(v) for k, v in vars(args).items()},
        "sizes": [],
    }
    try:
        for size, copies in sizes:
            results["sizes"].append(run_size(size, copies, args, work, corpus, queries))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    results["targets"] = targets.evaluate(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    report.plot(results, args.plot)
    report.update_markdown(results, args.report, args.out, args.plot)
    print(report.ranking_text(results))
    print(report.targets_text(results), file=sys.stderr)
    return results
