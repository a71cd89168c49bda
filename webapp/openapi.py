"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json (tests check it against the routes)."""

from __future__ import annotations

from typing import Any

from indexer import STATUSES

from .adapter import MAX_LIST

_STR = {"type": "string"}
_INT = {"type": "integer"}
_NULLABLE_STR = {"type": ["string", "null"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(required: list[str] | None = None, **properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required or list(properties)}


def _list_param(name: str, description: str, items: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name, "in": "query", "description": description + " Repeat it or separate values with commas.",
        "schema": {"type": "array", "items": items, "maxItems": MAX_LIST}, "style": "form", "explode": True,
    }


SEARCH_PARAMETERS = [
    {"name": "q", "in": "query", "required": True, "description": "What to search for (at most 500 characters).",
     "schema": {"type": "string", "maxLength": 500}},
    _list_param("status", "Only passages with one of these statuses.", {"type": "string", "enum": list(STATUSES)}),
    _list_param("doc", "Only passages of these documents (ids from /documents).", _STR),
    {"name": "topic", "in": "query", "description": "Only passages on this topic (an id from /topics).",
     "schema": _STR},
    {"name": "page", "in": "query", "description": "Result page, from 1.",
     "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 1}},
    {"name": "per_page", "in": "query", "description": "Results per page (default: the PER_PAGE setting).",
     "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
]

SCHEMAS: dict[str, Any] = {
    "Error": _object(error=_object(
        status=_INT, code=_STR, message=_STR,
        param={"type": ["string", "null"], "description": "The offending parameter, if one is at fault."},
    )),
    "Links": {"type": "object", "required": ["self"], "additionalProperties": {"type": "string"}},
    "Source": _object(publisher=_STR, title=_STR, url={"type": "string", "format": "uri"}),
    "SentenceCheck": _object(
        sentence=_STR, start=_INT, end=_INT, status={"type": "string", "enum": list(STATUSES)}, rule=_STR,
        reason=_STR, correction=_STR, sources={"type": "array", "items": _ref("Source")}, topic=_STR,
    ),
    "Passage": _object(
        passage_id=_STR, doc_id=_STR, title=_STR, heading=_STR, text=_STR, status=_STR, position=_INT,
        anchor=_STR, start=_INT, end=_INT, sentences={"type": "array", "items": _ref("SentenceCheck")},
        url={"type": "string", "description": "The passage on its document page."},
    ),
    "Result": {"allOf": [_ref("Passage"), _object(
        score={"type": "number"}, api_url=_STR,
        snippet={"type": "string", "description": "HTML: the escaped passage with query terms in <mark>."},
    )]},
    "Clarification": _object(title=_STR, note=_STR, sources={"type": "array", "items": _ref("Source")}),
    "SearchData": _object(
        query=_STR, total=_INT, page=_INT, per_page=_INT, pages=_INT, suggestion=_NULLABLE_STR,
        expansions={"type": "array", "items": _STR}, notes={"type": "array", "items": _STR},
        clarifications={"type": "array", "items": _ref("Clarification")},
        results={"type": "array", "items": _ref("Result")},
        filters=_object(status={"type": "array", "items": _STR}, doc={"type": "array", "items": _STR}, topic=_STR),
        evidence_ranking={"type": "boolean"},
    ),
    "DocumentSummary": _object(
        id=_STR, title=_STR, url=_STR, api_url=_STR,
        statuses={"type": "object", "additionalProperties": _INT, "description": "Sentences per status."},
    ),
    "Document": _object(
        id=_STR, title=_STR, url=_STR, text={"type": "string", "description": "The cleaned text; offsets point here."},
        summary={"type": "object", "additionalProperties": _INT},
        blocks={"type": "array", "items": _object(kind={"type": "string", "enum": ["heading", "paragraph"]},
                                                   start=_INT, end=_INT)},
        passages={"type": "array", "items": _object(
            id=_STR, doc_id=_STR, heading=_STR, position=_INT, anchor=_STR, start=_INT, end=_INT, status=_STR,
            api_url=_STR, sentences={"type": "array", "items": _ref("SentenceCheck")})},
    ),
    "Topic": _object(
        id=_STR, title=_STR, kind={"type": "string", "enum": ["topic", "generic"]}, summary=_STR, query=_STR,
        supported={"type": "array", "items": {"allOf": [_ref("SentenceCheck"), _object(
            passage_id=_STR, doc_id=_STR, title=_STR, url=_STR, citation=_STR)]}},
        flagged={"type": "array", "items": _object(
            passage_id=_STR, doc_id=_STR, title=_STR, url=_STR, status=_STR, text=_STR,
            sentences={"type": "array", "items": _ref("SentenceCheck")})},
    ),
    "About": {"type": "object", "required": ["statuses", "sources", "evidence_ranking"]},
    "Index": _object(name=_STR, version=_STR, endpoints={"type": "object", "additionalProperties": _STR}),
}

_ERRORS = {
    "400": ("A parameter cannot be used; `param` names it.", "Error"),
    "404": ("No such document or passage.", "Error"),
    "503": ("No index has been built yet.", "Error"),
}


def _envelope(schema: dict[str, Any]) -> dict[str, Any]:
    return _object(data=schema, links=_ref("Links"))


def _operation(summary: str, data: dict[str, Any], parameters: list | None = None, errors=("503",)) -> dict:
    responses: dict[str, Any] = {
        "200": {"description": "Success", "content": {"application/json": {"schema": _envelope(data)}}},
    }
    for code in errors:
        description, schema = _ERRORS[code]
        responses[code] = {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}
    return {"get": {"summary": summary, "parameters": parameters or [], "responses": responses}}


def _path_param(name: str) -> list[dict[str, Any]]:
    return [{"name": name, "in": "path", "required": True, "schema": _STR}]


def openapi_document(server_url: str) -> dict[str, Any]:
    """The API description, with `server_url` (the absolute /api/v1 URL) as its server."""
    paths = {
        "/": _operation("Where the endpoints are", _ref("Index"), errors=()),
        "/search": _operation("Ranked, labelled passages for a query", _ref("SearchData"), SEARCH_PARAMETERS,
                              ("400", "503")),
        "/passages/{passage_id}": _operation("One passage and its sentence checks", _ref("Passage"),
                                             _path_param("passage_id"), ("404", "503")),
        "/documents": _operation("Every document with its sentence counts per status",
                                 {"type": "array", "items": _ref("DocumentSummary")}),
        "/documents/{doc_id}": _operation("One document: cleaned text, passages and checks", _ref("Document"),
                                          _path_param("doc_id"), ("404", "503")),
        "/topics": _operation("Knowledge-base topics with supported statements and flagged passages",
                              {"type": "array", "items": _ref("Topic")}),
        "/about": _operation("What the statuses mean; the sources the checks rely on", _ref("About"), errors=()),
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Sourcecheck API", "version": "1",
                 "description": "Health-information passages, every sentence checked against authoritative sources."},
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": SCHEMAS},
    }
