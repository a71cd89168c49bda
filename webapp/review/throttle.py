"""Failed-login throttling, kept in the database so that it holds across web processes.

Three counters, each with its own limit of failures:

    pair     one account name from one client address: an attacker guessing from one address is locked out of
             that account, while its reviewer, elsewhere, can still log in
    client   one client address, whatever the names (spraying many names from one address)
    account  one account name from any address: a much higher ceiling against guessing spread over many addresses

Past its limit a counter locks for a time that doubles with each further failure (capped); a counter whose last
failure is older than its window starts again. Each attempt is counted before its password is checked, in the
same transaction that checks the limits, so concurrent guesses cannot all slip in under a limit; a successful
login takes its own count back and clears its pair's failures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from .errors import LoginThrottledError
from .models import login_throttle
from .store import ReviewStore, utc


@dataclass(frozen=True)
class Throttle:
    max_failures: int = 5  # per (account, client address) pair
    client_max_failures: int = 20  # per client address
    account_max_failures: int = 100  # per account, from anywhere
    lockout_seconds: int = 30
    max_lockout_seconds: int = 900
    window_seconds: int = 900
    account_window_seconds: int = 86400  # a day, so that a slow distributed guesser keeps meeting the ceiling

    def limit(self, key: str) -> tuple[int, int]:
        """(failures allowed, window in seconds) for a counter key."""
        kind = key.partition(":")[0]
        if kind == "account":
            return self.account_max_failures, self.account_window_seconds
        return (self.client_max_failures if kind == "client" else self.max_failures), self.window_seconds

    def lockout(self, failures: int, limit: int | None = None) -> int:
        """Seconds a counter stays locked after `failures` failures (0 below the limit)."""
        limit = self.max_failures if limit is None else limit
        if failures < limit:
            return 0
        return min(self.lockout_seconds * 2 ** min(failures - limit, 30), self.max_lockout_seconds)


def counter_keys(name: str, client: str) -> list[str]:
    """The counters one login attempt touches, in one fixed order (so that concurrent transactions lock rows in the
    same order and never deadlock)."""
    name = (name or "").lower()[:150]
    keys = [f"account:{name}"]
    if client:
        keys += [f"client:{client[:100]}", f"pair:{name}\n{client[:100]}"]
    return sorted(keys)


def _lock_rows(conn: sa.Connection, store: ReviewStore, keys: list[str], now: datetime) -> dict[str, tuple]:
    """The counters' rows, created if missing and locked until the transaction ends: PostgreSQL's upsert takes a
    row lock; SQLite's write transaction (BEGIN IMMEDIATE) already excludes every other writer."""
    for key in keys:
        store.upsert(
            conn, login_throttle, {"key": key, "failures": 0, "last_failure": now}, "key", {"key": login_throttle.c.key}
        )
    rows = conn.execute(sa.select(login_throttle).where(login_throttle.c.key.in_(keys)))
    return {row.key: (row.failures, utc(row.last_failure)) for row in rows}


def reserve_attempt(store: ReviewStore, name: str, client: str, throttle: Throttle) -> list[str]:
    """Count one login attempt as a failure in advance; LoginThrottledError (nothing counted) while any of its
    counters is locked. The counter keys, for `attempt_succeeded`."""
    keys = counter_keys(name, client)
    with store.write() as conn:
        rows = _lock_rows(conn, store, keys, store.now())
        now = store.now()  # after the locks: a transaction that waited must not see later failures as future ones
        counted = {}
        wait = 0.0
        for key, (failures, last) in rows.items():
            limit, window = throttle.limit(key)
            if last < now - timedelta(seconds=window):
                failures = 0  # forgotten: the last failure is older than the window
            lockout = throttle.lockout(failures, limit)
            if lockout:
                wait = max(wait, (last + timedelta(seconds=lockout) - now).total_seconds())
            counted[key] = failures + 1
        if wait > 0:
            raise LoginThrottledError(max(1, int(wait + 0.999)))
        for key, failures in counted.items():
            conn.execute(
                login_throttle.update().where(login_throttle.c.key == key).values(failures=failures, last_failure=now)
            )
    return keys


def attempt_succeeded(store: ReviewStore, keys: list[str], throttle: Throttle) -> None:
    """Take back a successful attempt's advance count: its pair starts again, the address and the account keep
    their other failures (or an attacker with one good account could reset them). Old counters are pruned."""
    stale = store.now() - timedelta(
        seconds=max(throttle.window_seconds, throttle.account_window_seconds) + throttle.max_lockout_seconds
    )
    c = login_throttle.c
    with store.write() as conn:
        conn.execute(login_throttle.delete().where(c.key.in_([k for k in keys if k.startswith("pair:")])))
        conn.execute(login_throttle.update().where(c.key.in_(keys), c.failures > 0).values(failures=c.failures - 1))
        conn.execute(login_throttle.delete().where(c.last_failure < stale))
