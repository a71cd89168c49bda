"""The queue's counts from `claim_counts` (models.py) instead of a scan of every claim. No flask here.

Triggers on `claims` (migration 6) append a row of +n or -n to `claim_counts` for every claim added, removed or
moved to another combination of the COUNTED columns, in the same transaction as the change; a sum over its rows is
the number of claims with each combination. Rows are only ever appended, so two decisions never wait for one
another over a count. `compact` folds them into one row a combination: each sync does, and so does every
COMPACT_EVERY-th decision, so the table stays a few thousand rows however many decisions come between builds.
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from .models import COUNTED, claim_counts, claims
from .store import ReviewStore

COMPACT_EVERY = 256  # decisions (by audit entry id); each adds two rows
_SQLITE_INSERT_TRIGGER = "claim_counts_insert"


def compact(conn: sa.Connection) -> None:
    """One row a combination of counted values, combinations of no claims dropped (same totals as before)."""
    key = [claim_counts.c[name] for name in COUNTED]
    # The rows this statement deletes are exactly those summed: rows that concurrent transactions append stay.
    removed = conn.execute(claim_counts.delete().returning(*key, claim_counts.c.n)).all()
    totals: Counter = Counter()
    for *values, n in removed:
        totals[tuple(values)] += n
    rows = [dict(zip(COUNTED, values, strict=True), n=n) for values, n in totals.items() if n]
    if rows:
        conn.execute(claim_counts.insert(), rows)


def insert_claims(store: ReviewStore, conn: sa.Connection, rows: list[dict]) -> None:
    """Insert new claims in bulk (`store.bulk_insert`; every row names every COUNTED column), counted. PostgreSQL's
    insert trigger counts a statement at once; SQLite's runs a row at a time (a third of a large sync's writing),
    so there the trigger is dropped for the insert and re-created as it was, and the rows are counted here, all in
    the caller's transaction (SQLite's DDL is transactional, and no one else can write meanwhile)."""
    if store.dialect != "sqlite" or not rows:
        store.bulk_insert(conn, claims, rows)
        return
    trigger = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (_SQLITE_INSERT_TRIGGER,)
    ).scalar_one()
    conn.exec_driver_sql(f"DROP TRIGGER {_SQLITE_INSERT_TRIGGER}")
    store.bulk_insert(conn, claims, rows)
    conn.exec_driver_sql(trigger)
    totals = Counter(tuple(row[name] for name in COUNTED) for row in rows)
    conn.execute(claim_counts.insert(), [dict(zip(COUNTED, key, strict=True), n=n) for key, n in totals.items()])
