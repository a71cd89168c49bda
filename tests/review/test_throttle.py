"""Failed-login throttling: per (account, address) pair, per address, and a per-account ceiling; concurrent
failures each count, and concurrent guesses cannot slip past a limit."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from webapp.review import accounts, models
from webapp.review.accounts import authenticate
from webapp.review.errors import AuthenticationError, LoginThrottledError
from webapp.review.throttle import Throttle, counter_keys

from .conftest import PASSWORD


@pytest.fixture()
def clock(store):
    now = [store.now()]
    store.clock = lambda: now[0]
    return now


def _fail(store, name, client, throttle) -> None:
    with pytest.raises(AuthenticationError) as info:
        authenticate(store, name, "wrong password", client, throttle)
    assert not isinstance(info.value, LoginThrottledError)


def _counters(store) -> dict[str, int]:
    with store.read() as conn:
        return dict(conn.execute(sa.select(models.login_throttle.c.key, models.login_throttle.c.failures)).all())


def test_an_attacker_elsewhere_cannot_lock_the_reviewer_out(store, alice, clock):
    throttle = Throttle(max_failures=3, lockout_seconds=30)
    for _ in range(3):
        _fail(store, "alice", "203.0.113.9", throttle)
    with pytest.raises(LoginThrottledError) as info:  # the attacker's address is locked, even with the password
        authenticate(store, "alice", PASSWORD, "203.0.113.9", throttle)
    assert 1 <= info.value.retry_after <= 30
    assert authenticate(store, "alice", PASSWORD, "10.0.0.1", throttle).name == "alice"  # the reviewer is not


def test_the_pair_lockout_doubles_and_a_success_clears_it(store, alice, clock):
    throttle = Throttle(max_failures=3, lockout_seconds=30)
    for _ in range(3):
        _fail(store, "alice", "10.0.0.1", throttle)
    clock[0] += timedelta(seconds=31)
    _fail(store, "alice", "10.0.0.1", throttle)  # one more failure after the lockout doubles it
    with pytest.raises(LoginThrottledError) as info:
        authenticate(store, "alice", PASSWORD, "10.0.0.1", throttle)
    assert 30 < info.value.retry_after <= 60
    clock[0] += timedelta(seconds=61)
    assert authenticate(store, "alice", PASSWORD, "10.0.0.1", throttle).name == "alice"
    counters = _counters(store)
    assert "pair:alice\n10.0.0.1" not in counters  # the pair starts again
    assert counters["account:alice"] == counters["client:10.0.0.1"] == 4  # the success took back its own count


def test_one_address_spraying_names_is_throttled(store, alice, clock):
    throttle = Throttle(max_failures=3, client_max_failures=5)
    for n in range(5):
        _fail(store, f"user{n}", "10.0.2.1", throttle)
    with pytest.raises(LoginThrottledError):
        authenticate(store, "alice", PASSWORD, "10.0.2.1", throttle)
    assert authenticate(store, "alice", PASSWORD, "10.0.2.2", throttle).name == "alice"


def test_guessing_from_many_addresses_meets_the_account_ceiling(store, alice, clock):
    throttle = Throttle(max_failures=3, account_max_failures=8, lockout_seconds=30)
    for n in range(8):
        _fail(store, "alice", f"198.51.100.{n}", throttle)  # one guess per address: no pair or address limit
    with pytest.raises(LoginThrottledError):
        authenticate(store, "alice", PASSWORD, "10.0.0.1", throttle)
    with pytest.raises(LoginThrottledError):
        authenticate(store, "ALICE", PASSWORD, "10.0.0.1", throttle)  # names are case-insensitive
    clock[0] += timedelta(seconds=31)
    assert authenticate(store, "alice", PASSWORD, "10.0.0.1", throttle).name == "alice"


def test_counters_forget_after_their_window(store, alice, clock):
    throttle = Throttle(max_failures=3, account_max_failures=4)
    for _ in range(3):
        _fail(store, "alice", "10.0.0.1", throttle)
    clock[0] += timedelta(seconds=throttle.window_seconds + 1)  # the pair forgets; the account (a day) does not
    _fail(store, "alice", "10.0.0.1", throttle)
    assert _counters(store)["pair:alice\n10.0.0.1"] == 1 and _counters(store)["account:alice"] == 4
    with pytest.raises(LoginThrottledError):
        authenticate(store, "alice", PASSWORD, "10.0.0.9", throttle)
    clock[0] += timedelta(seconds=throttle.account_window_seconds + 1)
    assert authenticate(store, "alice", PASSWORD, "10.0.0.9", throttle).name == "alice"


def test_counter_keys_are_bounded_and_ordered():
    keys = counter_keys("A" * 500, "1" * 500)
    assert keys == sorted(keys) and all(len(k) <= 300 for k in keys)
    assert counter_keys("Alice", "") == ["account:alice"]


class _SlowHasher(PasswordHasher):
    """Cheap argon2 that takes 0.2 s to verify, so that concurrent guesses really overlap."""

    def verify(self, hash, password):
        time.sleep(0.2)
        return super().verify(hash, password)


def _at_once(n: int, attempt) -> list[str]:
    barrier = threading.Barrier(n)
    outcomes: list[str] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            attempt(i)
            outcomes.append("ok")
        except LoginThrottledError:
            outcomes.append("throttled")
        except AuthenticationError:
            outcomes.append("checked")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_concurrent_guesses_cannot_slip_past_the_limit(store, alice, monkeypatch):
    monkeypatch.setattr(accounts, "HASHER", _SlowHasher(time_cost=1, memory_cost=1024, parallelism=1))
    throttle = Throttle(max_failures=3)
    outcomes = _at_once(10, lambda i: authenticate(store, "alice", f"guess {i}", "10.0.0.1", throttle))
    assert sorted(outcomes) == ["checked"] * 3 + ["throttled"] * 7
    assert _counters(store)["pair:alice\n10.0.0.1"] == 3


def test_concurrent_failures_each_count(store, alice):
    throttle = Throttle(max_failures=100, client_max_failures=100, account_max_failures=100)
    outcomes = _at_once(12, lambda i: authenticate(store, "alice", f"guess {i}", f"10.0.0.{i % 3}", throttle))
    assert outcomes == ["checked"] * 12
    counters = _counters(store)
    assert counters["account:alice"] == 12
    assert [counters[f"client:10.0.0.{n}"] for n in range(3)] == [4, 4, 4]
