"""HTTP latency and throughput under the production server: gunicorn running `webapp:create_app()` with N worker
processes, loaded by wrk on loopback for a bounded time, rotating through the benchmark's queries.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import psutil

from .memory import resident

ROOT = Path(__file__).resolve().parents[1]
WRK_SCRIPT = Path(__file__).with_name("wrk_queries.lua")
PAGES = {"api": "/api/v1/search", "html": "/"}  # the JSON API and the HTML results page, same parameters
FIRST_REQUEST_TIMEOUT = 600  # s: a worker's first request opens the index (and syncs claims if nobody did)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float) -> int:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        response.read()
        return response.status


@contextmanager
def gunicorn(index_dir: Path, workers: int, work: Path, database: Path, environment: dict | None = None):
    """A gunicorn serving the index on a free loopback port; yields (base URL, server process). `environment`:
    settings added to the server's (the search backend's URL, to serve a PostgreSQL build)."""
    port = free_port()
    env = {
        **os.environ,
        **(environment or {}),
        "SOURCECHECK_INDEX_DIR": str(index_dir),
        "SOURCECHECK_INSTANCE_PATH": str(work / "instance"),
        "SOURCECHECK_SECRET_KEY": "benchmark-only",
        "SOURCECHECK_DATABASE_URL": f"sqlite:///{database}",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        str(FIRST_REQUEST_TIMEOUT),
        "--log-level",
        "warning",
        "webapp:create_app()",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                get(f"{base}/api/v1/", timeout=30)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start (exit status {server.poll()})") from None
                time.sleep(0.2)
        yield base, server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def sync_claims(index_dir: Path, database: Path, environment: dict | None = None) -> dict:
    """The deploy step between a build and serving it: `sourcecheck reviewer sync` copies the build's claims into
    the reviewer store (else the first request after the build would); its time and the claims it added."""
    command = [
        sys.executable,
        "-c",
        "from webapp.cli import main; main()",
        "reviewer",
        "sync",
        "--index-dir",
        str(index_dir),
        "--database-url",
        f"sqlite:///{database}",
    ]
    started = time.perf_counter()
    env = {**os.environ, **(environment or {})}
    output = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=3600).stdout
    seconds = time.perf_counter() - started
    added = int(output.split(": ", 1)[1].split(" claims added")[0]) if "claims added" in output else 0
    return {"seconds": round(seconds, 2), "claims_added": added}


def worker_memory(server: subprocess.Popen) -> list[dict]:
    """Resident memory of each gunicorn worker process (the master only forks and watches them)."""
    return [resident(p.pid) for p in psutil.Process(server.pid).children()]


def warm_up(base: str, paths_file: Path, connections: int, passes: int = 2) -> None:
    """Every query `passes` times, `connections` at a time, before timing: each worker process reads the postings
    of a query's words the first time it sees them (the library benchmark and the FTS5 baseline are warmed too)."""
    paths = paths_file.read_text().split() * passes
    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(lambda path: get(base + path, timeout=60), paths))


def wrk(url: str, paths_file: Path, seconds: float, connections: int, threads: int) -> dict:
    """One wrk run; its figures (latency in ms, requests per second, errors)."""
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "5s",
        "-s",
        str(WRK_SCRIPT),
        url,
        "--",
        str(paths_file),
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    seconds_run = figures.pop("duration_us") / 1e6
    return {
        "requests": figures["requests"],
        "requests_per_s": round(figures["requests"] / seconds_run, 1),
        **{k.replace("_us", "_ms"): round(v / 1000, 2) for k, v in figures.items() if k.endswith("_us")},
        "errors": figures["errors"],
        "seconds": round(seconds_run, 2),
    }


def measure(
    index_dir: Path,
    queries: list[str],
    workers: int,
    work: Path,
    seconds: float,
    connections: int,
    threads: int = 1,
    database: Path | None = None,
    backend: str = "whoosh",
    environment: dict | None = None,
) -> dict:
    """Both pages under one server with `workers` processes; the first request is timed apart. `backend` names
    the search backend that `environment` selects (see `gunicorn`)."""
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    work.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "backend": backend,
        "workers": workers,
        "connections": connections,
        "threads": threads,
        "seconds": seconds,
    }
    with gunicorn(index_dir, workers, work, database or work / "review.db", environment) as (base, server):
        started = time.perf_counter()
        get(f"{base}{PAGES['api']}?{urlencode({'q': queries[0]})}", timeout=FIRST_REQUEST_TIMEOUT)
        results["first_request_s"] = round(time.perf_counter() - started, 2)
        for name, path in PAGES.items():
            paths_file = work / f"{name}-paths.txt"
            paths_file.write_text("".join(f"{path}?{urlencode({'q': q})}\n" for q in queries))
            warm_up(base, paths_file, connections)
            results[name] = wrk(base, paths_file, seconds, connections, threads)
        memory = worker_memory(server)
        results["worker_rss_mb"] = [m["rss_mb"] for m in memory]
        results["worker_anon_mb"] = [m["anon_mb"] for m in memory]
    return results
