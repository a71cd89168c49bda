"""The reviewer workflow as a plugin of the web app (the hooks: webapp/hookspecs.py): its settings, store, pages and
API, the HTTP statuses of its errors, its commands, and the overlay that lays reviewers' decisions over what
readers see. The app loads it by name (webapp/plugins.py): the public pages never import the reviewer package.
"""

from __future__ import annotations

import click
from flask import Flask, current_app, g, url_for
from markupsafe import Markup

from indexer import CheckedDocument, Hit, SearchPage

from ..errors import ErrorStatus
from ..hookspecs import hookimpl
from . import web
from .api import bp as api_bp
from .auth import bp as auth_bp
from .auth import names_visible, template_globals
from .cli import reviewer
from .errors import (
    AccountError,
    AuthenticationError,
    ConflictError,
    InvalidRequestError,
    LoginThrottledError,
    ReviewError,
    StoreUnavailableError,
)
from .exports import STATUS_WORDS
from .overlay import review_document, review_hits, review_page
from .pages import bp as pages_bp
from .public import bp as public_bp
from .schemas import SCHEMAS

UNAVAILABLE_RETRY_AFTER = 30  # seconds
UNAVAILABLE_TITLE = "Reviewer pages are unavailable"
UNAVAILABLE_MESSAGE = (
    "The reviewer database cannot be reached right now, so the review queue, decisions and "
    "logins are unavailable; nothing was changed. Search still works. Try again in a few minutes; "
    "the error has been logged."
)
UNAVAILABLE_NOTICE = (
    "Reviewers' decisions cannot be shown right now: the labels on this page are the automatic check only."
)


@hookimpl
def init_app(app: Flask) -> None:
    """Open the reviewer store for `app` and register the review pages, login, public claims and the review API."""
    web.init_app(app)
    app.context_processor(template_globals)
    app.jinja_env.globals.update(status_words=STATUS_WORDS, document_url=web.document_url)
    for blueprint in (auth_bp, pages_bp, public_bp, api_bp):
        app.register_blueprint(blueprint)


def _without_reviews(automatic, e: StoreUnavailableError):
    """Readers still get the automatic checks when the reviewer database is down; pages say so (page_messages)."""
    current_app.logger.warning("showing automatic checks without reviewers' decisions: %s", e)
    g.reviews_unavailable = True
    return automatic


@hookimpl
def overlay_page(page: SearchPage) -> SearchPage:
    """The search page with reviewers' decisions applied (claims synced with the build first)."""
    try:
        web.synced_library()
        return review_page(web.store(), page, names_visible())
    except StoreUnavailableError as e:
        return _without_reviews(page, e)


@hookimpl
def overlay_document(checked: CheckedDocument) -> CheckedDocument:
    """A page of a checked document with reviewers' decisions applied."""
    try:
        return review_document(web.store(), checked, names_visible())
    except StoreUnavailableError as e:
        return _without_reviews(checked, e)


@hookimpl
def overlay_passage(hit: Hit) -> Hit:
    """One passage with reviewers' decisions applied."""
    try:
        return review_hits(web.store(), [hit], names_visible())[0]
    except StoreUnavailableError as e:
        return _without_reviews(hit, e)


@hookimpl
def error_statuses() -> dict[type[Exception], ErrorStatus]:
    return {
        InvalidRequestError: ErrorStatus(400, "invalid_parameter"),
        AuthenticationError: ErrorStatus(401, "unauthorized"),
        ConflictError: ErrorStatus(409, "conflict", details=lambda e: {"current": e.current.as_dict()}),
        LoginThrottledError: ErrorStatus(429, "too_many_requests"),
        AccountError: ErrorStatus(400, "invalid_account"),
        # the details (which server, why) go to the log, not to the reader
        StoreUnavailableError: ErrorStatus(
            503,
            "review_unavailable",
            UNAVAILABLE_MESSAGE,
            UNAVAILABLE_TITLE,
            UNAVAILABLE_RETRY_AFTER,
            log="reviewer database unavailable",
        ),
        ReviewError: ErrorStatus(500, "internal_error", log="reviewer workflow error"),
    }


@hookimpl
def api_endpoints() -> dict[str, str]:
    return {
        "claims": url_for("review_api.claims"),
        "claim": url_for("api.index") + "claims/{claim_id}",
        "audit": url_for("review_api.audit"),
    }


@hookimpl
def openapi_schemas() -> dict:
    return SCHEMAS


@hookimpl
def footer_links() -> tuple[str, tuple[tuple[str, str], ...]]:
    return "Reviewers", (("review queue", "review.queue"), ("audit log", "review.audit"))


@hookimpl
def page_messages() -> list[str]:
    return [Markup(UNAVAILABLE_NOTICE)] if g.get("reviews_unavailable") else []  # a constant: written as is


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(reviewer)
