"""The OpenAPI 3.1 description of /api/v1, generated from the routes themselves so that it cannot drift.

Every /api/v1 view carries an `Operation` (the `operation` decorator, under the blueprint's route decorator): its
summary, query `Params` (webapp/params.py), request body, response schema and error statuses. The decorator also
checks the query string against those same Params before the view runs, so a parameter is accepted exactly when
the document lists it. `openapi_document` walks `app.url_map`: each /api/v1 rule becomes a path, its converters
the path parameters; a rule whose view has no Operation is an error (tests/webapp/test_openapi.py). Plugins add
their routes' schemas (the `openapi_schemas` hook).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Flask, g, request

from .params import NO_PARAMS, Params
from .plugins import openapi_schemas
from .schemas import SCHEMAS, obj, ref

PREFIX = "/api/v1"
_CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
ERRORS = {
    400: "A parameter or body field cannot be used; `param` names it.",
    401: "No valid API token (`Authorization: Bearer <token>`).",
    404: "No such document, passage or claim.",
    409: "The claim changed since that version was read; `current` is the claim as it is now.",
    413: "The request body is too large.",
    503: "No index has been built yet, or the reviewer database cannot be reached.",
}


@dataclass(frozen=True)
class Operation:
    """What the OpenAPI document says about one route (and what its query string may hold)."""

    summary: str
    data: dict[str, Any] | None = None  # the envelope's `data`; None: `content` is the bare response
    params: Params = NO_PARAMS
    errors: tuple[int, ...] = (503,)
    body: dict[str, Any] | None = None  # a JSON request body's schema
    bearer: bool = False  # needs an API token
    status: int = 200
    content: dict[str, Any] = field(default_factory=dict)  # media type -> schema, for responses not enveloped
    headers: dict[str, str] = field(default_factory=dict)  # response header -> description
    authenticate: Callable[[], Any] | None = None  # runs before the query string is checked (401 before 400)

    def responses(self) -> dict[str, Any]:
        content = self.content or {"application/json": {"schema": obj(data=self.data, links=ref("Links"))}}
        ok: dict[str, Any] = {"description": "Success", "content": {k: {"schema": v} for k, v in content.items()}}
        if self.headers:
            ok["headers"] = {k: {"description": v, "schema": {"type": "string"}} for k, v in self.headers.items()}
        responses = {str(self.status): ok}
        for status in sorted({400, *self.errors}):  # every route refuses unknown parameters
            schema = ref("Conflict" if status == 409 else "Error")
            responses[str(status)] = {
                "description": ERRORS[status],
                "content": {"application/json": {"schema": schema}},
            }
        return responses

    def describe(self, path_params: list[str]) -> dict[str, Any]:
        parameters = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in path_params]
        described: dict[str, Any] = {
            "summary": self.summary,
            "parameters": parameters + self.params.openapi(),
            "responses": self.responses(),
        }
        if self.body:
            described["requestBody"] = {"required": True, "content": {"application/json": {"schema": self.body}}}
        if self.bearer:
            described["security"] = [{"bearer": []}]
        return described


def operation(summary: str, data: dict[str, Any] | None = None, **details: Any) -> Callable:
    """Attach an Operation to a view, and check each request's query string against its Params first."""
    op = Operation(summary, data, **details)

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(**path: Any) -> Any:
            g.api_caller = op.authenticate() if op.authenticate else None
            op.params.parse(request.args)  # QueryError naming an unknown, repeated or malformed parameter
            return view(**path)

        checked.operation = op  # type: ignore[attr-defined]
        return checked

    return decorate


def openapi_document(app: Flask, server_url: str) -> dict[str, Any]:
    """The API description of every /api/v1 route of `app`, with `server_url` as its server.

    LookupError names an /api/v1 route whose view carries no Operation."""
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not (rule.rule == PREFIX or rule.rule.startswith(PREFIX + "/")):
            continue
        op = getattr(app.view_functions[rule.endpoint], "operation", None)
        if op is None:
            raise LookupError(f"{rule.rule} ({rule.endpoint}) has no OpenAPI operation")
        path = _CONVERTER.sub(r"{\1}", rule.rule.removeprefix(PREFIX)) or "/"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = op.describe(_CONVERTER.findall(rule.rule))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Sourcecheck API",
            "version": "1",
            "description": "Health-information passages, every sentence checked against authoritative "
            "sources; the reviewers' queue, decisions and audit log.",
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": {**SCHEMAS, **openapi_schemas(app)},
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token from `sourcecheck reviewer token NAME`.",
                }
            },
        },
    }
