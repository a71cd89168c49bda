"""The store itself: migrations, schema, the append-only audit log, SQLite settings, and no flask in the core."""

from __future__ import annotations

import ast
import hashlib
import os
import socket
import sqlite3
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa

from webapp.review import models
from webapp.review.audit import append
from webapp.review.migrations import MIGRATIONS, latest_version
from webapp.review.store import ReviewStore, default_database_url, utc

REVIEW = Path(__file__).resolve().parents[2] / "webapp" / "review"
CORE = (
    "store",
    "models",
    "migrations",
    "accounts",
    "passwords",
    "sessions",
    "throttle",
    "claims",
    "sync",
    "decisions",
    "audit",
    "exports",
    "overlay",
    "errors",
    "priority",
)


@pytest.mark.parametrize("module", CORE)
def test_core_modules_never_import_flask(module):
    tree = ast.parse((REVIEW / f"{module}.py").read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] in ("flask", "werkzeug")}
    assert not any(name.startswith(".") and name.lstrip(".") in ("web", "auth", "pages", "api") for name in imported)


def test_fresh_database_is_migrated_to_the_latest_version(store):
    assert store.schema_version() == latest_version() == MIGRATIONS[-1].version
    assert store.is_current()
    with store.read() as conn:
        rows = conn.execute(sa.select(models.schema_version).order_by(models.schema_version.c.version)).all()
    assert [r.version for r in rows] == [m.version for m in MIGRATIONS]


def test_migrating_again_applies_nothing(store, db_url):
    assert store.migrate() == []
    again = ReviewStore.open(db_url)
    assert again.migrate() == []
    again.dispose()


def test_migrated_schema_matches_the_models(store):
    inspector = sa.inspect(store.engine)
    for table in models.metadata.sorted_tables:
        columns = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert set(columns) == {c.name for c in table.columns}, table.name
        for column in table.columns:
            assert columns[column.name]["nullable"] == column.nullable, f"{table.name}.{column.name}"


def test_an_older_database_is_upgraded_with_its_tokens_kept(db_url):
    """A store at version 2 (before sessions and token expiry): its live token gets an expiry 90 days after the
    upgrade and keeps working; counters under the old per-name keys go."""
    from datetime import UTC, datetime, timedelta

    from webapp.review.accounts import reviewer_for_token
    from webapp.review.migrations import applied_versions

    old = ReviewStore(db_url)
    with old.write() as conn:
        models.schema_version.create(conn)
        for migration in MIGRATIONS[:2]:
            migration.apply(conn)
            conn.execute(
                models.schema_version.insert().values(
                    version=migration.version, name=migration.name, applied_at=datetime.now(UTC)
                )
            )
        now = datetime.now(UTC)
        conn.execute(
            sa.text(
                "INSERT INTO reviewers (name, password_hash, active, created_at) VALUES ('alice', 'x', :yes, :now)"
            ),
            {"yes": True, "now": now},
        )
        conn.execute(
            sa.text("INSERT INTO api_tokens (reviewer_id, token_hash, created_at) VALUES (1, :hash, :now)"),
            {"hash": hashlib.sha256(b"sc_old-token").hexdigest(), "now": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO login_throttle (key, failures, last_failure) VALUES "
                "('name:alice', 3, :now), ('client:10.0.0.1', 2, :now)"
            ),
            {"now": now},
        )
    assert old.migrate() == [3, 4, 5, 6]
    with old.read() as conn:
        assert applied_versions(conn) == [1, 2, 3, 4, 5, 6]
        expiry = conn.scalar(sa.select(models.api_tokens.c.expires_at))
        keys = set(conn.scalars(sa.select(models.login_throttle.c.key)))
    assert timedelta(days=89) < utc(expiry) - now <= timedelta(days=90, minutes=1)
    assert keys == {"client:10.0.0.1"}
    assert reviewer_for_token(old, "sc_old-token").name == "alice"
    old.dispose()


def test_audit_log_refuses_update_and_delete_at_the_database_level(store):
    with store.write() as conn:
        entry = append(conn, store.now(), "tester", "test.entry", note="original")
    for statement in (
        models.audit_log.update().where(models.audit_log.c.id == entry).values(note="rewritten"),
        models.audit_log.delete().where(models.audit_log.c.id == entry),
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), store.write() as conn:
            conn.execute(statement)
    with store.read() as conn:
        assert conn.scalar(sa.select(models.audit_log.c.note).where(models.audit_log.c.id == entry)) == "original"


def _replace_statements(dialect: str, entry: int) -> list[str]:
    """Every way to rewrite an existing entry through an INSERT on this database."""
    values = f"({entry}, '2000-01-01 00:00:00', 'attacker', NULL, 'forged', NULL, NULL, 'rewritten', '{{}}')"
    columns = "(id, at, actor, claim_id, action, status_before, status_after, note, details)"
    upsert = (
        f"INSERT INTO audit_log {columns} VALUES {values} "
        "ON CONFLICT (id) DO UPDATE SET note = 'rewritten', actor = 'attacker'"
    )
    if dialect == "postgresql":
        return [upsert]
    return [
        f"INSERT OR REPLACE INTO audit_log {columns} VALUES {values}",
        f"REPLACE INTO audit_log {columns} VALUES {values}",
        upsert,
        f"INSERT INTO audit_log {columns} VALUES {values} ON CONFLICT DO NOTHING",
    ]


def test_audit_log_refuses_replace_and_upsert(store):
    with store.write() as conn:
        entry = append(conn, store.now(), "tester", "test.entry", note="original")
    for statement in _replace_statements(store.dialect, entry):
        try:
            with store.write() as conn:
                conn.exec_driver_sql(statement)
        except sa.exc.DBAPIError as e:
            assert "append-only" in str(e.orig), statement
        else:  # only ON CONFLICT DO NOTHING may succeed, and it must leave the entry alone
            assert "DO NOTHING" in statement
        with store.read() as conn:
            row = conn.execute(sa.select(models.audit_log).where(models.audit_log.c.id == entry)).one()
            count = conn.scalar(sa.select(sa.func.count()).select_from(models.audit_log))
        assert (row.note, row.actor, row.action, count) == ("original", "tester", "test.entry", 1), statement


def test_sqlite_refuses_replace_without_our_connection_settings(tmp_path):
    """A plain sqlite3 connection (the sqlite3 shell, a script) has recursive_triggers off: migration 3's trigger
    still refuses REPLACE on the audit log."""
    path = tmp_path / "review.sqlite3"
    opened = ReviewStore.open(f"sqlite:///{path}")
    with opened.write() as conn:
        entry = append(conn, opened.now(), "tester", "test.entry", note="original")
    with opened.read() as conn:
        assert conn.exec_driver_sql("PRAGMA recursive_triggers").scalar() == 1
    opened.dispose()
    plain = sqlite3.connect(path)
    try:
        assert plain.execute("PRAGMA recursive_triggers").fetchone() == (0,)
        for statement in _replace_statements("sqlite", entry)[:2]:
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                plain.execute(statement)
        assert plain.execute("SELECT note FROM audit_log").fetchall() == [("original",)]
    finally:
        plain.close()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_sqlite_files_are_readable_by_their_owner_only(tmp_path):
    old = os.umask(0o022)  # the usual umask, which would give 0644
    try:
        path = tmp_path / "instance" / "review.sqlite3"
        opened = ReviewStore.open(f"sqlite:///{path}")
        with opened.write() as conn:
            append(conn, opened.now(), "tester", "test.entry")
            wal, shm = path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")
            assert wal.is_file() and shm.is_file()
            assert {p.name: _mode(p) for p in (path, wal, shm)} == {p.name: 0o600 for p in (path, wal, shm)}
        opened.dispose()

        older = tmp_path / "older.sqlite3"  # a store created before this fix, world-readable
        sqlite3.connect(older).close()
        older.chmod(0o644)
        ReviewStore.open(f"sqlite:///{older}").dispose()
        assert _mode(older) == 0o600
    finally:
        os.umask(old)


def test_postgres_refuses_truncate_of_the_audit_log(postgres):
    opened = ReviewStore.open(postgres.create_database())
    try:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), opened.write() as conn:
            conn.exec_driver_sql("TRUNCATE audit_log CASCADE")
    finally:
        opened.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    opened = ReviewStore.open(f"sqlite:///{tmp_path / 'x' / 'review.sqlite3'}")
    with opened.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    opened.dispose()


def test_default_url_is_sqlite_in_the_instance_folder(tmp_path):
    assert default_database_url(tmp_path) == f"sqlite:///{tmp_path.resolve()}/review.sqlite3"


def test_a_bad_url_is_a_clear_error():
    from webapp.review.errors import ReviewError

    with pytest.raises(ReviewError, match="invalid database URL"):
        ReviewStore("not a url")


def test_unreachable_postgres_is_a_clear_error_with_the_password_hidden():
    from webapp.review.errors import ReviewError

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    with pytest.raises(ReviewError, match=r"cannot open the reviewer database .*\*\*\*") as info:
        ReviewStore.open(f"postgresql+psycopg://u:secret@127.0.0.1:{port}/nope?connect_timeout=2")
    assert "secret" not in str(info.value)
