"""`sourcecheck serve`: builds the index from the seeds when there is none, serves with waitress, fails clearly."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from indexer import current_build
from webapp.server import ServeError, ensure_index, seeds_folder, serve

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ensure_index_builds_from_the_seeds_once(tmp_path, seeds_dir):
    index = tmp_path / "index"
    ensure_index(index, str(seeds_dir))
    build = current_build(index)
    assert build is not None
    ensure_index(index, str(seeds_dir))
    assert current_build(index) == build


def test_no_seeds_is_a_clear_error(tmp_path):
    with pytest.raises(ServeError, match="no seed documents"):
        seeds_folder(str(tmp_path / "missing"))


def test_port_in_use_is_a_clear_error(seed_index, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCECHECK_INSTANCE_PATH", str(tmp_path))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        with pytest.raises(ServeError, match="cannot listen"):
            serve(port=s.getsockname()[1], index_dir=str(seed_index))


def test_sourcecheck_serve_builds_and_serves_the_seeds(tmp_path):
    """The README's run command, end to end: no index yet, so it builds one from seeds/ and serves it."""
    port = free_port()
    env = {**os.environ, "SOURCECHECK_INSTANCE_PATH": str(tmp_path / "instance")}
    command = [
        sys.executable,
        "-c",
        "from webapp.cli import main; main()",
        "serve",
        "--port",
        str(port),
        "--index-dir",
        str(tmp_path / "index"),
    ]
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        body = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/search?q=IUI", timeout=5) as r:
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert body is not None, log.read_text()
        assert '"status": "inaccurate"' in body or '"status":"inaccurate"' in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/?q=ICI+IUI", timeout=5) as r:
            assert "Inaccurate" in r.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert current_build(tmp_path / "index") is not None
    assert "building one from" in log.read_text()


def test_flask_run_finds_the_app(tmp_path, seed_index):
    env = {**os.environ, "SOURCECHECK_INSTANCE_PATH": str(tmp_path), "SOURCECHECK_INDEX_DIR": str(seed_index)}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "webapp", "routes"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "pages.search" in result.stdout and "api.search" in result.stdout
