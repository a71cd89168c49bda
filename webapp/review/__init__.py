"""The reviewer workflow: accounts, the review queue, decisions, the audit log and exports.

The store layer (store, models, migrations, accounts, claims, sync, decisions, audit, exports, overlay) is plain
SQLAlchemy and never imports flask, so the CLI and tests use it directly. The web layer (web, auth, pages, api)
adds flask blueprints; `init_app(app)` wires it into the app factory.
"""

from __future__ import annotations


def init_app(app) -> None:
    """Open the reviewer store for `app` and register the review pages, login, and the review API routes."""
    from .web import init_app as _init_app  # flask only when the web app asks for it

    _init_app(app)
