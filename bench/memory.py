"""Peak memory of a process and its children, sampled while it runs."""

from __future__ import annotations

import threading

import psutil

MB = 1024 * 1024


def resident(pid: int) -> dict:
    """Resident memory of one process in MB: all of it, and the anonymous part (its heap, not mapped files)."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon"):
                fields[key] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mb": fields.get("VmRSS", 0.0), "anon_mb": fields.get("RssAnon", 0.0)}


def tree_rss(process: psutil.Process) -> tuple[int, int]:
    """(sum of RSS over the process and its descendants, largest single RSS), in bytes."""
    try:
        procs = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0, 0
    sizes = []
    for p in procs:
        try:
            sizes.append(p.memory_info().rss)
        except psutil.Error:
            pass  # exited between listing and reading
    return sum(sizes), max(sizes, default=0)


class PeakSampler:
    """Samples the RSS of a process tree every `interval` seconds until stopped; keeps the peaks.

    RSS counts pages shared between forked processes once per process, so the sum is an upper bound.
    """

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak_total = self.peak_single = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            total, single = tree_rss(self.process)
            self.peak_total = max(self.peak_total, total)
            self.peak_single = max(self.peak_single, single)
            self._stop.wait(self.interval)

    def as_dict(self) -> dict:
        return {
            "peak_rss_total_mb": round(self.peak_total / MB, 1),
            "peak_rss_largest_mb": round(self.peak_single / MB, 1),
        }
