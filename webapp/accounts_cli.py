"""`sourcecheck reviewer ...`: reviewer accounts and API tokens, in the same store the web app uses.

The store is found the way the app finds it (instance config, then SOURCECHECK_DATABASE_URL), or given with
--database-url. Passwords are read from a hidden prompt, or from the first line of stdin with --password-stdin.
"""

from __future__ import annotations

import sys

import click

from indexer import SourcecheckError

from .review.accounts import add_reviewer, issue_token, list_reviewers, set_active
from .review.store import ReviewStore

DB_HELP = "SQLAlchemy URL of the reviewer store (default: the web app's setting, or SQLite in its instance folder)."


def _store(url: str | None) -> ReviewStore:
    try:
        if url:
            return ReviewStore.open(url)
        from . import create_app
        from .review.web import EXTENSION

        return create_app().extensions[EXTENSION].store
    except SourcecheckError as e:
        raise click.ClickException(str(e)) from e


def _run(fn, *args):
    try:
        return fn(*args)
    except SourcecheckError as e:
        raise click.ClickException(str(e)) from e


@click.group(help="Manage reviewer accounts and API tokens.")
@click.option("--database-url", envvar="SOURCECHECK_DATABASE_URL", help=DB_HELP)
@click.pass_context
def reviewer(ctx: click.Context, database_url: str | None) -> None:
    ctx.obj = {"database_url": database_url}


def _ctx_store() -> ReviewStore:
    return _store(click.get_current_context().obj["database_url"])


@reviewer.command()
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def add(name: str, password_stdin: bool) -> None:
    """Create reviewer NAME (asks for a password)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    created = _run(add_reviewer, _ctx_store(), name, password)
    click.echo(f"Added reviewer {created.name}.")


@reviewer.command(name="list")
def list_() -> None:
    """List reviewers: name, state, live API tokens, created."""
    found = _run(list_reviewers, _ctx_store())
    if not found:
        click.echo("No reviewers yet; add one with 'sourcecheck reviewer add NAME'.")
    for r in found:
        state = "active" if r.active else "disabled"
        click.echo(f"{r.name}\t{state}\ttokens: {r.tokens}\tcreated {r.created_at:%Y-%m-%d %H:%M} UTC")


@reviewer.command()
@click.argument("name")
def disable(name: str) -> None:
    """Disable reviewer NAME: ends their sessions and revokes their API tokens."""
    _run(set_active, _ctx_store(), name, False)
    click.echo(f"Disabled reviewer {name}; their sessions and API tokens no longer work.")


@reviewer.command()
@click.argument("name")
def enable(name: str) -> None:
    """Enable reviewer NAME again (issue a new API token if they need one)."""
    _run(set_active, _ctx_store(), name, True)
    click.echo(f"Enabled reviewer {name}.")


@reviewer.command()
@click.argument("name")
def token(name: str) -> None:
    """Issue a new API token for NAME (earlier ones stop working). It is shown once and stored only hashed."""
    value = _run(issue_token, _ctx_store(), name)
    click.echo(value)
    click.echo("Send it as 'Authorization: Bearer <token>'. It is not stored: keep it now.", err=True)
