"""Timing one whole build of a MedQuAD subset (read, clean, split, check, index), in a child process.

Run by the harness as `python -m bench.build SIZE INDEX_DIR OUT.json`; the parent samples the child's memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from . import corpus as medquad
from .memory import MB, PeakSampler


def folder_bytes(folder: Path, pattern: str = "*") -> int:
    return sum(p.stat().st_size for p in folder.glob(pattern) if p.is_file())


def measure(size: int | None, index_dir: Path, corpus: Path, procs: int | None, out: Path) -> dict:
    """Run the build in a child process and return its figures plus the peak memory of its process tree."""
    command = [sys.executable, "-m", "bench.build", str(size or 0), str(index_dir), str(out), "--corpus", str(corpus)]
    if procs:
        command += ["--procs", str(procs)]
    child = subprocess.Popen(command, cwd=Path(__file__).resolve().parents[1])
    with PeakSampler(child.pid) as sampler:
        code = child.wait()
    if code:
        raise RuntimeError(f"the build of {size} documents failed (exit status {code})")
    return {**json.loads(out.read_text()), **sampler.as_dict()}


def main(argv: list[str] | None = None) -> None:
    from indexer import build_index_from

    parser = argparse.ArgumentParser(prog="python -m bench.build")
    parser.add_argument("size", type=int, help="documents (0: all)")
    parser.add_argument("index_dir", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--procs", type=int, default=None)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    corpus = medquad.load(args.size or None, args.corpus)
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
        "index_mb": round((folder_bytes(build, "MAIN*") + folder_bytes(build, "_MAIN*")) / MB, 2),  # whoosh's files
        "store_mb": round(folder_bytes(build, "documents*") / MB, 2),
        "build_mb": round(folder_bytes(build) / MB, 2),
        "maxrss_parent_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "maxrss_largest_worker_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "path": str(build),
    }
    args.out.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
