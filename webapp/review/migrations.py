"""Versioned schema migrations, recorded in `schema_version`; `migrate` applies the pending ones in order.

Each migration is frozen once released: it declares the tables as they were at that version (not the live
`models.py`), so a fresh database and an old one reach the same schema. A test compares the migrated schema with
`models.py`. Migrations run in one transaction; on PostgreSQL an advisory lock stops two web processes starting at
the same moment from migrating twice (SQLite's BEGIN IMMEDIATE does the same).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from . import models

_LOCK_ID = 0x5C_0C4E_C4  # arbitrary constant: the advisory lock for schema changes


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[sa.Connection], None]


def _v1_tables(conn: sa.Connection) -> None:
    md = sa.MetaData()
    big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    when = sa.DateTime(timezone=True)
    col = sa.Column
    sa.Table(
        "reviewers",
        md,
        col("id", sa.Integer, primary_key=True),
        col("name", sa.String(80), nullable=False, unique=True),
        col("password_hash", sa.Text, nullable=False),
        col("active", sa.Boolean, nullable=False),
        col("created_at", when, nullable=False),
    )
    sa.Table(
        "api_tokens",
        md,
        col("id", sa.Integer, primary_key=True),
        col("reviewer_id", sa.Integer, sa.ForeignKey("reviewers.id"), nullable=False, index=True),
        col("token_hash", sa.String(64), nullable=False, unique=True),
        col("created_at", when, nullable=False),
        col("revoked_at", when, nullable=True),
    )
    sa.Table(
        "login_throttle",
        md,
        col("key", sa.String(300), primary_key=True),
        col("failures", sa.Integer, nullable=False),
        col("last_failure", when, nullable=False),
    )
    sa.Table("meta", md, col("key", sa.String(100), primary_key=True), col("value", sa.Text, nullable=False))
    sa.Table(
        "claims",
        md,
        col("id", sa.String(32), primary_key=True),
        col("doc_id", sa.String(300), nullable=False, index=True),
        col("title", sa.Text, nullable=False),
        col("sentence", sa.Text, nullable=False),
        col("passage_id", sa.String(300), nullable=False),
        col("position", sa.Integer, nullable=False),
        col("start", sa.Integer, nullable=False),
        col("end", sa.Integer, nullable=False),
        col("topic", sa.String(100), nullable=False),
        col("repeats", sa.Integer, nullable=False),
        col("present", sa.Boolean, nullable=False),
        col("build", sa.String(300), nullable=False),
        col("first_seen", when, nullable=False),
        col("auto_status", sa.String(20), nullable=False, index=True),
        col("auto_rule", sa.String(200), nullable=False, index=True),
        col("auto_reason", sa.Text, nullable=False),
        col("auto_correction", sa.Text, nullable=False),
        col("auto_sources", sa.JSON, nullable=False),
        col("status", sa.String(20), nullable=True, index=True),
        col("reason", sa.Text, nullable=True),
        col("correction", sa.Text, nullable=True),
        col("sources", sa.JSON, nullable=True),
        col("decision_auto_status", sa.String(20), nullable=True),
        col("needs_second_review", sa.Boolean, nullable=False),
        col("decision_id", sa.BigInteger, nullable=True),
        col("decided_by", sa.String(80), nullable=True),
        col("decided_at", when, nullable=True),
        col("version", sa.Integer, nullable=False),
    )
    sa.Table(
        "audit_log",
        md,
        col("id", big_id, primary_key=True),
        col("at", when, nullable=False, index=True),
        col("actor", sa.String(80), nullable=False, index=True),
        col("claim_id", sa.String(32), sa.ForeignKey("claims.id"), nullable=True, index=True),
        col("action", sa.String(100), nullable=False),
        col("status_before", sa.String(20), nullable=True),
        col("status_after", sa.String(20), nullable=True),
        col("note", sa.Text, nullable=False),
        col("details", sa.JSON, nullable=False),
    )
    md.create_all(conn)


_SQLITE_APPEND_ONLY = [
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
]
_POSTGRES_APPEND_ONLY = [
    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
]


def _v2_append_only_audit(conn: sa.Connection) -> None:
    """The database itself refuses to change or remove audit entries, whatever code runs against it."""
    statements = _POSTGRES_APPEND_ONLY if conn.dialect.name == "postgresql" else _SQLITE_APPEND_ONLY
    for statement in statements:
        conn.exec_driver_sql(statement)


def _v3_audit_refuses_replace(conn: sa.Connection) -> None:
    """SQLite: INSERT OR REPLACE (and REPLACE INTO) deletes the old row without firing delete triggers unless
    recursive_triggers is on; this trigger refuses the insert itself, whatever the connection's settings.
    PostgreSQL has no REPLACE, and its ON CONFLICT DO UPDATE fires the update trigger of migration 2."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(
            "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log "
            "WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )


def _v4_sessions_and_token_expiry(conn: sa.Connection) -> None:
    """Server-side sessions (so logout and disabling can end them), token expiry, the new throttle keys."""
    md = sa.MetaData()
    when = sa.DateTime(timezone=True)
    col = sa.Column
    sa.Table("reviewers", md, col("id", sa.Integer, primary_key=True))
    sa.Table(
        "reviewer_sessions",
        md,
        col("id", sa.String(64), primary_key=True),
        col("reviewer_id", sa.Integer, sa.ForeignKey("reviewers.id"), nullable=False, index=True),
        col("created_at", when, nullable=False),
        col("last_seen_at", when, nullable=False),
        col("expires_at", when, nullable=False),
        col("ended_at", when, nullable=True),
    )
    md.tables["reviewer_sessions"].create(conn)
    conn.exec_driver_sql(f"ALTER TABLE api_tokens ADD COLUMN expires_at {when.compile(dialect=conn.dialect)}")
    # Tokens issued before expiry existed get the default lifetime from now, so a deploy breaks no client at once.
    tokens = sa.table("api_tokens", sa.column("expires_at", when))
    conn.execute(tokens.update().values(expires_at=datetime.now(UTC) + timedelta(days=90)))
    # Counters under the old per-name keys would never be read or cleared again.
    throttle = sa.table("login_throttle", sa.column("key", sa.String))
    conn.execute(throttle.delete().where(throttle.c.key.startswith("name:", autoescape=True)))


def _v5_claim_priority(conn: sa.Connection) -> None:
    """A priority, its reasons and the publisher on every claim, and per-passage exposure counts. Existing claims
    get a priority from their automatic status now and the full one at the next sync, which this forces."""
    col_type = {"priority": sa.Integer(), "priority_reasons": sa.JSON(), "publisher": sa.String(200)}
    defaults = {"priority": "0", "priority_reasons": "'[]'", "publisher": "''"}
    for name, kind in col_type.items():
        conn.exec_driver_sql(
            f"ALTER TABLE claims ADD COLUMN {name} {kind.compile(dialect=conn.dialect)} "
            f"DEFAULT {defaults[name]} NOT NULL"
        )
    conn.exec_driver_sql("CREATE INDEX ix_claims_priority ON claims (priority, id)")
    conn.exec_driver_sql(
        "UPDATE claims SET priority = CASE auto_status WHEN 'inaccurate' THEN 60 WHEN 'unsupported' THEN 50 ELSE 0 END"
    )
    md = sa.MetaData()
    sa.Table(
        "passage_exposure",
        md,
        sa.Column("passage_id", sa.String(300), primary_key=True),
        sa.Column("shown", sa.BigInteger, nullable=False),
    )
    md.create_all(conn)
    meta = sa.table("meta", sa.column("key", sa.String))
    conn.execute(meta.delete().where(meta.c.key == "synced_build"))


_V6_KEY = ("present", "auto_status", "status", "decision_auto_status", "needs_second_review", "priority", "publisher")


def _v6_sqlite_triggers(key: str, old: str, new: str) -> list[str]:
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _V6_KEY)
    return [
        f"CREATE TRIGGER claim_counts_insert AFTER INSERT ON claims "
        f"BEGIN INSERT INTO claim_counts ({key}, n) VALUES ({new}, 1); END",
        f"CREATE TRIGGER claim_counts_delete AFTER DELETE ON claims "
        f"BEGIN INSERT INTO claim_counts ({key}, n) VALUES ({old}, -1); END",
        f"CREATE TRIGGER claim_counts_update AFTER UPDATE OF {key} ON claims WHEN {changed} "
        f"BEGIN INSERT INTO claim_counts ({key}, n) VALUES ({old}, -1), ({new}, 1); END",
    ]


def _v6_postgres_triggers(key: str, old: str, new: str) -> list[str]:
    # Inserts and deletes by statement (a bulk insert adds one row a combination, not one a claim); changes by row,
    # and only when a counted column really changes (the sync's update of every claim's build fires nothing).
    def function(name: str, body: str) -> str:
        return f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body}; RETURN NULL; END $$"

    return [
        function(
            "claim_counts_added",
            f"INSERT INTO claim_counts ({key}, n) SELECT {key}, count(*) FROM added GROUP BY {key}",
        ),
        "CREATE TRIGGER claim_counts_insert AFTER INSERT ON claims REFERENCING NEW TABLE AS added "
        "FOR EACH STATEMENT EXECUTE FUNCTION claim_counts_added()",
        function(
            "claim_counts_removed",
            f"INSERT INTO claim_counts ({key}, n) SELECT {key}, -count(*) FROM removed GROUP BY {key}",
        ),
        "CREATE TRIGGER claim_counts_delete AFTER DELETE ON claims REFERENCING OLD TABLE AS removed "
        "FOR EACH STATEMENT EXECUTE FUNCTION claim_counts_removed()",
        function("claim_counts_moved", f"INSERT INTO claim_counts ({key}, n) VALUES ({old}, -1), ({new}, 1)"),
        f"CREATE TRIGGER claim_counts_update AFTER UPDATE OF {key} ON claims FOR EACH ROW "
        f"WHEN (({old}) IS DISTINCT FROM ({new})) EXECUTE FUNCTION claim_counts_moved()",
    ]


def _v6_queue_counts(conn: sa.Connection) -> None:
    """The queue's counts without a scan of every claim: claim_counts holds the number of claims per combination
    of the columns the counts filter on, kept by triggers whatever code writes the claims; an index for each
    filter the queue pages through in priority order."""
    status, big_id = sa.String(20), sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    md = sa.MetaData()
    sa.Table(
        "claim_counts",
        md,
        sa.Column("id", big_id, primary_key=True),
        sa.Column("present", sa.Boolean, nullable=False),
        sa.Column("auto_status", status, nullable=False),
        sa.Column("status", status, nullable=True),
        sa.Column("decision_auto_status", status, nullable=True),
        sa.Column("needs_second_review", sa.Boolean, nullable=False),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("publisher", sa.String(200), nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
    )
    md.create_all(conn)
    key = ", ".join(_V6_KEY)
    conn.exec_driver_sql(f"INSERT INTO claim_counts ({key}, n) SELECT {key}, count(*) FROM claims GROUP BY {key}")
    old, new = (", ".join(f"{row}.{c}" for c in _V6_KEY) for row in ("OLD", "NEW"))
    triggers = _v6_postgres_triggers if conn.dialect.name == "postgresql" else _v6_sqlite_triggers
    for statement in triggers(key, old, new):
        conn.exec_driver_sql(statement)
    # The queue's order, covering the columns its filters read, so that skipping past claims (an OFFSET page, or a
    # filter few claims pass) reads the index alone; it replaces migration 5's (priority, id)
    conn.exec_driver_sql("DROP INDEX ix_claims_priority")
    conn.exec_driver_sql(
        "CREATE INDEX ix_claims_queue ON claims (priority, id, present, auto_status, status, "
        "decision_auto_status, needs_second_review, publisher)"
    )
    # Decided claims and those marked for a second review are few: queues of them (a state but "undecided", a
    # status only a decision gives) page along these small indexes instead of walking the whole queue's
    marked = "needs_second_review" if conn.dialect.name == "postgresql" else "needs_second_review = 1"
    conn.exec_driver_sql("CREATE INDEX ix_claims_decided_priority ON claims (priority, id) WHERE status IS NOT NULL")
    conn.exec_driver_sql(f"CREATE INDEX ix_claims_second_review_priority ON claims (priority, id) WHERE {marked}")
    conn.exec_driver_sql("CREATE INDEX ix_claims_topic_priority ON claims (topic, priority, id)")
    conn.exec_driver_sql("CREATE INDEX ix_claims_rule_priority ON claims (auto_rule, priority, id)")
    conn.exec_driver_sql("DROP INDEX ix_claims_auto_rule")  # the one above leads with the rule too


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "reviewers, tokens, throttle, claims, audit log", _v1_tables),
    Migration(2, "audit log is append-only (triggers)", _v2_append_only_audit),
    Migration(3, "audit log refuses INSERT OR REPLACE (SQLite trigger)", _v3_audit_refuses_replace),
    Migration(4, "server-side sessions, API token expiry, throttle keys", _v4_sessions_and_token_expiry),
    Migration(5, "claim priority, reasons and publisher; passage exposure counts", _v5_claim_priority),
    Migration(6, "queue counts kept by triggers; indexes to page by topic and rule", _v6_queue_counts),
)


def applied_versions(conn: sa.Connection) -> list[int]:
    if not sa.inspect(conn).has_table("schema_version"):
        return []
    return list(conn.scalars(sa.select(models.schema_version.c.version).order_by(models.schema_version.c.version)))


def migrate(conn: sa.Connection) -> list[int]:
    """Apply every pending migration inside the caller's write transaction; the versions applied now."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
    models.schema_version.create(conn, checkfirst=True)
    done = set(applied_versions(conn))
    applied = []
    for migration in MIGRATIONS:
        if migration.version in done:
            continue
        migration.apply(conn)
        conn.execute(
            models.schema_version.insert().values(
                version=migration.version, name=migration.name, applied_at=datetime.now(UTC)
            )
        )
        applied.append(migration.version)
    return applied


def latest_version() -> int:
    return MIGRATIONS[-1].version
