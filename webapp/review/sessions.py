"""Reviewer sessions, kept server-side so that they can be ended: the signed cookie holds only a random session id,
and the database only its SHA-256.

A session ends for good at logout, when its account is disabled, when the account's password changes (every other
session of it), after `idle_seconds` without a request, and `lifetime_seconds` after login, whichever comes first.
Enabling an account again does not bring its sessions back.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from .models import reviewer_sessions, reviewers
from .store import ReviewStore, utc


@dataclass(frozen=True)
class SessionPolicy:
    idle_seconds: int = 30 * 60
    lifetime_seconds: int = 12 * 3600

    @property
    def touch_seconds(self) -> int:
        """How stale `last_seen_at` may get before a request writes it: one write a minute at most per session,
        not one per request, at the cost of the idle timeout being that much less exact."""
        return max(1, min(60, self.idle_seconds // 10))


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_session(store: ReviewStore, reviewer_id: int, policy: SessionPolicy) -> str:
    """A new session for a reviewer: the id to put in the cookie (only its hash is stored)."""
    session_id = secrets.token_urlsafe(32)
    now = store.now()
    with store.write() as conn:
        conn.execute(reviewer_sessions.delete().where(reviewer_sessions.c.expires_at < now))  # past their lifetime
        conn.execute(
            reviewer_sessions.insert().values(
                id=_hash(session_id),
                reviewer_id=reviewer_id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + timedelta(seconds=policy.lifetime_seconds),
            )
        )
    return session_id


def _alive(row, now: datetime, policy: SessionPolicy) -> bool:
    return (
        row.ended_at is None
        and row.active
        and utc(row.expires_at) > now
        and utc(row.last_seen_at) + timedelta(seconds=policy.idle_seconds) > now
    )


def session_reviewer(store: ReviewStore, session_id: str, policy: SessionPolicy) -> int | None:
    """The id of the active reviewer whose live session this is (noting that it was used), or None."""
    now = store.now()
    key = _hash(session_id)
    query = (
        sa.select(reviewer_sessions, reviewers.c.active)
        .join(reviewers, reviewers.c.id == reviewer_sessions.c.reviewer_id)
        .where(reviewer_sessions.c.id == key)
    )
    with store.read() as conn:
        row = conn.execute(query).first()
    if row is None or not _alive(row, now, policy):
        return None
    if now - utc(row.last_seen_at) >= timedelta(seconds=policy.touch_seconds):
        with store.write() as conn:
            conn.execute(
                reviewer_sessions.update()
                .where(reviewer_sessions.c.id == key, reviewer_sessions.c.ended_at.is_(None))
                .values(last_seen_at=now)
            )
    return row.reviewer_id


def end_session(store: ReviewStore, session_id: str) -> None:
    """End one session (logout); a copy of its cookie no longer works."""
    with store.write() as conn:
        conn.execute(
            reviewer_sessions.update()
            .where(reviewer_sessions.c.id == _hash(session_id), reviewer_sessions.c.ended_at.is_(None))
            .values(ended_at=store.now())
        )


def end_sessions(conn: sa.Connection, reviewer_id: int, now: datetime, keep: str | None = None) -> int:
    """End every live session of a reviewer except `keep` (a session id), inside the caller's transaction."""
    where = [reviewer_sessions.c.reviewer_id == reviewer_id, reviewer_sessions.c.ended_at.is_(None)]
    if keep:
        where.append(reviewer_sessions.c.id != _hash(keep))
    return conn.execute(reviewer_sessions.update().where(*where).values(ended_at=now)).rowcount
