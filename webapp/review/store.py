"""The reviewer store: one SQLAlchemy engine, short transactions, and the settings it needs. No flask here.

SQLite (the default, a file in the instance folder) runs in WAL mode so readers never wait for the writer; write
transactions start with BEGIN IMMEDIATE so two writers queue instead of failing half-way. The file (password
hashes, the audit log) is created readable by its owner only, and so are its -wal and -shm files. PostgreSQL
(`SOURCECHECK_DATABASE_URL=postgresql+psycopg://...`) is for several web processes or machines sharing one store.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url

from . import models
from .errors import ReviewError, StoreUnavailableError
from .migrations import latest_version, migrate

SQLITE_FILE = "review.sqlite3"
SQLITE_BULK_CACHE_KIB = 131_072  # SQLite's page cache during a bulk insert (2 MiB by default)
CONNECT_TIMEOUT = 10  # seconds; PostgreSQL on a host that drops packets would otherwise hang each request
# Errors that mean the database cannot serve us right now (server down, connection lost, file locked or unreadable)
UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError)


def default_database_url(instance_path: str | Path) -> str:
    """The SQLite file in the instance folder."""
    return f"sqlite:///{Path(instance_path).resolve() / SQLITE_FILE}"


def utc(value: datetime | None) -> datetime | None:
    """A timezone-aware UTC datetime (SQLite hands back naive ones)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _sqlite_setup(engine: sa.Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # pysqlite's own BEGIN handling off: we issue BEGIN below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        # REPLACE deletes a conflicting row without firing delete triggers unless this is on: the audit log's
        # append-only triggers must see it (migration 3 also refuses it for connections without this pragma)
        cursor.execute("PRAGMA recursive_triggers=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")


def _private_file(path: Path) -> None:
    """Create the SQLite file readable by its owner only, before SQLite would create it with the umask's mode, and
    take group and other access away from an existing one and its -wal and -shm files (SQLite gives those the
    main file's mode when it creates them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    for existing in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            mode = existing.stat().st_mode & 0o777
            if mode & 0o077:
                existing.chmod(mode & 0o700)
        except OSError:  # not there, or not ours to change: SQLite reports a real problem when it opens it
            pass


class ReviewStore:
    """Reviewer accounts, claims, decisions and the audit log in one database."""

    def __init__(self, url: str, clock: Callable[[], datetime] | None = None) -> None:
        try:
            parsed = make_url(url)
        except sa.exc.ArgumentError as e:
            raise ReviewError(f"invalid database URL {url!r}: {e}") from e
        self.url = url
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite" and parsed.database not in (None, "", ":memory:"):
            _private_file(Path(parsed.database))
        connect_args = {}
        if self.dialect == "postgresql" and "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = CONNECT_TIMEOUT
        self.engine = sa.create_engine(parsed, pool_pre_ping=self.dialect != "sqlite", connect_args=connect_args)
        if self.dialect == "sqlite":
            _sqlite_setup(self.engine)
        self.clock = clock or (lambda: datetime.now(UTC))

    @classmethod
    def open(cls, url: str, clock: Callable[[], datetime] | None = None) -> ReviewStore:
        """A store with its schema migrated to the latest version."""
        store = cls(url, clock)
        store.migrate()
        return store

    def now(self) -> datetime:
        return self.clock()

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """A read transaction (a consistent snapshot); StoreUnavailableError if the database cannot answer."""
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except UNAVAILABLE as e:
            raise self._unavailable(e) from e

    @contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """A write transaction: committed at the end of the block, rolled back on any exception;
        StoreUnavailableError (nothing written) if the database cannot answer."""
        try:
            with self.engine.connect() as conn:
                conn.execution_options(write=True)
                with conn.begin():
                    yield conn
        except UNAVAILABLE as e:
            raise self._unavailable(e) from e

    def _unavailable(self, e: sa.exc.DBAPIError) -> StoreUnavailableError:
        # e.orig only: the statement and its parameters (hashes, names) stay out of messages and logs
        return StoreUnavailableError(f"cannot open the reviewer database {self.redacted_url}: {e.orig}")

    def migrate(self) -> list[int]:
        """Apply pending migrations; the versions applied now (StoreUnavailableError if unreachable)."""
        with self.write() as conn:
            return migrate(conn)

    def schema_version(self) -> int:
        with self.read() as conn:
            return conn.scalar(sa.select(sa.func.max(models.schema_version.c.version))) or 0

    def is_current(self) -> bool:
        return self.schema_version() == latest_version()

    @property
    def redacted_url(self) -> str:
        """The URL with any password hidden (for messages and logs)."""
        return make_url(self.url).render_as_string(hide_password=True)

    def get_meta(self, conn: sa.Connection, key: str) -> str | None:
        return conn.scalar(sa.select(models.meta.c.value).where(models.meta.c.key == key))

    def set_meta(self, conn: sa.Connection, key: str, value: str) -> None:
        if conn.execute(models.meta.update().where(models.meta.c.key == key).values(value=value)).rowcount == 0:
            conn.execute(models.meta.insert().values(key=key, value=value))

    def upsert(self, conn: sa.Connection, table: sa.Table, values: dict, key: str, update: dict) -> None:
        """Insert `values`, or apply `update` to the row with the same `key` (atomic on both databases)."""
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        statement = insert(table).values(**values)
        conn.execute(statement.on_conflict_do_update(index_elements=[key], set_=update))

    def bulk_insert(self, conn: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
        """Insert `rows` (dicts with the same keys), as `conn.execute(table.insert(), rows)` would but faster: COPY
        on PostgreSQL; on SQLite one prepared statement run for every row, each value through its column type, with
        a page cache the size of a large library's claims. In key order either way (each index of the key grows at
        its end instead of splitting pages all over)."""
        if not rows:
            return
        names = list(rows[0])
        quoted = ", ".join(conn.dialect.identifier_preparer.quote(name) for name in names)
        values = itemgetter(*names)
        rows = sorted(rows, key=itemgetter(*(c.name for c in table.primary_key)))
        if self.dialect == "postgresql":
            dumped = [i for i, name in enumerate(names) if isinstance(table.c[name].type, sa.JSON)]
            with conn.connection.driver_connection.cursor() as cursor:
                with cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        record = list(values(row))
                        for i in dumped:
                            record[i] = json.dumps(record[i])
                        copy.write_row(record)
            return
        kinds = (table.c[name].type.dialect_impl(conn.dialect) for name in names)
        processors = [(i, p) for i, kind in enumerate(kinds) if (p := kind.bind_processor(conn.dialect))]

        def prepared(row: dict) -> tuple:
            record = list(values(row))
            for i, process in processors:
                record[i] = process(record[i])
            return tuple(record)

        marks = ", ".join("?" for _ in names)
        cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_BULK_CACHE_KIB}")
        try:
            conn.exec_driver_sql(f"INSERT INTO {table.name} ({quoted}) VALUES ({marks})", list(map(prepared, rows)))
        finally:
            conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache)}")  # and the pages past it are freed

    def analyze(self, conn: sa.Connection, table: sa.Table) -> None:
        """Refresh the query planner's statistics of `table` after a bulk change (PostgreSQL's autovacuum may take a
        minute to, and until then plans the queue's pages on an empty table's; SQLite keeps none until asked)."""
        conn.exec_driver_sql(f"ANALYZE {table.name}")

    def vacuum(self, table: sa.Table) -> None:
        """PostgreSQL: VACUUM `table` after a bulk change, outside any transaction (it cannot run in one), so that
        index-only scans skip the rows just written without visiting the table (autovacuum gets there, later)."""
        if self.dialect != "postgresql":
            return
        try:
            with self.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(f"VACUUM {table.name}")
        except UNAVAILABLE as e:
            raise self._unavailable(e) from e

    def dispose(self) -> None:
        self.engine.dispose()
