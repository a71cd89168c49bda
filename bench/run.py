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
from contextlib import ExitStack
from importlib.metadata import version
from pathlib import Path

from indexer.settings import SEARCH_URL

from . import build, http, postgres, querying, report, targets
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
    p.add_argument(
        "--queries", type=int, default=None, help="queries timed, evenly spaced in queries.tsv (default: all 200)"
    )
    p.add_argument(
        "--ndcg-budget",
        type=float,
        default=None,
        help="seconds an engine's nDCG ranking may take at one corpus, estimated from its latency (default: no "
        "limit); a slower engine's nDCG is left out",
    )
    p.add_argument("--workers", default="1,2", help="gunicorn worker counts (default 1,2)")
    p.add_argument("--duration", type=float, default=10.0, help="seconds of load per wrk run (default 10)")
    p.add_argument("--connections", type=int, default=4, help="wrk connections (default 4)")
    p.add_argument("--no-http", action="store_true", help="skip the HTTP part")
    p.add_argument(
        "--http-grown", action="store_true", help="HTTP at grown corpora too (default: at corpora without copies)"
    )
    p.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL backend")
    p.add_argument(
        "--search-url",
        default=None,
        help="PostgreSQL database for the PostgreSQL backend (postgresql+psycopg://...; default: a throwaway server "
        "started for the run, a new database for each corpus)",
    )
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
    size: int | None,
    copies: int,
    args: argparse.Namespace,
    work: Path,
    corpus: Path,
    queries: list[str],
    new_database=None,
) -> dict:
    """One corpus: the whoosh build and (given `new_database`, which makes an empty PostgreSQL database) the
    PostgreSQL build, each a whole process; every engine queried in one process; HTTP on each backend."""
    name = f"{size or 'all'} documents x{copies}"
    log = lambda text: print(f"[{time.strftime('%H:%M:%S')}] {name}: {text}", file=sys.stderr)  # noqa: E731
    index_dir = work / "index"
    shutil.rmtree(index_dir, ignore_errors=True)
    for backend in ("whoosh", "postgres"):  # a new build, a new reviewer store to sync its claims into
        (work / f"review-{backend}.db").unlink(missing_ok=True)
    log("building")
    result: dict = {"size": size, "copies": copies, "load_before": machine()["load_average"]}
    result["build"] = build.measure(size, index_dir, corpus, args.procs, work / "build.json", copies)
    log(f"{result['build']['passages']} passages at {result['build']['passages_per_s']}/s")
    backends = {"whoosh": (index_dir, {})}
    if new_database is not None:
        url, library = new_database(), work / "postgres-library"  # the folder's path only names the library
        log("building on PostgreSQL")
        environment = {SEARCH_URL.envvar: url}
        result["postgres_build"] = build.measure(
            size, library, corpus, args.procs, work / "build-postgres.json", copies, environment
        )
        log(f"{result['postgres_build']['passages']} passages at {result['postgres_build']['passages_per_s']}/s")
        backends["postgres"] = (library, environment)
    log("querying")
    pg = {"search_url": url, "library": library} if new_database is not None else None
    result["query"] = querying.measure(
        index_dir, work, corpus, args.rounds, work / "query.json", copies, pg, args.queries, args.ndcg_budget
    )
    result["http"] = []
    if not args.no_http and (copies == 1 or args.http_grown):
        for backend, (folder, environment) in backends.items():
            review = work / f"review-{backend}.db"
            log(f"{backend}: syncing the build's claims into the reviewer store")
            sync = http.sync_claims(folder, review, environment)
            result.setdefault("claims_sync", sync)  # the first backend's, as before PostgreSQL had a column
            for workers in (int(w) for w in args.workers.split(",")):
                log(f"{backend}: HTTP with {workers} worker(s)")
                figures = http.measure(
                    folder,
                    queries,
                    workers,
                    work / f"http-{backend}-{workers}",
                    args.duration,
                    args.connections,
                    database=review,
                    backend=backend,
                    environment=environment,
                )
                result["http"].append({**figures, "claims_sync": sync})
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
        with ExitStack() as servers:
            new_database = None if args.no_postgres else servers.enter_context(postgres.databases(args.search_url))
            for size, copies in sizes:
                results["sizes"].append(run_size(size, copies, args, work, corpus, queries, new_database))
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
