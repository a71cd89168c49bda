"""Errors to HTTP status codes, in one place: the one JSON error shape under /api/, an HTML page elsewhere.

The JSON error shape (pinned by tests/webapp/test_api.py):

    {"error": {"status": 400, "code": "invalid_parameter", "message": "...", "param": "page"}}

`param` names the query or path parameter at fault, or is null. Nobody sees a traceback: unexpected errors are
logged and answered with a plain 500.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from indexer import IndexNotFoundError, QueryError, SourcecheckError

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


class NotFoundError(LookupError):
    """No document or passage with the id in `param`."""

    def __init__(self, message: str, param: str) -> None:
        super().__init__(message)
        self.param = param


def wants_json() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def error_response(
    status: int, message: str, code: str | None = None, param: str | None = None, title: str | None = None
) -> Response:
    """The error as JSON (the one error shape) for the API, as an HTML page (headed `title`) for everything else."""
    if wants_json():
        body = {"status": status, "code": code or CODES.get(status, "error"), "message": message, "param": param}
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


def _query_error(e: QueryError) -> Response:
    return error_response(400, str(e), "invalid_parameter", e.param)


def _not_found(e: NotFoundError) -> Response:
    return error_response(404, str(e), "not_found", e.param)


def _index_missing(_e: IndexNotFoundError) -> Response:
    return error_response(
        503,
        "No index has been built yet. Run 'sourcecheck build PATHS', or 'sourcecheck serve', which builds "
        "one from the seed documents first.",
        "index_missing",
    )


def _library_error(e: SourcecheckError) -> Response:
    current_app.logger.error("library error on %s: %s", request.path, e)
    return error_response(503, "The library cannot answer right now; the error has been logged.", "library_error")


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


def init_app(app: Flask) -> None:
    app.register_error_handler(QueryError, _query_error)
    app.register_error_handler(NotFoundError, _not_found)
    app.register_error_handler(IndexNotFoundError, _index_missing)
    app.register_error_handler(SourcecheckError, _library_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
