"""Accounts: argon2 passwords, hashed tokens, disabling, login throttling, and the `sourcecheck reviewer` CLI."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from indexer.cli import main
from webapp.review import models
from webapp.review.accounts import (
    Throttle,
    add_reviewer,
    authenticate,
    issue_token,
    list_reviewers,
    reviewer_for_token,
    set_active,
)
from webapp.review.errors import AccountError, AuthenticationError, LoginThrottledError, NotFoundError

from .conftest import PASSWORD


def test_passwords_are_stored_as_argon2_hashes(store, alice):
    with store.read() as conn:
        stored = conn.scalar(sa.select(models.reviewers.c.password_hash).where(models.reviewers.c.name == "alice"))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert authenticate(store, "alice", PASSWORD).name == "alice"
    assert authenticate(store, "ALICE", PASSWORD).name == "alice"  # names are case-insensitive
    with pytest.raises(AuthenticationError):
        authenticate(store, "alice", PASSWORD + "x")
    with pytest.raises(AuthenticationError):
        authenticate(store, "nobody", PASSWORD)


@pytest.mark.production_hashes
def test_production_password_hashes(tmp_path):
    from webapp.review.store import ReviewStore

    store = ReviewStore.open(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    add_reviewer(store, "alice", PASSWORD)
    with store.read() as conn:
        stored = conn.scalar(sa.select(models.reviewers.c.password_hash))
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert authenticate(store, "alice", PASSWORD).name == "alice"
    store.dispose()


@pytest.mark.parametrize(("name", "password", "message"), [
    ("alice", PASSWORD, "already exists"),
    ("Alice", PASSWORD, "already exists"),
    ("bad name", PASSWORD, "reviewer name"),
    ("", PASSWORD, "reviewer name"),
    ("carol", "short", "at least"),
])
def test_bad_accounts_are_refused(store, alice, name, password, message):
    with pytest.raises(AccountError, match=message):
        add_reviewer(store, name, password)


def test_tokens_are_stored_hashed_and_replace_earlier_ones(store, alice):
    first = issue_token(store, "alice")
    assert first.startswith("sc_") and len(first) > 40
    with store.read() as conn:
        hashes = list(conn.scalars(sa.select(models.api_tokens.c.token_hash)))
    assert first not in hashes and all(len(h) == 64 for h in hashes)
    assert reviewer_for_token(store, first).name == "alice"
    second = issue_token(store, "alice")
    assert reviewer_for_token(store, first) is None and reviewer_for_token(store, second).name == "alice"
    assert reviewer_for_token(store, "sc_not-a-token") is None and reviewer_for_token(store, "") is None
    assert [r.tokens for r in list_reviewers(store)] == [1]


def test_disabling_blocks_password_and_token(store, alice):
    token = issue_token(store, "alice")
    set_active(store, "alice", False)
    assert reviewer_for_token(store, token) is None
    with pytest.raises(AuthenticationError):
        authenticate(store, "alice", PASSWORD)
    with pytest.raises(AccountError, match="disabled"):
        issue_token(store, "alice")
    set_active(store, "alice", True)
    assert authenticate(store, "alice", PASSWORD).active
    assert reviewer_for_token(store, token) is None  # revoked tokens stay revoked
    with pytest.raises(NotFoundError):
        set_active(store, "nobody", False)


def test_failed_logins_are_throttled_per_account_and_client(store, alice):
    clock = [store.now()]
    store.clock = lambda: clock[0]
    throttle = Throttle(max_failures=3, lockout_seconds=30)
    for _ in range(3):
        with pytest.raises(AuthenticationError) as info:
            authenticate(store, "alice", "wrong password", "10.0.0.1", throttle)
        assert not isinstance(info.value, LoginThrottledError)
    with pytest.raises(LoginThrottledError) as info:  # even the right password waits now
        authenticate(store, "alice", PASSWORD, "10.0.0.2", throttle)
    assert 1 <= info.value.retry_after <= 30
    with pytest.raises(LoginThrottledError):  # the client is throttled for other names too
        authenticate(store, "bob", PASSWORD, "10.0.0.1", throttle)
    clock[0] += timedelta(seconds=31)
    with pytest.raises(AuthenticationError) as info:  # one more failure doubles the lockout
        authenticate(store, "alice", "wrong again", "10.0.0.3", throttle)
    with pytest.raises(LoginThrottledError) as info:
        authenticate(store, "alice", PASSWORD, "10.0.0.3", throttle)
    assert 30 < info.value.retry_after <= 60
    clock[0] += timedelta(seconds=61)
    assert authenticate(store, "alice", PASSWORD, "10.0.0.4", throttle).name == "alice"
    with store.read() as conn:  # success clears the account's counter
        keys = set(conn.scalars(sa.select(models.login_throttle.c.key)))
    assert "name:alice" not in keys


def test_account_changes_are_audited(store, alice):
    issue_token(store, "alice")
    set_active(store, "alice", False)
    with store.read() as conn:
        rows = conn.execute(sa.select(models.audit_log.c.action, models.audit_log.c.details)
                            .order_by(models.audit_log.c.id)).all()
    assert [r.action for r in rows] == ["reviewer.add", "reviewer.token", "reviewer.disable"]
    assert all(r.details == {"reviewer": "alice"} for r in rows)


def test_cli_add_list_token_disable(runner, db_url):
    def run(*args, input=None):
        return runner.invoke(main, ["reviewer", args[0], "--database-url", db_url, *args[1:]], input=input)

    result = run("add", "dana", "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Added reviewer dana" in result.output
    result = run("add", "erin", input=f"{PASSWORD}\n{PASSWORD}\n")  # the hidden prompt, with confirmation
    assert result.exit_code == 0, result.output
    listed = run("list")
    assert listed.exit_code == 0 and "dana\tactive\ttokens: 0" in listed.output and "erin\tactive" in listed.output
    token = run("token", "dana")
    assert token.exit_code == 0
    value = token.output.splitlines()[0]
    assert value.startswith("sc_") and "tokens: 1" in run("list").output
    assert run("disable", "dana").exit_code == 0
    assert "dana\tdisabled\ttokens: 0" in run("list").output
    duplicate = run("add", "dana", "--password-stdin", input=PASSWORD + "\n")
    assert duplicate.exit_code == 1 and "Error: a reviewer named 'dana' already exists" in duplicate.output
    weak = run("add", "fay", "--password-stdin", input="short\n")
    assert weak.exit_code == 1 and "at least" in weak.output
    missing = run("token", "nobody")
    assert missing.exit_code == 1 and "no reviewer named 'nobody'" in missing.output

    from webapp.review.store import ReviewStore

    opened = ReviewStore(db_url)
    assert reviewer_for_token(opened, value) is None  # disabled: the token no longer works
    assert authenticate(opened, "erin", PASSWORD).name == "erin"
    opened.dispose()


def test_cli_uses_the_app_settings_by_default(runner, tmp_path):
    env = {"SOURCECHECK_INSTANCE_PATH": str(tmp_path / "instance"), "SOURCECHECK_DATABASE_URL": None,
           "SOURCECHECK_INDEX_DIR": str(tmp_path / "no-index")}
    result = runner.invoke(main, ["reviewer", "add", "gil", "--password-stdin"], input=PASSWORD + "\n", env=env)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "instance" / "review.sqlite3").is_file()
    assert "gil\tactive" in runner.invoke(main, ["reviewer", "list"], env=env).output


def test_cli_sync_copies_the_builds_claims_once(runner, db_url, index_dir, tmp_path):
    def sync(folder):
        return runner.invoke(main, ["reviewer", "sync", "--index-dir", str(folder), "--database-url", db_url])

    first = sync(index_dir)
    assert first.exit_code == 0, first.output
    added = int(first.output.split(": ", 1)[1].split(" claims added")[0])
    from webapp.review.claims import ClaimQuery, find_claims
    from webapp.review.store import ReviewStore

    opened = ReviewStore(db_url)
    assert find_claims(opened, ClaimQuery(state="all", per_page=1)).total == added > 0
    opened.dispose()
    again = sync(index_dir)
    assert again.exit_code == 0 and "already synced" in again.output
    missing = sync(tmp_path / "no-index")
    assert missing.exit_code == 1 and missing.output.startswith("Error: ") and "no-index" in missing.output
