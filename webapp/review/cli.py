"""`sourcecheck reviewer ...`: reviewer accounts, API tokens and claim syncing, in the same store the web app uses
(the review plugin adds the group to the command line: webapp/cli.py).

The store is found the way the app finds it (instance config, then SOURCECHECK_DATABASE_URL), or given with
--database-url. Passwords are read from a hidden prompt (asked twice), or from the first line of stdin with
--password-stdin.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

import click

from indexer import SourcecheckError

from ..factory import create_app
from ..library import EXTENSION as LIBRARY
from .accounts import (
    DEFAULT_TOKEN_DAYS,
    MAX_TOKEN_DAYS,
    add_reviewer,
    issue_token,
    list_reviewers,
    revoke_tokens,
    set_active,
    set_password,
)
from .store import ReviewStore
from .sync import SyncSummary, sync_claims
from .web import EXTENSION

DB_HELP = "SQLAlchemy URL of the reviewer store (default: the web app's setting, or SQLite in its instance folder)."


def _open(url: str | None) -> tuple[ReviewStore, Mapping]:
    """The store, and the web app's settings when it came from the app (none with --database-url)."""
    if url:
        return ReviewStore.open(url), {}
    app = create_app()
    return app.extensions[EXTENSION].store, app.config


def _run(database_url: str | None, fn, *args, settings: bool = False):
    """`fn(store, *args)` on the reviewer store (`fn(store, app settings, *args)` with `settings`); library errors
    become "Error: ..." (exit 1)."""
    store = None
    try:
        store, config = _open(database_url)
        return fn(store, config, *args) if settings else fn(store, *args)
    except SourcecheckError as e:
        raise click.ClickException(str(e)) from e
    finally:
        if store is not None:
            store.dispose()


@click.group(help="Manage reviewer accounts and API tokens; sync the index's claims into the reviewer store.")
def reviewer() -> None:
    pass


# On each command, not the group, so that it goes after the command's name: `sourcecheck reviewer add --database-url`
database_option = click.option("--database-url", envvar="SOURCECHECK_DATABASE_URL", help=DB_HELP)


def _password(from_stdin: bool, prompt: str = "Password") -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(prompt, hide_input=True, confirmation_prompt=True)


password_stdin_option = click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)


@reviewer.command()
@click.argument("name")
@password_stdin_option
@database_option
def add(name: str, password_stdin: bool, database_url: str | None) -> None:
    """Create reviewer NAME (asks for a password)."""
    created = _run(database_url, add_reviewer, name, _password(password_stdin))
    click.echo(f"Added reviewer {created.name}.")


@reviewer.command()
@click.argument("name")
@password_stdin_option
@database_option
def password(name: str, password_stdin: bool, database_url: str | None) -> None:
    """Set a new password for NAME (asks for it twice): ends all their sessions and revokes their API tokens."""
    change = _run(database_url, set_password, name, _password(password_stdin, "New password"))
    click.echo(
        f"Changed the password of reviewer {name}; ended {_count(change.sessions_ended, 'session')} and "
        f"revoked {_count(change.tokens_revoked, 'API token')}."
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


@reviewer.command(name="list")
@database_option
def list_(database_url: str | None) -> None:
    """List reviewers: name, state, live API tokens and when the token expires, created."""
    found = _run(database_url, list_reviewers)
    if not found:
        click.echo("No reviewers yet; add one with 'sourcecheck reviewer add NAME'.")
    for r in found:
        state = "active" if r.active else "disabled"
        expiry = f"token expires {r.token_expires_at:%Y-%m-%d %H:%M} UTC" if r.token_expires_at else "no live token"
        click.echo(f"{r.name}\t{state}\ttokens: {r.tokens}\t{expiry}\tcreated {r.created_at:%Y-%m-%d %H:%M} UTC")


@reviewer.command()
@click.argument("name")
@database_option
def disable(name: str, database_url: str | None) -> None:
    """Disable reviewer NAME: ends their sessions and revokes their API tokens, for good."""
    _run(database_url, set_active, name, False)
    click.echo(f"Disabled reviewer {name}; their sessions and API tokens no longer work.")


@reviewer.command()
@click.argument("name")
@database_option
def enable(name: str, database_url: str | None) -> None:
    """Enable reviewer NAME again: they log in afresh (old sessions and tokens stay ended; issue a new token)."""
    _run(database_url, set_active, name, True)
    click.echo(f"Enabled reviewer {name}.")


@reviewer.command()
@click.argument("name")
@click.option(
    "--days",
    type=click.IntRange(1, MAX_TOKEN_DAYS),
    envvar="SOURCECHECK_TOKEN_LIFETIME_DAYS",
    help=f"How long the token lasts (default: the TOKEN_LIFETIME_DAYS setting, {DEFAULT_TOKEN_DAYS}).",
)
@database_option
def token(name: str, days: int | None, database_url: str | None) -> None:
    """Issue a new API token for NAME (earlier ones stop working). It is shown once and stored only hashed."""
    value, days = _run(database_url, _issue, name, days, settings=True)
    click.echo(value)
    click.echo(
        f"Send it as 'Authorization: Bearer <token>'; it expires in {_count(days, 'day')}. "
        "It is not stored: keep it now.",
        err=True,
    )


def _issue(store: ReviewStore, config: Mapping, name: str, days: int | None) -> tuple[str, int]:
    days = days or config.get("TOKEN_LIFETIME_DAYS", DEFAULT_TOKEN_DAYS)
    return issue_token(store, name, days=days), days


@reviewer.command()
@click.argument("name")
@database_option
def revoke(name: str, database_url: str | None) -> None:
    """Revoke every API token of NAME now (a leaked token); the account and its password keep working."""
    count = _run(database_url, revoke_tokens, name)
    click.echo(f"Revoked {count} API token{'s' if count != 1 else ''} of reviewer {name}.")


def _sync(store: ReviewStore, index_dir: str | None) -> SyncSummary | None:
    library = create_app({"INDEX_DIR": index_dir} if index_dir else None).extensions[LIBRARY].get()
    try:
        return sync_claims(store, library)
    finally:
        library.close()


@reviewer.command()
@click.option(
    "--index-dir",
    type=click.Path(file_okay=False),
    envvar="SOURCECHECK_INDEX_DIR",
    help="The index folder (default: the web app's setting).",
)
@database_option
def sync(index_dir: str | None, database_url: str | None) -> None:
    """Copy the current build's claims into the reviewer store.

    Run it after a build and before the web processes serve it: otherwise the first request after the build does
    it (about 20 s on 16,407 documents), while a reader waits.
    """
    summary = _run(database_url, _sync, index_dir)
    if summary is None:
        click.echo("The reviewer store is already synced with the current build.")
    else:
        click.echo(
            f"Synced {summary.build}: {summary.added} claims added, {summary.updated} updated, "
            f"{summary.gone} gone, {len(summary.changed)} decided claims changed."
        )
