"""Timing one whole build of a MedQuAD subset (read, clean, split, check, index), in a child process.

Run by the harness as `/usr/bin/time python -m bench.build SIZE INDEX_DIR OUT.json`: GNU time gives the whole
process's wall clock, CPU and peak RSS (its largest process), and the parent samples the tree's memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from indexer.settings import SEARCH_URL

from . import corpus as medquad
from .memory import MB, PeakSampler
from .postgres import database_mb


def folder_bytes(folder: Path, pattern: str = "*") -> int:
    return sum(p.stat().st_size for p in folder.glob(pattern) if p.is_file())


TIME = "/usr/bin/time"
TIME_FORMAT = "%e %U %S %M"  # wall s, user CPU s, system CPU s, peak RSS KB of the largest process


def _gnu_time(out: Path) -> dict:
    wall, user, system, rss_kb = out.read_text().split()[-4:]
    return {
        "tool": TIME,
        "wall_s": float(wall),
        "cpu_s": round(float(user) + float(system), 2),
        "maxrss_mb": round(int(rss_kb) / 1024, 1),
    }


def run_whole(command: list[str], timing: Path, cwd: Path, env: dict | None = None) -> tuple[int, dict, dict]:
    """Run `command` as a whole process under GNU time (exit status, its wall clock, CPU and largest process's
    peak RSS; the sampled peak memory of the process tree). Where /usr/bin/time is missing, the same figures come
    from the child's resource usage as the kernel reports it to wait4(), which is what GNU time reads."""
    gnu = Path(TIME).is_file()
    started = time.perf_counter()
    command = [TIME, "-f", TIME_FORMAT, "-o", str(timing), *command] if gnu else command
    child = subprocess.Popen(command, cwd=cwd, env=env)
    with PeakSampler(child.pid) as sampler:
        if gnu:
            code, usage = child.wait(), None
        else:
            _, status, usage = os.wait4(child.pid, 0)
            code = os.waitstatus_to_exitcode(status)
            child.returncode = code
    wall = time.perf_counter() - started
    if usage is None:
        process = _gnu_time(timing) if code == 0 else {}
    else:
        process = {
            "tool": "wait4",
            "wall_s": round(wall, 2),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "maxrss_mb": round(usage.ru_maxrss / 1024, 1),
        }
    return code, process, sampler.as_dict()


def measure(
    size: int | None,
    index_dir: Path,
    corpus: Path,
    procs: int | None,
    out: Path,
    copies: int = 1,
    environment: dict | None = None,
) -> dict:
    """Run the build in a child process and return its figures, those of the whole process (`run_whole`) and the
    peak memory of its process tree. `environment`: settings for the build (the search backend's URL, to build
    on PostgreSQL as `sourcecheck build` would)."""
    command = [sys.executable, "-m", "bench.build", str(size or 0), str(index_dir), str(out), "--corpus", str(corpus)]
    command += ["--copies", str(copies)] + (["--procs", str(procs)] if procs else [])
    env = {**os.environ, **(environment or {})}
    code, process, memory = run_whole(command, out.with_suffix(".time"), Path(__file__).resolve().parents[1], env)
    if code:
        raise RuntimeError(f"the build of {size} documents x{copies} failed (exit status {code})")
    figures = {**json.loads(out.read_text()), **memory, "process": process}
    figures["documents_per_s_process"] = round(figures["documents"] / process["wall_s"], 1)
    figures["passages_per_s_process"] = round(figures["passages"] / process["wall_s"], 1)
    return figures


def main(argv: list[str] | None = None) -> None:
    from indexer import build_index_from

    parser = argparse.ArgumentParser(prog="python -m bench.build")
    parser.add_argument("size", type=int, help="documents (0: all)")
    parser.add_argument("index_dir", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--procs", type=int, default=None)
    parser.add_argument("--copies", type=int, default=1, help="copies of each document (default 1)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    corpus = medquad.load(args.size or None, args.corpus, args.copies)
    read = time.perf_counter() - started
    summary = build_index_from(corpus.sources(), args.index_dir, procs=args.procs)
    seconds = time.perf_counter() - started
    build = Path(summary.path)
    figures = {
        "documents": summary.documents,
        "passages": summary.passages,
        "sentences": sum(summary.sentences.values()),
        "statuses": dict(summary.sentences),
        "skipped": len(summary.skipped),
        "seconds": round(seconds, 3),
        "read_seconds": round(read, 3),
        "passages_per_s": round(summary.passages / seconds, 1),
        "documents_per_s": round(summary.documents / seconds, 1),
        "index_mb": round((folder_bytes(build, "MAIN*") + folder_bytes(build, "_MAIN*")) / MB, 2),  # whoosh's files
        "store_mb": round(folder_bytes(build, "documents*") / MB, 2),
        "build_mb": round(folder_bytes(build) / MB, 2),
        "maxrss_parent_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "maxrss_largest_worker_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "path": str(build),
    }
    search_url = os.environ.get(SEARCH_URL.envvar)
    if search_url:  # built on PostgreSQL: the database holds index and documents; no folder was written
        figures["database_mb"] = database_mb(search_url)
        for key in ("index_mb", "store_mb", "build_mb"):
            figures.pop(key)
    args.out.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
