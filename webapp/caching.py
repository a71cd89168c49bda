"""Compression and HTTP caching headers, decided in one place.

    static files (/static, /review/static)   public, max-age one year, immutable: url_for adds ?v=<content hash>,
                                              so a changed file gets a new URL (without ?v: one hour)
    public pages and API reads (GET, 200)    public, max-age=PUBLIC_MAX_AGE, an ETag, 304 on If-None-Match
    the reviewer workflow (pages, login, review API and exports), any request with a session cookie or an
    Authorization header, any response that sets the session (a CSRF token)
                                              private, no-store: reviewer names and tokens are never cached
    everything else (errors, POST)            no-store

Responses are compressed (flask-compress: br, zstd or gzip, as the client accepts) after the ETag is set, which
then gets the encoding appended, so each encoding keeps its own validator.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache

from flask import Flask, Response, current_app, request, session
from flask_compress import Compress

PUBLIC_MAX_AGE = 60  # seconds: results follow a rebuild or a decision within a minute
STATIC_MAX_AGE = 365 * 24 * 3600
REVIEWER_BLUEPRINTS = {"review", "review_auth", "review_api"}
PRIVATE = "private, no-store"


@lru_cache(maxsize=256)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:12]


def _static_folder(endpoint: str) -> str | None:
    if endpoint == "static":
        return current_app.static_folder
    blueprint = current_app.blueprints.get(endpoint.rpartition(".")[0])
    return blueprint.static_folder if blueprint else None


def static_version(endpoint: str, values: dict) -> None:
    """url_for default: a static file's URL carries a hash of its content (`v`), so it can be cached for good."""
    if endpoint != "static" and not endpoint.endswith(".static") or "filename" not in values or "v" in values:
        return
    folder = _static_folder(endpoint)
    path = os.path.join(folder, values["filename"]) if folder else ""
    try:
        stat = os.stat(path)
    except OSError:
        return
    values["v"] = _digest(path, stat.st_mtime_ns, stat.st_size)


def _personal(response: Response) -> bool:
    """Whether the response may hold what is this client's alone (a reviewer's view, a session, a token)."""
    return (
        request.blueprint in REVIEWER_BLUEPRINTS
        or "Authorization" in request.headers
        or current_app.config["SESSION_COOKIE_NAME"] in request.cookies
        or session.modified
        or "Set-Cookie" in response.headers
    )


def cache_headers(response: Response) -> Response:
    endpoint = request.endpoint or ""
    if response.is_streamed and hasattr(response.response, "close"):
        # compression replaces a streamed body (a static file) with a generator: the file must still be closed
        response.call_on_close(response.response.close)
    if endpoint == "static" or endpoint.endswith(".static"):
        if response.status_code in (200, 304):
            max_age = STATIC_MAX_AGE if "v" in request.args else 3600
            response.headers["Cache-Control"] = f"public, max-age={max_age}" + (", immutable" if max_age > 3600 else "")
        return response
    if _personal(response):
        response.headers["Cache-Control"] = PRIVATE
    elif request.method in ("GET", "HEAD") and response.status_code == 200 and not response.is_streamed:
        response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
        response.vary.update(("Cookie", "Authorization"))
        response.add_etag()
        response.make_conditional(request)
    else:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    Compress(app)  # registered first, so it runs after cache_headers (Flask runs after_request hooks in reverse)
    app.after_request(cache_headers)
    app.url_defaults(static_version)
