"""Faults: a build killed with SIGKILL at any point keeps the old index serving and the next build succeeds; a full
disk or a read-only index folder gives a clear error and keeps the old index; an index swapped while the server is
under load fails no request."""

from __future__ import annotations

import gc
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from indexer import BuildError, Library, SearchRequest, build_index, current_build

from .figures import record

KILL_DELAYS = (0.0, 0.3, 0.8)  # seconds after the new build folder appears


def _corpus(folder: Path, seeds_dir: Path, round_: int) -> Path:
    """Sixty changed documents (the seeds, twelve times, marked with the round), so a build takes a while."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for copy in range(12):
        for seed in sorted(seeds_dir.iterdir()):
            title, _, body = seed.read_text(encoding="utf-8").partition("\n")
            (folder / f"{copy:02d}-{seed.name}").write_text(
                f"{title} ({round_}.{copy})\n{body}\nRound {round_}.\n", encoding="utf-8"
            )
    return folder


def _wait_for_new_build(root: Path, before: Path, child: subprocess.Popen, timeout: float = 60) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fresh = [p for p in root.glob("build-*") if p.name != before.name]
        if fresh:
            return fresh[0]
        assert child.poll() is None, "the build ended before it started a build folder"
        time.sleep(0.01)
    pytest.fail("the build did not start a build folder in time")


@pytest.mark.whoosh_only  # watches the folder for the new build's; on PostgreSQL: tests/indexer/test_index.py
def test_build_killed_mid_way_keeps_serving_and_next_build_succeeds(tmp_path, seeds_dir):
    """A real `sourcecheck build` process, killed with SIGKILL while it writes its new index, three times."""
    root = tmp_path / "ix"
    build_index([seeds_dir], root)
    before = current_build(root)
    stale = []
    for round_, delay in enumerate(KILL_DELAYS):
        corpus = _corpus(tmp_path / "docs", seeds_dir, round_)
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from indexer.cli import main; main()",
                "build",
                str(corpus),
                "--index-dir",
                str(root),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            stale.append(_wait_for_new_build(root, before, child))
            time.sleep(delay)
            assert child.poll() is None, "the build finished before it could be killed: make the corpus larger"
            child.send_signal(signal.SIGKILL)
        finally:
            child.kill()
            child.wait(30)
            child.stderr.close()
        assert child.returncode == -signal.SIGKILL
        assert current_build(root) == before  # the reader's view never moved
        assert Library(root).search(SearchRequest("miscarriage")).total > 0
        record("faults", "builds_killed_mid_way")
    summary = build_index([corpus], root, wait=10)  # the dead builds' lock is gone with them
    assert summary.documents == 60 and current_build(root) != before
    assert not [p for p in stale if p.exists()], "the killed builds' folders were not cleaned up"
    assert Library(root).search(SearchRequest("miscarriage")).total > 0
    record("faults", "builds_after_kill_succeeded")


def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@contextmanager
def small_filesystem(tmp_path: Path, size: str):
    """A real tmpfs of `size` (root only): faults come from the kernel, not from a mock."""
    mount_point = tmp_path / "fs"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if done.returncode:
        pytest.fail(f"cannot mount a tmpfs for the fault test: {done.stderr}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


needs_root = pytest.mark.skipif(
    not _can_mount() and not os.environ.get("CI"),
    reason="real full-disk and read-only faults need root to mount a tmpfs",
)


@needs_root
# whoosh's writer leaves its half-written segment files open when the disk fills; they are closed on collection
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.whoosh_only  # the index folder's disk
def test_full_disk_gives_clear_error_and_keeps_old_index(tmp_path, seeds_dir):
    with small_filesystem(tmp_path, "6m") as fs:
        root = fs / "ix"
        build_index([seeds_dir], root)
        before = current_build(root)
        free = shutil.disk_usage(fs).free
        with open(fs / "filler", "wb") as f:  # leave ~64 KB: too little for a second build
            f.write(b"\0" * max(0, free - 64 * 1024))
        with pytest.raises(BuildError) as err:
            build_index([seeds_dir], root)
        gc.collect()  # close whoosh's leaked handles inside this test, where the warning filter applies
        assert "previous index is kept" in str(err.value) and "space" in str(err.value).lower()
        assert current_build(root) == before
        assert Library(root).search(SearchRequest("miscarriage")).total > 0
        (fs / "filler").unlink()
        assert build_index([seeds_dir], root).documents == 5
        record("faults", "full_disk_builds_refused")


@needs_root
@pytest.mark.whoosh_only  # the index folder's disk
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_read_only_index_folder_gives_clear_error_and_keeps_serving(tmp_path, seeds_dir):
    with small_filesystem(tmp_path, "16m") as fs:
        root = fs / "ix"
        build_index([seeds_dir], root)
        before = current_build(root)
        subprocess.run(["mount", "-o", "remount,ro", str(fs)], check=True)
        try:
            with pytest.raises(BuildError) as err:
                build_index([seeds_dir], root)
            gc.collect()
            assert "read-only" in str(err.value).lower()
            assert current_build(root) == before
            assert Library(root).search(SearchRequest("tampons")).total > 0
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(fs)], check=True)
        assert build_index([seeds_dir], root).documents == 5
        record("faults", "read_only_builds_refused")


@pytest.fixture()
def live_server(tmp_path, seeds_dir):
    """The app over a fresh index, served by a threaded werkzeug server on a free loopback port."""
    from webapp import create_app

    root = tmp_path / "ix"
    build_index([seeds_dir], root)
    app = create_app({"TESTING": False, "INDEX_DIR": str(root)}, instance_path=str(tmp_path / "instance"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", root
    server.shutdown()
    thread.join(10)


def test_index_swapped_under_load_fails_no_request(live_server, seeds_dir, tmp_path):
    wrk = shutil.which("wrk")
    if wrk is None:
        if os.environ.get("CI"):
            pytest.fail("wrk is not installed (scripts/setup.sh installs it)")
        pytest.skip("wrk is not installed")
    url, root = live_server
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "more.txt").write_text("More\n\nAvoid tampons for two weeks after a miscarriage.")
    stop = threading.Event()
    swaps = []

    def rebuild_loop():
        corpora = [[seeds_dir], [seeds_dir, extra]]
        while not stop.is_set():
            build_index(corpora[len(swaps) % 2], root, wait=30)
            swaps.append(current_build(root))

    builder = threading.Thread(target=rebuild_loop)
    builder.start()
    try:
        out = subprocess.run(
            [wrk, "-t2", "-c8", "-d8s", "--timeout", "5s", f"{url}/api/v1/search?q=miscarriage"],
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
    finally:
        stop.set()
        builder.join(60)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(failed.group(1)) if failed else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    record("faults", "swap_under_load_requests", requests)  # recorded before the checks: a failure has figures too
    record("faults", "swap_under_load_swaps", len(swaps))
    record("faults", "swap_under_load_errors", errors)
    assert requests > 0, out
    assert errors == 0 and "Non-2xx" not in out and "Socket errors" not in out, out
    assert swaps, "the index was not swapped during the load"
