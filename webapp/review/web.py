"""The reviewer workflow's state in the Flask app: settings, the store per process, sync on a new build and the
session cookie policy; the review pages and API build on it (plugin.py registers them).

Settings: `webapp.config.REVIEW` declares every setting of the reviewer workflow (kind, default, meaning);
`init_app` checks them at start (a bad value is a ReviewError naming the setting).
"""

from __future__ import annotations

import threading
from datetime import timedelta

from flask import Flask, current_app, g, request, url_for
from flask.sessions import SecureCookieSessionInterface

from indexer import IndexNotFoundError, Library, SettingError

from ..config import REVIEW
from ..library import get_library
from .errors import ReviewError, StoreUnavailableError
from .priority import THRESHOLD
from .queue import ClaimPage, Cursor
from .sessions import SessionPolicy
from .store import ReviewStore, default_database_url
from .sync import sync_claims
from .throttle import Throttle

EXTENSION = "sourcecheck.review"
DOCUMENT_ENDPOINT = "pages.document"  # the web app's document page: /doc/<doc_id>
NUMBERED_UP_TO = 1000  # claims: the API links pages starting within these by number (queue_links)


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
    if "review_library" not in g:
        try:
            library = get_library()
        except IndexNotFoundError:
            library = None
        if library is not None:
            service().sync(library)
        g.review_library = library
    return g.review_library


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
    """Check the reviewer settings, open the store for `app` (migrated now if it can be reached) and set the
    session cookie policy; ReviewError naming a setting that cannot be used."""
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
