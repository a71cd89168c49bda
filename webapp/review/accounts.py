"""Reviewer accounts: argon2 password hashes, hashed API tokens, and failed-login throttling.

Throttling is kept in the database, so it holds across web processes: after `max_failures` failed logins for
one account name or one client address, further attempts are refused for a lockout that doubles with each
further failure (capped), and failures older than the window are forgotten.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .audit import append
from .errors import AccountError, AuthenticationError, LoginThrottledError, NotFoundError
from .models import api_tokens, login_throttle, reviewers
from .store import ReviewStore, utc

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
MIN_PASSWORD = 10
TOKEN_PREFIX = "sc_"
HASHER = PasswordHasher()  # argon2id, RFC 9106 "low memory" parameters (64 MiB, 3 passes)


@dataclass(frozen=True)
class Throttle:
    max_failures: int = 5
    lockout_seconds: int = 30
    max_lockout_seconds: int = 900
    window_seconds: int = 900

    def lockout(self, failures: int) -> int:
        """Seconds an account or client stays locked after `failures` failures (0 below the limit)."""
        if failures < self.max_failures:
            return 0
        return min(self.lockout_seconds * 2 ** (failures - self.max_failures), self.max_lockout_seconds)


@dataclass(frozen=True)
class Reviewer:
    id: int
    name: str
    active: bool
    created_at: datetime
    tokens: int = 0  # active API tokens

    def as_dict(self) -> dict:
        return {"name": self.name, "active": self.active, "created_at": self.created_at.isoformat()}


def _reviewer(row, tokens: int = 0) -> Reviewer:
    return Reviewer(row.id, row.name, row.active, utc(row.created_at), tokens)


@lru_cache(maxsize=4)
def _hash_for(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_hex(16))


def _dummy_hash() -> str:
    """A hash to verify against when the name is unknown, so the answer takes as long as for a real account."""
    return _hash_for(HASHER)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_reviewer(store: ReviewStore, name: str, password: str, actor: str = "cli") -> Reviewer:
    """Create an active account; AccountError for a bad or taken name or a short password."""
    if not NAME.match(name or ""):
        raise AccountError("a reviewer name is 1-80 letters, digits, '.', '_' or '-', starting with a letter or digit")
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    password_hash = HASHER.hash(password)
    with store.write() as conn:
        if conn.scalar(sa.select(reviewers.c.id).where(sa.func.lower(reviewers.c.name) == name.lower())):
            raise AccountError(f"a reviewer named {name!r} already exists")
        new_id = conn.execute(reviewers.insert().values(
            name=name, password_hash=password_hash, active=True, created_at=store.now())).inserted_primary_key[0]
        append(conn, store.now(), actor, "reviewer.add", details={"reviewer": name})
        return _reviewer(conn.execute(sa.select(reviewers).where(reviewers.c.id == new_id)).one())


def list_reviewers(store: ReviewStore) -> list[Reviewer]:
    live = sa.select(sa.func.count()).where(
        api_tokens.c.reviewer_id == reviewers.c.id, api_tokens.c.revoked_at.is_(None)).scalar_subquery()
    with store.read() as conn:
        rows = conn.execute(sa.select(reviewers, live.label("tokens")).order_by(reviewers.c.name))
        return [_reviewer(row, row.tokens) for row in rows]


def get_reviewer(store: ReviewStore, reviewer_id: int) -> Reviewer | None:
    with store.read() as conn:
        row = conn.execute(sa.select(reviewers).where(reviewers.c.id == reviewer_id)).first()
    return _reviewer(row) if row else None


def _find(conn: sa.Connection, name: str):
    row = conn.execute(sa.select(reviewers).where(sa.func.lower(reviewers.c.name) == (name or "").lower())).first()
    if row is None:
        raise NotFoundError(f"no reviewer named {name!r}")
    return row


def set_active(store: ReviewStore, name: str, active: bool, actor: str = "cli") -> Reviewer:
    """Enable or disable an account; disabling also revokes its API tokens and ends its sessions."""
    with store.write() as conn:
        row = _find(conn, name)
        conn.execute(reviewers.update().where(reviewers.c.id == row.id).values(active=active))
        if not active:
            conn.execute(api_tokens.update().where(
                api_tokens.c.reviewer_id == row.id, api_tokens.c.revoked_at.is_(None)).values(revoked_at=store.now()))
        append(conn, store.now(), actor, "reviewer.enable" if active else "reviewer.disable",
               details={"reviewer": row.name})
        return _reviewer(conn.execute(sa.select(reviewers).where(reviewers.c.id == row.id)).one())


def issue_token(store: ReviewStore, name: str, actor: str = "cli") -> str:
    """A new API token for an active reviewer (shown once; only its hash is kept); earlier tokens are revoked."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with store.write() as conn:
        row = _find(conn, name)
        if not row.active:
            raise AccountError(f"reviewer {row.name!r} is disabled")
        conn.execute(api_tokens.update().where(
            api_tokens.c.reviewer_id == row.id, api_tokens.c.revoked_at.is_(None)).values(revoked_at=store.now()))
        conn.execute(api_tokens.insert().values(
            reviewer_id=row.id, token_hash=_token_hash(token), created_at=store.now()))
        append(conn, store.now(), actor, "reviewer.token", details={"reviewer": row.name})
    return token


def revoke_tokens(store: ReviewStore, name: str, actor: str = "cli") -> int:
    """Revoke every live API token of reviewer `name` at once (the account stays active); how many there were."""
    with store.write() as conn:
        row = _find(conn, name)
        revoked = conn.execute(api_tokens.update().where(
            api_tokens.c.reviewer_id == row.id, api_tokens.c.revoked_at.is_(None)).values(revoked_at=store.now()))
        append(conn, store.now(), actor, "reviewer.revoke_tokens",
               details={"reviewer": row.name, "revoked": revoked.rowcount})
        return revoked.rowcount


def reviewer_for_token(store: ReviewStore, token: str) -> Reviewer | None:
    """The active reviewer a live token belongs to, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    query = sa.select(reviewers).join(api_tokens, api_tokens.c.reviewer_id == reviewers.c.id).where(
        api_tokens.c.token_hash == _token_hash(token), api_tokens.c.revoked_at.is_(None), reviewers.c.active)
    with store.read() as conn:
        row = conn.execute(query).first()
    return _reviewer(row) if row else None


def _keys(name: str, client: str) -> list[str]:
    return [f"name:{(name or '').lower()[:200]}"] + ([f"client:{client[:200]}"] if client else [])


def _check_throttle(store: ReviewStore, keys: list[str], throttle: Throttle) -> None:
    now = store.now()
    with store.read() as conn:
        rows = conn.execute(sa.select(login_throttle).where(login_throttle.c.key.in_(keys))).all()
    for row in rows:
        until = utc(row.last_failure) + timedelta(seconds=throttle.lockout(row.failures))
        if until > now:
            raise LoginThrottledError(max(1, int((until - now).total_seconds() + 0.999)))


def _record_failure(store: ReviewStore, keys: list[str], throttle: Throttle) -> None:
    now = store.now()
    stale = now - timedelta(seconds=throttle.window_seconds)
    failures = sa.case((login_throttle.c.last_failure < stale, 1), else_=login_throttle.c.failures + 1)
    with store.write() as conn:
        for key in keys:
            store.upsert(conn, login_throttle, {"key": key, "failures": 1, "last_failure": now}, "key",
                         {"failures": failures, "last_failure": now})


def authenticate(store: ReviewStore, name: str, password: str, client: str = "",
                 throttle: Throttle | None = None) -> Reviewer:
    """The reviewer these credentials belong to; AuthenticationError or LoginThrottledError otherwise."""
    throttle = throttle or Throttle()
    keys = _keys(name, client)
    _check_throttle(store, keys, throttle)
    with store.read() as conn:
        row = conn.execute(sa.select(reviewers).where(
            sa.func.lower(reviewers.c.name) == (name or "").lower())).first()
    try:
        HASHER.verify(row.password_hash if row else _dummy_hash(), password or "")
        ok = row is not None and row.active
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        _record_failure(store, keys, throttle)
        raise AuthenticationError("wrong name or password, or the account is disabled")
    with store.write() as conn:
        conn.execute(login_throttle.delete().where(login_throttle.c.key == keys[0]))
    return _reviewer(row)
