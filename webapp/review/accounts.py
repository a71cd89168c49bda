"""Reviewer accounts: argon2 password hashes, the password rules, password changes, and hashed API tokens with an
expiry. Disabling an account or changing its password ends its sessions (`sessions.py`) and revokes its tokens;
logins go through the failed-login throttle (`throttle.py`).
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

from .audit import PUBLIC_ACTORS, REVIEWER_LABEL, append
from .errors import AccountError, AuthenticationError, NotFoundError
from .models import api_tokens, reviewers
from .passwords import check_password
from .sessions import end_sessions
from .store import ReviewStore, utc
from .throttle import Throttle, attempt_succeeded, reserve_attempt

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
RESERVED_NAMES = frozenset((*PUBLIC_ACTORS, REVIEWER_LABEL))  # audit actors that are not accounts
TOKEN_PREFIX = "sc_"
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 3650
HASHER = PasswordHasher()  # argon2id, RFC 9106 "low memory" parameters (64 MiB, 3 passes)


@dataclass(frozen=True)
class Reviewer:
    id: int
    name: str
    active: bool
    created_at: datetime
    tokens: int = 0  # live API tokens (not revoked, not expired)
    token_expires_at: datetime | None = None  # when the live token expires

    def as_dict(self) -> dict:
        return {"name": self.name, "active": self.active, "created_at": self.created_at.isoformat()}


def _reviewer(row, tokens: int = 0, token_expires_at: datetime | None = None) -> Reviewer:
    return Reviewer(row.id, row.name, row.active, utc(row.created_at), tokens, utc(token_expires_at))


@lru_cache(maxsize=4)
def _hash_for(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_hex(16))


def _dummy_hash() -> str:
    """A hash to verify against when the name is unknown, so the answer takes as long as for a real account."""
    return _hash_for(HASHER)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_reviewer(store: ReviewStore, name: str, password: str, actor: str = "cli") -> Reviewer:
    """Create an active account; AccountError for a bad, reserved or taken name or a weak password."""
    if not NAME.match(name or ""):
        raise AccountError("a reviewer name is 1-80 letters, digits, '.', '_' or '-', starting with a letter or digit")
    if name.lower() in RESERVED_NAMES:
        raise AccountError(f"{name!r} is reserved (the audit log uses it for entries that are not a reviewer's)")
    check_password(password, name)
    password_hash = HASHER.hash(password)
    with store.write() as conn:
        if conn.scalar(sa.select(reviewers.c.id).where(sa.func.lower(reviewers.c.name) == name.lower())):
            raise AccountError(f"a reviewer named {name!r} already exists")
        new_id = conn.execute(
            reviewers.insert().values(name=name, password_hash=password_hash, active=True, created_at=store.now())
        ).inserted_primary_key[0]
        append(conn, store.now(), actor, "reviewer.add", details={"reviewer": name})
        return _reviewer(conn.execute(sa.select(reviewers).where(reviewers.c.id == new_id)).one())


def _live_tokens(now: datetime):
    return (api_tokens.c.revoked_at.is_(None), api_tokens.c.expires_at > now)


def list_reviewers(store: ReviewStore) -> list[Reviewer]:
    """Every account with its live API tokens and when the latest of them expires, by name."""
    where = (api_tokens.c.reviewer_id == reviewers.c.id, *_live_tokens(store.now()))
    live = sa.select(sa.func.count()).where(*where).scalar_subquery()
    expiry = sa.select(sa.func.max(api_tokens.c.expires_at)).where(*where).scalar_subquery()
    with store.read() as conn:
        rows = conn.execute(
            sa.select(reviewers, live.label("tokens"), expiry.label("expiry")).order_by(reviewers.c.name)
        )
        return [_reviewer(row, row.tokens, row.expiry) for row in rows]


def get_reviewer(store: ReviewStore, reviewer_id: int) -> Reviewer | None:
    with store.read() as conn:
        row = conn.execute(sa.select(reviewers).where(reviewers.c.id == reviewer_id)).first()
    return _reviewer(row) if row else None


def _find(conn: sa.Connection, name: str):
    row = conn.execute(sa.select(reviewers).where(sa.func.lower(reviewers.c.name) == (name or "").lower())).first()
    if row is None:
        raise NotFoundError(f"no reviewer named {name!r}")
    return row


def _revoke(conn: sa.Connection, reviewer_id: int, now: datetime) -> int:
    return conn.execute(
        api_tokens.update()
        .where(api_tokens.c.reviewer_id == reviewer_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    ).rowcount


def set_active(store: ReviewStore, name: str, active: bool, actor: str = "cli") -> Reviewer:
    """Enable or disable an account; disabling also revokes its API tokens and ends its sessions for good."""
    with store.write() as conn:
        row = _find(conn, name)
        now = store.now()
        conn.execute(reviewers.update().where(reviewers.c.id == row.id).values(active=active))
        if not active:
            _revoke(conn, row.id, now)
            end_sessions(conn, row.id, now)
        append(conn, now, actor, "reviewer.enable" if active else "reviewer.disable", details={"reviewer": row.name})
        return _reviewer(conn.execute(sa.select(reviewers).where(reviewers.c.id == row.id)).one())


@dataclass(frozen=True)
class PasswordChange:
    sessions_ended: int
    tokens_revoked: int


def set_password(
    store: ReviewStore, name: str, password: str, actor: str = "cli", keep_session: str | None = None
) -> PasswordChange:
    """Give reviewer `name` a new password (the rules of `check_password`); every session but `keep_session` ends
    and every API token is revoked, since whoever had the old password may hold them."""
    row = None
    with store.read() as conn:
        row = _find(conn, name)
    check_password(password, row.name)
    password_hash = HASHER.hash(password)
    with store.write() as conn:
        now = store.now()
        conn.execute(reviewers.update().where(reviewers.c.id == row.id).values(password_hash=password_hash))
        change = PasswordChange(end_sessions(conn, row.id, now, keep=keep_session), _revoke(conn, row.id, now))
        append(
            conn,
            now,
            actor,
            "reviewer.password",
            details={
                "reviewer": row.name,
                "sessions_ended": change.sessions_ended,
                "tokens_revoked": change.tokens_revoked,
            },
        )
    return change


def change_own_password(
    store: ReviewStore,
    reviewer: Reviewer,
    current: str,
    new: str,
    client: str,
    throttle: Throttle,
    keep_session: str | None,
) -> PasswordChange:
    """A logged-in reviewer's own change: the current password is checked (and throttled) like a login."""
    authenticate(store, reviewer.name, current, client, throttle)
    if new == current:
        raise AccountError("the new password is the same as the current one")
    return set_password(store, reviewer.name, new, reviewer.name, keep_session)


def issue_token(store: ReviewStore, name: str, actor: str = "cli", days: int = DEFAULT_TOKEN_DAYS) -> str:
    """A new API token for an active reviewer, valid for `days` (shown once; only its hash is kept); earlier tokens
    are revoked."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_TOKEN_DAYS:
        raise AccountError(f"a token lasts from 1 to {MAX_TOKEN_DAYS} days, not {days!r}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with store.write() as conn:
        row = _find(conn, name)
        if not row.active:
            raise AccountError(f"reviewer {row.name!r} is disabled")
        now = store.now()
        _revoke(conn, row.id, now)
        conn.execute(
            api_tokens.insert().values(
                reviewer_id=row.id, token_hash=_token_hash(token), created_at=now, expires_at=now + timedelta(days=days)
            )
        )
        append(conn, now, actor, "reviewer.token", details={"reviewer": row.name, "days": days})
    return token


def revoke_tokens(store: ReviewStore, name: str, actor: str = "cli") -> int:
    """Revoke every live API token of reviewer `name` at once (the account stays active); how many there were."""
    with store.write() as conn:
        row = _find(conn, name)
        now = store.now()
        revoked = conn.execute(
            api_tokens.update().where(api_tokens.c.reviewer_id == row.id, *_live_tokens(now)).values(revoked_at=now)
        ).rowcount
        _revoke(conn, row.id, now)  # expired ones too, so that no row is left unrevoked
        append(conn, now, actor, "reviewer.revoke_tokens", details={"reviewer": row.name, "revoked": revoked})
        return revoked


def reviewer_for_token(store: ReviewStore, token: str) -> Reviewer | None:
    """The active reviewer a live (not revoked, not expired) token belongs to, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    query = (
        sa.select(reviewers)
        .join(api_tokens, api_tokens.c.reviewer_id == reviewers.c.id)
        .where(api_tokens.c.token_hash == _token_hash(token), *_live_tokens(store.now()), reviewers.c.active)
    )
    with store.read() as conn:
        row = conn.execute(query).first()
    return _reviewer(row) if row else None


def authenticate(
    store: ReviewStore, name: str, password: str, client: str = "", throttle: Throttle | None = None
) -> Reviewer:
    """The reviewer these credentials belong to; AuthenticationError or LoginThrottledError otherwise."""
    throttle = throttle or Throttle()
    keys = reserve_attempt(store, name, client, throttle)  # counted as a failure until the password checks out
    with store.read() as conn:
        row = conn.execute(sa.select(reviewers).where(sa.func.lower(reviewers.c.name) == (name or "").lower())).first()
    try:
        HASHER.verify(row.password_hash if row else _dummy_hash(), password or "")
        ok = row is not None and row.active
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        raise AuthenticationError("wrong name or password, or the account is disabled")
    attempt_succeeded(store, keys, throttle)
    return _reviewer(row)
