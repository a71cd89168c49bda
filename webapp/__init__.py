"""Sourcecheck's web app: search pages for readers and support staff, and the JSON API (/api/v1).

flask --app webapp run          development server
sourcecheck serve               production server (waitress); builds the index from seeds/ if there is none

`create_app` (webapp/factory.py) is loaded on first use, so that the reviewer domain (webapp/review: store, claims,
decisions, sync...) imports without flask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .factory import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .factory import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
