"""How values are written in templates: `<time datetime>` takes a valid HTML datetime, in one filter."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask


def html_datetime(value: datetime | date) -> str:
    """A valid HTML datetime: UTC to the second (2026-12-01T23:45:12Z); a date stays a date (2026-12-01)."""
    if not isinstance(value, datetime):
        return value.isoformat()
    if value.tzinfo is None:  # the store's datetimes are UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def init_app(app: Flask) -> None:
    app.jinja_env.filters["html_datetime"] = html_datetime
