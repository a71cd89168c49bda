"""The reviewer store's tables (SQLAlchemy Core), as of the latest migration in `migrations.py`.

claims             one row per claim fingerprint: the automatic verdict from the latest build, and the current
                   decision (status, reason, correction, sources overrides) with its optimistic-lock `version`
audit_log          append-only: every decision and every system event (database triggers refuse changes)
reviewers          accounts, argon2 password hashes
reviewer_sessions  logged-in sessions (SHA-256 of the random id in the cookie), so that they can be ended
api_tokens         hashed API tokens (SHA-256 of a 256-bit random token), each with an expiry
login_throttle     failed-login counters per (account, client address), per address and per account
passage_exposure   how often each passage was shown in search results (a counter, nothing about who or why)
claim_counts       how many claims have each combination of the columns the queue's counts filter on (kept by
                   triggers on claims; summed by the queue instead of scanning every claim)
meta               key/value: the build the claims were last synced from
schema_version     applied migrations
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# SQLite only auto-increments INTEGER PRIMARY KEY columns.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("applied_at", When, nullable=False),
)

reviewers = sa.Table(
    "reviewers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(80), nullable=False, unique=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", When, nullable=False),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("reviewer_id", sa.Integer, sa.ForeignKey("reviewers.id"), nullable=False, index=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", When, nullable=False),
    sa.Column("revoked_at", When, nullable=True),
    sa.Column("expires_at", When, nullable=True),  # set on every token; NULL never passes the expiry check
)

reviewer_sessions = sa.Table(
    "reviewer_sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # SHA-256 of the session id in the cookie
    sa.Column("reviewer_id", sa.Integer, sa.ForeignKey("reviewers.id"), nullable=False, index=True),
    sa.Column("created_at", When, nullable=False),
    sa.Column("last_seen_at", When, nullable=False),
    sa.Column("expires_at", When, nullable=False),  # the absolute end: created_at + SESSION_LIFETIME_HOURS
    sa.Column("ended_at", When, nullable=True),  # logout, disabled account, password change
)

login_throttle = sa.Table(
    "login_throttle",
    metadata,
    sa.Column("key", sa.String(300), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_failure", When, nullable=False),
)

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

# The columns the queue's counts and filters read (claim_counts below, the index of the queue's order)
COUNTED = ("present", "auto_status", "status", "decision_auto_status", "needs_second_review", "priority", "publisher")
claims = sa.Table(
    "claims",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),  # fingerprint of (doc id, normalised sentence)
    sa.Column("doc_id", sa.String(300), nullable=False, index=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("sentence", sa.Text, nullable=False),
    sa.Column("passage_id", sa.String(300), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("topic", sa.String(100), nullable=False),
    sa.Column("repeats", sa.Integer, nullable=False),  # passages in the library that contain this sentence
    sa.Column("present", sa.Boolean, nullable=False),  # in the latest synced build
    sa.Column("build", sa.String(300), nullable=False),
    sa.Column("first_seen", When, nullable=False),
    sa.Column("auto_status", sa.String(20), nullable=False, index=True),
    sa.Column("auto_rule", sa.String(200), nullable=False),
    sa.Column("auto_reason", sa.Text, nullable=False),
    sa.Column("auto_correction", sa.Text, nullable=False),
    sa.Column("auto_sources", sa.JSON, nullable=False),
    # The current decision; NULL until a reviewer decides. reason/correction/sources NULL = the automatic ones.
    sa.Column("status", sa.String(20), nullable=True, index=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("correction", sa.Text, nullable=True),
    sa.Column("sources", sa.JSON, nullable=True),
    sa.Column("decision_auto_status", sa.String(20), nullable=True),  # automatic status the decision was made on
    sa.Column("needs_second_review", sa.Boolean, nullable=False),
    sa.Column("decision_id", sa.BigInteger, nullable=True),  # latest audit_log entry of a decision
    sa.Column("decided_by", sa.String(80), nullable=True),
    sa.Column("decided_at", When, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    # How urgently it needs a person (priority.py), from the latest sync; the queue's order
    sa.Column("priority", sa.Integer, nullable=False, server_default="0"),
    sa.Column("priority_reasons", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("publisher", sa.String(200), nullable=False, server_default=""),  # the document's source publisher
    # The queue's order (and its keyset pages), covering what its filters read: skipping claims reads the index alone
    sa.Index("ix_claims_queue", "priority", "id", *(name for name in COUNTED if name != "priority")),
    sa.Index("ix_claims_topic_priority", "topic", "priority", "id"),
    sa.Index("ix_claims_rule_priority", "auto_rule", "priority", "id"),
)

# The few decided claims, and those marked for a second review, in the queue's order
sa.Index(
    "ix_claims_decided_priority",
    claims.c.priority,
    claims.c.id,
    sqlite_where=claims.c.status.is_not(None),
    postgresql_where=claims.c.status.is_not(None),
)
sa.Index(
    "ix_claims_second_review_priority",
    claims.c.priority,
    claims.c.id,
    sqlite_where=claims.c.needs_second_review,
    postgresql_where=claims.c.needs_second_review,
)

# Claims per combination of the COUNTED columns: database triggers on `claims` add a row of +n or -n for every insert,
# delete or change of one of them (never updating a row in place, so concurrent decisions never wait on each
# other), and counts.compact folds the rows into one a combination.
claim_counts = sa.Table(
    "claim_counts",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    *(sa.Column(c.name, c.type, nullable=c.nullable) for c in (claims.c[name] for name in COUNTED)),
    sa.Column("n", sa.Integer, nullable=False),  # claims with these values added (or, if negative, removed)
)

passage_exposure = sa.Table(
    "passage_exposure",
    metadata,
    sa.Column("passage_id", sa.String(300), primary_key=True),
    sa.Column("shown", sa.BigInteger, nullable=False),  # times shown in search results: no user, no query
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column("at", When, nullable=False, index=True),
    sa.Column("actor", sa.String(80), nullable=False, index=True),  # reviewer name, "system" or "cli"
    sa.Column("claim_id", sa.String(32), sa.ForeignKey("claims.id"), nullable=True, index=True),
    sa.Column("action", sa.String(100), nullable=False),
    sa.Column("status_before", sa.String(20), nullable=True),
    sa.Column("status_after", sa.String(20), nullable=True),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("details", sa.JSON, nullable=False),
)
