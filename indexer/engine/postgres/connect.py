"""Connections to the search database: SQLAlchemy engines (one per process and address) and plain psycopg
connections for COPY, with connection failures reported naming the setting that holds the address."""

from __future__ import annotations

import os
import threading

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ...errors import SourcecheckError

_ENGINES: dict[tuple[int, str], sa.Engine] = {}
_LOCK = threading.Lock()


class SearchDatabaseError(SourcecheckError):
    """The search database cannot be reached or used; the message names the setting and the address."""


def safe(url: str) -> str:
    """The address without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(an address that cannot be read)"


def engine(url: str) -> sa.Engine:
    """This process's SQLAlchemy engine for `url` (a forked worker makes its own: a pool must not cross a fork)."""
    key = (os.getpid(), url)
    with _LOCK:
        found = _ENGINES.get(key)
        if found is None:
            try:
                found = sa.create_engine(url, pool_pre_ping=True, pool_size=8, max_overflow=8)
            except (sa.exc.ArgumentError, ImportError) as e:
                raise SearchDatabaseError(f"SOURCECHECK_SEARCH_URL: {safe(url)} is not a usable address ({e})") from e
            _ENGINES[key] = found
        return found


def failure(url: str, error: Exception, setting: str = "SOURCECHECK_SEARCH_URL") -> SearchDatabaseError:
    """The error to show for `error` (SQLAlchemy's or psycopg's), naming the setting and the address."""
    cause = getattr(error, "orig", None) or error
    if isinstance(cause, psycopg.errors.ReadOnlySqlTransaction):
        return SearchDatabaseError(
            f"{setting}: the search database at {safe(url)} is read-only (a standby?): builds are written to the "
            "primary; set SOURCECHECK_SEARCH_URL to the primary and SOURCECHECK_SEARCH_READ_URL to the standby"
        )
    reason = str(cause).strip().splitlines()[0] if str(cause).strip() else repr(cause)
    return SearchDatabaseError(f"{setting}: cannot use the search database at {safe(url)}: {reason}")


def conninfo(url: str) -> str:
    """The libpq address of a SQLAlchemy URL (for psycopg itself)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def connect_raw(url: str) -> psycopg.Connection:
    """A new psycopg connection (a transaction is open until commit)."""
    try:
        return psycopg.connect(conninfo(url))
    except psycopg.Error as e:
        raise failure(url, e) from e
