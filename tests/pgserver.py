"""Throwaway PostgreSQL servers for the tests: one server, or a primary with a streaming hot standby.

Both are started by the suite itself from the Debian packages' binaries (initdb, pg_ctl and pg_basebackup run as the
postgres user when we are root, because initdb refuses root), on free loopback ports, in a temporary folder that
`stop()` removes. `start_or_skip` turns "PostgreSQL is not there" into a skip locally and a failure when the CI
variable is set, so a CI machine without PostgreSQL cannot pass by skipping.

Importable as `pgserver`: pytest puts tests/ on sys.path for tests/conftest.py (tests/ has no __init__.py).
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

# fsync off: a throwaway cluster need not survive a power cut, and syncing costs seconds on a shared disk.
SETTINGS = {"listen_addresses": "127.0.0.1", "fsync": "off"}
# What streaming replication needs on the primary (wal_level=replica is also the default since PostgreSQL 10).
PRIMARY_SETTINGS = {"wal_level": "replica", "max_wal_senders": "4"}
STANDBY_SETTINGS = {"hot_standby": "on"}
_db_counter = itertools.count()
Started = TypeVar("Started")


def pg_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None when there is none."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()],
    )
    return found[-1] if found and (found[-1] / "initdb").exists() else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_or_skip(start: Callable[[], Started]) -> Started:
    """`start()`, or skip the test when PostgreSQL cannot start (a failure instead when the CI variable is set)."""
    try:
        return start()
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL could not start, and CI must test it: {e}")
        pytest.skip(f"PostgreSQL not available: {e}")


class PostgresServer:
    """A throwaway PostgreSQL server: its data folder `dir/name`, its log `dir/server.log` (or `dir/<name>.log`)."""

    def __init__(
        self, directory: Path | None = None, name: str = "data", settings: dict[str, str] | None = None
    ) -> None:
        self.bin = pg_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL binaries not found under /usr/lib/postgresql")
        self._owns_dir = directory is None
        self.dir = directory or Path(tempfile.mkdtemp(prefix="sourcecheck-pg-"))
        self.data = self.dir / name
        self.log = self.dir / ("server.log" if name == "data" else f"{name}.log")
        self.port = free_port()
        self.settings = {**SETTINGS, **(settings or {})}
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            shutil.chown(self.dir, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=60)

    def pg_ctl(self, *args: str) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), *args)

    def start(self) -> PostgresServer:
        """A new cluster (initdb), started."""
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"
        )
        return self.launch()

    def launch(self, attempts: int = 3) -> PostgresServer:
        """Start the server on the cluster already in the data folder (after `start`, a stop or a base backup).

        The port was free when chosen, but another process on this machine may have taken it since: then a new
        port is chosen and the start tried again. Any other failure is a RuntimeError quoting the server's log."""
        for attempt in range(attempts):
            if attempt:
                self.port = free_port()
            seen = self.log.stat().st_size if self.log.exists() else 0
            options = " ".join([f"-p {self.port} -k {self.dir}", *(f"-c {k}={v}" for k, v in self.settings.items())])
            try:
                self.pg_ctl("-l", str(self.log), "-w", "-t", "60", "start", "-o", options)
                return self
            except subprocess.CalledProcessError as e:
                said = self.log.read_text(errors="replace")[seen:] if self.log.exists() else ""
                if "could not bind" in said or "already in use" in said:
                    continue
                raise RuntimeError(f"{self.data.name}: the server did not start: {said.strip()[-1500:]}") from e
        raise RuntimeError(f"{self.data.name}: no free port after {attempts} attempts")

    def dsn(self, database: str = "postgres") -> str:
        """A libpq connection string (for psycopg.connect)."""
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={database}"

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL (the form Sourcecheck's settings take)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres", **kwargs):
        import psycopg

        return psycopg.connect(self.dsn(database), **kwargs)

    def create_database(self, prefix: str = "review") -> str:
        """A new empty database; its URL."""
        name = f"{prefix}_{os.getpid()}_{next(_db_counter)}"
        with self.connect(autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def halt(self) -> None:
        """Stop the server at once, keeping its data folder."""
        self.pg_ctl("-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        """Stop the server and remove its folder (when the folder is its own)."""
        try:
            self.halt()
        finally:
            if self._owns_dir:
                shutil.rmtree(self.dir, ignore_errors=True)


class StreamingCluster:
    """A primary and a hot standby streaming from it (pg_basebackup -R -X stream), in one temporary folder.

    `standby_settings` reach the standby only (for example max_standby_streaming_delay)."""

    def __init__(self, standby_settings: dict[str, str] | None = None) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="sourcecheck-pgrep-"))
        try:
            self.primary = PostgresServer(self.dir, "primary", PRIMARY_SETTINGS)
            self.standby = PostgresServer(self.dir, "standby", {**STANDBY_SETTINGS, **(standby_settings or {})})
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise

    def start(self) -> StreamingCluster:
        try:
            self.primary.start()
            # -R writes primary_conninfo and standby.signal, so the copy starts as a standby of the primary.
            self.primary._run(
                str(self.primary.bin / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.primary.port),
                "-U",
                "postgres",
                "-D",
                str(self.standby.data),
                "-R",
                "-X",
                "stream",
            )
            self.standby.launch()
        except BaseException:
            self.stop()
            raise
        return self

    def replay_lag(self, timeout: float = 60.0) -> float:
        """Seconds until the standby has replayed everything the primary has written so far (fails past `timeout`)."""
        started = time.monotonic()
        with self.primary.connect(autocommit=True) as primary:
            target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        with self.standby.connect(autocommit=True) as standby:
            while not standby.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)).fetchone()[0]:
                if time.monotonic() - started > timeout:
                    raise AssertionError(f"the standby had not replayed {target} after {timeout} s")
                time.sleep(0.01)
        return time.monotonic() - started

    def create_database(self, prefix: str = "replicated") -> tuple[str, str]:
        """A new empty database on the primary, once the standby has it too: (primary URL, standby URL)."""
        url = self.primary.create_database(prefix)
        self.replay_lag()
        name = url.rsplit("/", 1)[1]
        return url, self.standby.url(name)

    def stop(self) -> None:
        """The standby first (so it does not retry a vanished primary), then the primary; then the folder."""
        try:
            for server in (self.standby, self.primary):
                if (server.data / "postmaster.pid").exists():
                    try:
                        server.halt()
                    except subprocess.SubprocessError:
                        pass  # keep stopping the other one; the folder goes anyway
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
