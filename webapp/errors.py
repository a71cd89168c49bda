"""Errors to HTTP status codes, in one place (STATUSES, plus the plugins' rows): the one JSON error shape under
/api/, an HTML page elsewhere.

The JSON error shape (pinned by tests/webapp/test_api.py):

    {"error": {"status": 400, "code": "invalid_parameter", "message": "...", "param": "page"}}

`param` names the query or path parameter at fault, or is null. Nobody sees a traceback: unexpected errors are
logged and answered with a plain 500.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from indexer import IndexNotFoundError, NotFoundError, QueryError, SourcecheckError

CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    500: "internal_error",
    503: "unavailable",
}
TITLES = {
    400: "We could not understand that request",
    404: "Not found",
    405: "Not allowed",
    413: "Request too large",
    503: "Search is not ready yet",
}


@dataclass(frozen=True)
class ErrorStatus:
    """How the app answers one class of domain error (a row of the one mapping, STATUSES)."""

    status: int
    code: str
    message: str | None = None  # told instead of the error's own text, whose details go to the log
    title: str | None = None  # the HTML page's heading (default: TITLES)
    retry_after: int | None = None  # seconds, as Retry-After (an error's own `retry_after` comes first)
    log: str | None = None  # log the error (ERROR level) as this
    details: Callable[[Any], dict[str, Any]] | None = None  # more fields of the JSON error body


# Domain errors to HTTP statuses and error codes, in one place: the library's here, a plugin's from its
# `error_statuses` hook (init_app). The most specific class of an error's own ancestry wins.
STATUSES: dict[type[Exception], ErrorStatus] = {
    QueryError: ErrorStatus(400, "invalid_parameter"),
    NotFoundError: ErrorStatus(404, "not_found"),
    IndexNotFoundError: ErrorStatus(
        503,
        "index_missing",
        "No index has been built yet. Run 'sourcecheck build PATHS', or 'sourcecheck serve', which builds "
        "one from the seed documents first.",
    ),
    SourcecheckError: ErrorStatus(
        503, "library_error", "The library cannot answer right now; the error has been logged.", log="library error"
    ),
}
EXTENSION = "sourcecheck.errors"


def wants_json() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def error_response(
    status: int,
    message: str,
    code: str | None = None,
    param: str | None = None,
    title: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> Response:
    """The error as JSON (the one error shape, plus `details`) for the API, as an HTML page (headed `title`) for
    everything else."""
    if wants_json():
        body = {
            "status": status,
            "code": code or CODES.get(status, "error"),
            "message": message,
            "param": param,
            **(details or {}),
        }
        response = jsonify({"error": body})
    elif request_ctx.url_adapter is None:  # the request was refused before routing (an untrusted Host): no links
        response = make_response(f"{status} {title or TITLES.get(status, 'Error')}: {message}\n")
        response.mimetype = "text/plain"
    else:
        title = title or TITLES.get(status, "Something went wrong")
        response = make_response(
            render_template("error.html", status=status, title=title, message=message, param=param)
        )
    response.status_code = status
    return response


def status_of(error: Exception) -> ErrorStatus:
    """The row of the mapping for `error`: that of its most specific class that has one."""
    statuses = current_app.extensions[EXTENSION]
    return next(statuses[cls] for cls in type(error).__mro__ if cls in statuses)


def _domain_error(e: SourcecheckError) -> Response:
    answer = status_of(e)
    if answer.log:
        current_app.logger.error("%s on %s: %s", answer.log, request.path, e)
    details = answer.details(e) if answer.details else None
    param = None if answer.message else getattr(e, "param", None)  # a message of ours names no parameter
    response = error_response(answer.status, answer.message or str(e), answer.code, param, answer.title, details)
    retry_after = getattr(e, "retry_after", None) or answer.retry_after
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    if answer.status == 401 and wants_json():
        response.headers["WWW-Authenticate"] = 'Bearer realm="sourcecheck"'
    return response


def _http_error(e: HTTPException) -> Response:
    response = error_response(e.code or 500, e.description or e.name)
    if isinstance(e, MethodNotAllowed) and e.valid_methods:
        response.headers["Allow"] = ", ".join(e.valid_methods)
    return response


def _unexpected(e: Exception) -> Response:
    if isinstance(e, HTTPException):
        return _http_error(e)
    current_app.logger.exception("unexpected error on %s", request.path)
    return error_response(500, "Something went wrong on our side; the error has been logged.")


def init_app(app: Flask, more: Iterable[Mapping[type[Exception], ErrorStatus]] = ()) -> None:
    """Answer every error of `app` in the one shape; `more`: the plugins' rows of the mapping."""
    app.extensions[EXTENSION] = {**STATUSES, **{cls: row for rows in more for cls, row in rows.items()}}
    app.register_error_handler(SourcecheckError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
