"""Wiring the reviewer workflow into the Flask app: settings, the store per process, sync on a new build,
session cookie policy, error mapping and the blueprints.

Settings: `webapp.config.REVIEW` declares every setting of the reviewer workflow (kind, default, meaning);
`init_app` checks them at start (a bad value is a ReviewError naming the setting).
"""

from __future__ import annotations

import threading
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request, url_for
from flask.sessions import SecureCookieSessionInterface

from indexer import CheckedDocument, Hit, IndexNotFoundError, Library, SearchPage, SettingError

from ..config import REVIEW
from .errors import (
    AccountError,
    AuthenticationError,
    ConflictError,
    InvalidRequestError,
    LoginThrottledError,
    NotFoundError,
    ReviewError,
    StoreUnavailableError,
)
from .exports import STATUS_WORDS
from .overlay import review_document, review_hits, review_page
from .priority import THRESHOLD
from .queue import ClaimPage, Cursor
from .sessions import SessionPolicy
from .store import ReviewStore, default_database_url
from .sync import sync_claims
from .throttle import Throttle

EXTENSION = "sourcecheck.review"
DOCUMENT_ENDPOINT = "pages.document"  # the web app's document page: /doc/<doc_id>
# Domain errors to HTTP status codes and error codes, in one place.
STATUS_CODES: dict[type[ReviewError], tuple[int, str]] = {
    InvalidRequestError: (400, "invalid_parameter"),
    AuthenticationError: (401, "unauthorized"),
    NotFoundError: (404, "not_found"),
    ConflictError: (409, "conflict"),
    LoginThrottledError: (429, "too_many_requests"),
    AccountError: (400, "invalid_account"),
    StoreUnavailableError: (503, "review_unavailable"),
}
NUMBERED_UP_TO = 1000  # claims: the API links pages starting within these by number (queue_links)
UNAVAILABLE_RETRY_AFTER = 30  # seconds
UNAVAILABLE_TITLE = "Reviewer pages are unavailable"
UNAVAILABLE_MESSAGE = (
    "The reviewer database cannot be reached right now, so the review queue, decisions and "
    "logins are unavailable; nothing was changed. Search still works. Try again in a few minutes; "
    "the error has been logged."
)


def status_for(error: ReviewError) -> tuple[int, str]:
    for cls in type(error).__mro__:
        if cls in STATUS_CODES:
            return STATUS_CODES[cls]
    return 500, "internal_error"


class ReviewService:
    """The store for this process, and which build its claims were last synced from.

    The schema is migrated at start; if the database cannot be reached then, the app starts anyway (search needs
    no reviewer database) and the first request that finds it reachable migrates it.
    """

    def __init__(self, store: ReviewStore, throttle: Throttle, sessions: SessionPolicy | None = None) -> None:
        self._store = store
        self.throttle = throttle
        self.sessions = sessions or SessionPolicy()
        self.queue: dict = {"threshold": THRESHOLD, "trusted": ()}  # the default queue's settings
        self._synced: str | None = None
        self._migrated = False
        self._lock = threading.Lock()  # one sync at a time
        self._migrate_lock = threading.Lock()

    def migrate(self) -> None:
        """Bring the schema up to date, once per process; StoreUnavailableError while it cannot be reached."""
        if not self._migrated:
            with self._migrate_lock:
                if not self._migrated:
                    self._store.migrate()
                    self._migrated = True

    @property
    def store(self) -> ReviewStore:
        """The store, its schema up to date; StoreUnavailableError while the database cannot be reached."""
        self.migrate()
        return self._store

    def dispose(self) -> None:
        self._store.dispose()

    def sync(self, library: Library) -> None:
        """Sync claims once per new build (cheap when nothing changed: a path comparison)."""
        build = library.build
        if build is None or build.name == self._synced:
            return
        with self._lock:
            if build.name != self._synced:
                try:
                    sync_claims(self.store, library)
                except OSError as e:  # the build was pruned by newer rebuilds while we read it: next request
                    current_app.logger.warning("claims not synced from %s yet: %s", build.name, e)
                    return
                self._synced = build.name


def service() -> ReviewService:
    return current_app.extensions[EXTENSION]


def store() -> ReviewStore:
    return service().store


def queue_settings() -> dict:
    """The default queue's priority threshold and trusted publishers, for ClaimQuery."""
    return service().queue


def queue_links(endpoint: str, found: ClaimPage, filters: dict, numbered: bool = False) -> dict[str, str | None]:
    """next and prev of a page of the queue, with the same filters: cursors (keyset pages: as fast at any depth);
    with `numbered`, page numbers for pages starting within NUMBERED_UP_TO claims (OFFSET is cheap there)."""
    filters = {k: v for k, v in filters.items() if k not in ("page", "cursor")}

    def link(cursor: Cursor | None, number: int) -> str | None:
        if cursor is None:
            return None
        if number == 1:
            return url_for(endpoint, **filters)
        if numbered and (number - 1) * found.query.per_page <= NUMBERED_UP_TO:
            return url_for(endpoint, **filters, page=number)
        return url_for(endpoint, **filters, cursor=str(cursor))

    if not found.claims and found.page > 1:  # past the end (page=): back by number
        return {"next": None, "prev": url_for(endpoint, **filters, page=found.page - 1)}
    return {"next": link(found.next_cursor, found.page + 1), "prev": link(found.prev_cursor, found.page - 1)}


def synced_library() -> Library | None:
    """This request's library with the claims synced to its build; None before the first build."""
    from ..library import get_library

    if "review_library" not in g:
        try:
            library = get_library()
        except IndexNotFoundError:
            library = None
        if library is not None:
            service().sync(library)
        g.review_library = library
    return g.review_library


def _without_reviews(automatic, e: StoreUnavailableError):
    """Readers still get the automatic checks when the reviewer database is down; pages say so (g flag)."""
    current_app.logger.warning("showing automatic checks without reviewers' decisions: %s", e)
    g.reviews_unavailable = True
    return automatic


def _names_visible() -> bool:
    from .auth import names_visible  # auth builds on this module

    return names_visible()


def reviewed_page(page: SearchPage | None) -> SearchPage | None:
    """A search page with reviewers' decisions applied (for the web app's search page and API)."""
    if page is None:
        return None
    try:
        synced_library()
        return review_page(store(), page, _names_visible())
    except StoreUnavailableError as e:
        return _without_reviews(page, e)


def reviewed_document(checked: CheckedDocument | None) -> CheckedDocument | None:
    """A checked document with reviewers' decisions applied (for the document page and API)."""
    try:
        return None if checked is None else review_document(store(), checked, _names_visible())
    except StoreUnavailableError as e:
        return _without_reviews(checked, e)


def reviewed_hit(hit: Hit | None) -> Hit | None:
    """One passage with reviewers' decisions applied (for /api/v1/passages/<id>)."""
    try:
        return None if hit is None else review_hits(store(), [hit], _names_visible())[0]
    except StoreUnavailableError as e:
        return _without_reviews(hit, e)


class _SessionInterface(SecureCookieSessionInterface):
    """The session cookie gets the Secure flag whenever the request came over HTTPS (or the setting forces it).

    The cookie holds the CSRF token and, once logged in, a random session id that the store checks on every
    request (`sessions.py`); the cookie's own signature also lapses after SESSION_LIFETIME_HOURS.
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def document_url(claim, external: bool = False) -> str:
    """The document page, at the claim's passage."""
    return url_for(DOCUMENT_ENDPOINT, doc_id=claim.doc_id, _anchor=claim.anchor, _external=external)


def safe_url(url: str) -> str:
    """`url` if it is an http(s) link, else "#": reviewer-entered links never run script."""
    return url if urlsplit(url.strip()).scheme in ("http", "https") else "#"


def _review_error(e: ReviewError) -> Response:
    from ..errors import error_response

    status, code = status_for(e)
    if isinstance(e, StoreUnavailableError):  # the details (which server, why) go to the log, not to the reader
        current_app.logger.error("reviewer database unavailable on %s: %s", request.path, e)
        response = error_response(status, UNAVAILABLE_MESSAGE, code, title=UNAVAILABLE_TITLE)
        response.headers["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
        return response
    param = "version" if isinstance(e, ConflictError) else getattr(e, "param", None)
    response = error_response(status, str(e), code, param)
    if isinstance(e, ConflictError) and response.is_json:
        body = response.get_json()
        body["error"]["current"] = e.current.as_dict()  # the decision that won, so the client can retry
        response.set_data(current_app.json.dumps(body))
    if isinstance(e, LoginThrottledError):
        response.headers["Retry-After"] = str(e.retry_after)
    if isinstance(e, AuthenticationError) and request.path.startswith("/api/"):
        response.headers["WWW-Authenticate"] = 'Bearer realm="sourcecheck"'
    return response


def _setting(app: Flask, name: str):
    """The setting's value, parsed as `webapp.config.REVIEW` declares it; ReviewError naming it if it is bad."""
    try:
        return REVIEW[name].parse(app.config[name])
    except SettingError as e:
        raise ReviewError(str(e)) from None


def _queue_settings(app: Flask) -> dict:
    """The default queue's settings; ReviewError naming a setting that cannot be used."""
    return {"threshold": _setting(app, "PRIORITY_THRESHOLD"), "trusted": _setting(app, "TRUSTED_PUBLISHERS")}


def _policies(app: Flask) -> tuple[Throttle, SessionPolicy]:
    """The throttle and session policy from the settings; ReviewError naming a setting that cannot be used."""
    throttle = Throttle(
        max_failures=_setting(app, "LOGIN_MAX_FAILURES"),
        client_max_failures=_setting(app, "LOGIN_CLIENT_MAX_FAILURES"),
        account_max_failures=_setting(app, "LOGIN_ACCOUNT_MAX_FAILURES"),
        lockout_seconds=_setting(app, "LOGIN_LOCKOUT_SECONDS"),
    )
    sessions = SessionPolicy(
        idle_seconds=60 * _setting(app, "SESSION_IDLE_MINUTES"),
        lifetime_seconds=3600 * _setting(app, "SESSION_LIFETIME_HOURS"),
    )
    _setting(app, "TOKEN_LIFETIME_DAYS")  # used by `sourcecheck reviewer token`; checked here too
    return throttle, sessions


def init_app(app: Flask) -> None:
    from .api import bp as api
    from .auth import bp as auth
    from .auth import template_globals
    from .pages import bp as pages
    from .public import bp as public

    throttle, sessions = _policies(app)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"  # or Strict
    # Flask accepts a signed cookie for 31 days by default; no session of ours lives longer than this
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=sessions.lifetime_seconds)
    url = app.config["DATABASE_URL"] or default_database_url(app.instance_path)
    review_store = ReviewStore(url)  # a malformed URL fails here, at start
    app.extensions[EXTENSION] = reviews = ReviewService(review_store, throttle, sessions)
    reviews.queue = _queue_settings(app)
    try:
        reviews.migrate()  # now, so that a problem shows at start
    except StoreUnavailableError as e:
        app.logger.error("%s; search works without reviewers' decisions until it can be reached", e)
    app.session_interface = _SessionInterface()
    app.register_error_handler(ReviewError, _review_error)
    app.context_processor(template_globals)
    app.jinja_env.globals.update(status_words=STATUS_WORDS, document_url=document_url)
    app.jinja_env.filters["review_safe_url"] = safe_url
    for blueprint in (auth, pages, public, api):
        app.register_blueprint(blueprint)
