"""Accounts: argon2 passwords, the password rules, password changes, hashed tokens with an expiry, disabling, and
the `sourcecheck reviewer` CLI. (Throttling: test_throttle.py; sessions: test_sessions.py.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from webapp.cli import main
from webapp.review import models
from webapp.review.accounts import (
    add_reviewer,
    authenticate,
    issue_token,
    list_reviewers,
    reviewer_for_token,
    revoke_tokens,
    set_active,
    set_password,
)
from webapp.review.errors import AccountError, AuthenticationError, NotFoundError
from webapp.review.sessions import SessionPolicy, session_reviewer, start_session

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


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("alice", PASSWORD, "already exists"),
        ("Alice", PASSWORD, "already exists"),
        ("bad name", PASSWORD, "reviewer name"),
        ("", PASSWORD, "reviewer name"),
        ("carol", "short", "at least"),
        ("carol", "password12", "too easy to guess"),
        ("system", PASSWORD, "reserved"),
        ("CLI", PASSWORD, "reserved"),
        ("reviewer", PASSWORD, "reserved"),
    ],
)
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


def test_tokens_expire(store, alice):
    clock = [store.now()]
    store.clock = lambda: clock[0]
    token = issue_token(store, "alice", days=2)
    assert reviewer_for_token(store, token).name == "alice"
    (listed,) = list_reviewers(store)
    assert listed.tokens == 1 and listed.token_expires_at == clock[0] + timedelta(days=2)
    clock[0] += timedelta(days=2, seconds=-1)
    assert reviewer_for_token(store, token).name == "alice"
    clock[0] += timedelta(seconds=1)
    assert reviewer_for_token(store, token) is None  # expired: refused like a revoked one
    (listed,) = list_reviewers(store)
    assert (listed.tokens, listed.token_expires_at) == (0, None)
    assert revoke_tokens(store, "alice") == 0  # nothing live was left to revoke
    with pytest.raises(AccountError, match="from 1 to 3650 days"):
        issue_token(store, "alice", days=0)


def test_default_token_lifetime_is_90_days(store, alice):
    issue_token(store, "alice")
    (listed,) = list_reviewers(store)
    assert listed.token_expires_at - store.now() > timedelta(days=89, hours=23)


def test_a_password_change_ends_sessions_and_revokes_tokens(store, alice):
    policy = SessionPolicy()
    kept, other = start_session(store, alice.id, policy), start_session(store, alice.id, policy)
    token = issue_token(store, "alice")
    change = set_password(store, "alice", "a quite different passphrase", keep_session=kept)
    assert (change.sessions_ended, change.tokens_revoked) == (1, 1)
    assert session_reviewer(store, kept, policy) == alice.id and session_reviewer(store, other, policy) is None
    assert reviewer_for_token(store, token) is None
    with pytest.raises(AuthenticationError):
        authenticate(store, "alice", PASSWORD)
    assert authenticate(store, "alice", "a quite different passphrase").name == "alice"
    set_password(store, "alice", "yet another long passphrase")  # from the CLI: every session ends
    assert session_reviewer(store, kept, policy) is None
    with pytest.raises(AccountError, match="too easy to guess"):
        set_password(store, "alice", "password123")
    with pytest.raises(NotFoundError):
        set_password(store, "nobody", "yet another long passphrase")
    with store.read() as conn:
        details = conn.scalar(
            sa.select(models.audit_log.c.details)
            .where(models.audit_log.c.action == "reviewer.password")
            .order_by(models.audit_log.c.id)
            .limit(1)
        )
    assert details == {"reviewer": "alice", "sessions_ended": 1, "tokens_revoked": 1}
    assert PASSWORD not in str(details)


def test_account_changes_are_audited(store, alice):
    issue_token(store, "alice")
    set_active(store, "alice", False)
    with store.read() as conn:
        rows = conn.execute(
            sa.select(models.audit_log.c.action, models.audit_log.c.details).order_by(models.audit_log.c.id)
        ).all()
    assert [r.action for r in rows] == ["reviewer.add", "reviewer.token", "reviewer.disable"]
    assert [r.details for r in rows] == [
        {"reviewer": "alice"},
        {"reviewer": "alice", "days": 90},
        {"reviewer": "alice"},
    ]


def test_cli_add_list_token_disable(runner, db_url):
    def run(*args, input=None):
        return runner.invoke(main, ["reviewer", args[0], "--database-url", db_url, *args[1:]], input=input)

    result = run("add", "dana", "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Added reviewer dana" in result.output
    result = run("add", "erin", input=f"{PASSWORD}\n{PASSWORD}\n")  # the hidden prompt, with confirmation
    assert result.exit_code == 0, result.output
    listed = run("list")
    assert listed.exit_code == 0 and "dana\tactive\ttokens: 0\tno live token" in listed.output
    assert "erin\tactive" in listed.output
    token = run("token", "dana")
    assert token.exit_code == 0 and "it expires in 90 days" in token.stderr
    value = token.stdout.strip()
    assert value.startswith("sc_") and "tokens: 1\ttoken expires 20" in run("list").output
    short = run("token", "erin", "--days", "7")
    assert short.exit_code == 0 and "it expires in 7 days" in short.stderr
    assert run("token", "erin", "--days", "0").exit_code == 2  # click refuses it before anything happens
    assert run("disable", "dana").exit_code == 0
    assert "dana\tdisabled\ttokens: 0" in run("list").output
    duplicate = run("add", "dana", "--password-stdin", input=PASSWORD + "\n")
    assert duplicate.exit_code == 1 and "Error: a reviewer named 'dana' already exists" in duplicate.output
    weak = run("add", "fay", "--password-stdin", input="short\n")
    assert weak.exit_code == 1 and "at least" in weak.output
    guessable = run("add", "fay", "--password-stdin", input="password12\n")
    assert guessable.exit_code == 1 and "Error: the password is too easy to guess" in guessable.output
    missing = run("token", "nobody")
    assert missing.exit_code == 1 and "no reviewer named 'nobody'" in missing.output

    from webapp.review.store import ReviewStore

    opened = ReviewStore(db_url)
    assert reviewer_for_token(opened, value) is None  # disabled: the token no longer works
    assert authenticate(opened, "erin", PASSWORD).name == "erin"
    opened.dispose()


def test_cli_password(runner, db_url):
    def run(*args, input=None):
        return runner.invoke(main, ["reviewer", args[0], "--database-url", db_url, *args[1:]], input=input)

    assert run("add", "dana", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    token = run("token", "dana").stdout.strip()
    changed = run("password", "dana", input="a brand new passphrase\na brand new passphrase\n")
    assert changed.exit_code == 0, changed.output
    assert "Changed the password of reviewer dana; ended 0 sessions and revoked 1 API token." in changed.output
    mismatch = run("password", "dana", input="a brand new passphrase\nanother passphrase\n" * 3)
    assert mismatch.exit_code == 1  # the prompt asks again, then gives up at the end of input
    weak = run("password", "dana", "--password-stdin", input="          \n")
    assert weak.exit_code == 1 and "Error: the password cannot be only spaces" in weak.output
    named = run("password", "dana", "--password-stdin", input="dana's garden of roses\n")
    assert named.exit_code == 1 and "Error: the password must not contain the account name" in named.output
    missing = run("password", "nobody", "--password-stdin", input="a brand new passphrase\n")
    assert missing.exit_code == 1 and "no reviewer named 'nobody'" in missing.output
    stdin = run("password", "dana", "--password-stdin", input="the third passphrase here\n")
    assert stdin.exit_code == 0 and "revoked 0 API tokens" in stdin.output

    from webapp.review.store import ReviewStore

    opened = ReviewStore(db_url)
    assert reviewer_for_token(opened, token) is None
    assert authenticate(opened, "dana", "the third passphrase here").name == "dana"
    opened.dispose()


def test_cli_uses_the_app_settings_by_default(runner, tmp_path):
    env = {
        "SOURCECHECK_INSTANCE_PATH": str(tmp_path / "instance"),
        "SOURCECHECK_DATABASE_URL": None,
        "SOURCECHECK_INDEX_DIR": str(tmp_path / "no-index"),
    }
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
    from webapp.review.queue import ClaimQuery, find_claims
    from webapp.review.store import ReviewStore

    opened = ReviewStore(db_url)
    assert find_claims(opened, ClaimQuery(queue="all", state="all", per_page=1)).total == added > 0
    opened.dispose()
    again = sync(index_dir)
    assert again.exit_code == 0 and "already synced" in again.output
    missing = sync(tmp_path / "no-index")
    assert missing.exit_code == 1 and missing.output.startswith("Error: ") and "no-index" in missing.output
