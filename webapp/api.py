"""The JSON API, /api/v1: the same data and parameters as the pages.

The one success envelope (pinned by tests/webapp/test_api.py; the error shape is in errors.py):

    {"data": <payload>, "links": {"self": "/api/v1/...", "html": "/...", "next": ..., "prev": ...}}

`links` holds only the links that exist; `html` is the page that shows the same data (also sent as a Link header).
Each view's `operation` is its entry in the OpenAPI document (webapp/openapi.py), which also checks its query
string: unknown parameters are refused on every route.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from indexer import NotFoundError

from .about import about_data
from .adapter import SEARCH_PARAMS
from .library import get_library
from .openapi import PREFIX, openapi_document, operation
from .plugins import api_endpoints, overlay_passage
from .reading import DOCUMENT_PARAMS, find_document, passage_url
from .results import search_results
from .schemas import array, ref
from .topics import topic_views
from .urls import absolute

bp = Blueprint("api", __name__, url_prefix=PREFIX)
NOT_FOUND = (404, 503)


def ok(data: Any, html: str | None = None, status: int = 200, **links: str | None) -> Response:
    """`data` in the success envelope; `html` names the page with the same data; `links` next and prev."""
    every = {"self": request.full_path.rstrip("?"), "html": html, **links}
    response = jsonify({"data": data, "links": {k: v for k, v in every.items() if v}})
    response.status_code = status
    if html:
        response.headers["Link"] = f'<{html}>; rel="alternate"; type="text/html"'
    return response


def paging(page: int, pages: int, url: Callable[[int], str]) -> dict[str, str | None]:
    """The next and prev links of page `page` of `pages`; `url(n)` is page n's address."""
    return {"next": url(page + 1) if page < pages else None, "prev": url(page - 1) if page > 1 else None}


@bp.get("/")
@operation("Where the endpoints are", ref("Index"), errors=())
def index():
    root = url_for("api.index")
    endpoints = {
        "search": url_for("api.search"),
        "passage": root + "passages/{passage_id}",
        "documents": url_for("api.documents"),
        "document": root + "documents/{doc_id}",
        "topics": url_for("api.topics"),
        "about": url_for("api.about"),
        **api_endpoints(),
        "openapi": url_for("api.openapi"),
    }
    return ok({"name": "Sourcecheck API", "version": "v1", "endpoints": endpoints}, url_for("pages.search"))


@bp.get("/search")
@operation("Ranked, labelled passages for a query", ref("SearchData"), params=SEARCH_PARAMS)
def search():
    results = search_results(request.args, strict=True)
    data = results.as_dict()
    pages = paging(results.request.page, data["pages"], lambda n: url_for("api.search", **results.args(page=n)))
    return ok(data, url_for("pages.search", **results.args()), **pages)


@bp.get("/passages/<passage_id>")
@operation("One passage and its sentence checks", ref("Passage"), errors=NOT_FOUND)
def passage(passage_id: str):
    hit = overlay_passage(get_library().passage(passage_id))
    if hit is None:
        raise NotFoundError(f"there is no passage {passage_id[:80]!r} in the index", "passage_id")
    data = hit.as_dict()
    del data["score"], data["snippet"]  # meaningful only inside a search
    data["url"] = passage_url(hit.doc_id, hit.position)
    return ok(data, data["url"])


@bp.get("/documents")
@operation("Every document with its sentence counts per status", array(ref("DocumentSummary")))
def documents():
    data = [
        {**d, "url": url_for("pages.document", doc_id=d["id"]), "api_url": url_for("api.document", doc_id=d["id"])}
        for d in get_library().documents()
    ]
    return ok(data)


@bp.get("/documents/<doc_id>")
@operation(
    "One document, a page of passages at a time: cleaned text, passages and checks",
    ref("Document"),
    params=DOCUMENT_PARAMS,
    errors=NOT_FOUND,
)
def document(doc_id: str):
    view = find_document(doc_id, DOCUMENT_PARAMS.parse(request.args)["page"])
    pages = paging(view.page, view.pages, lambda n: url_for("api.document", doc_id=doc_id, page=n if n > 1 else None))
    return ok(view.as_dict(), view.page_url(view.page), **pages)


@bp.get("/topics")
@operation("Knowledge-base topics with supported statements and flagged passages", array(ref("Topic")))
def topics():
    return ok([t.as_dict() for t in topic_views()], url_for("pages.topics"))


@bp.get("/about")
@operation("What the statuses mean; the sources the checks rely on", ref("About"), errors=())
def about():
    return ok(about_data().as_dict(), url_for("pages.about"))


@bp.get("/openapi.json")
@operation(
    "This description (OpenAPI 3.1; not enveloped)",
    errors=(),
    content={"application/json": {"type": "object", "required": ["openapi", "paths"]}},
)
def openapi():
    """The OpenAPI 3.1 description of this API (not enveloped: tools expect the bare document)."""
    return jsonify(openapi_document(current_app, absolute(url_for("api.index")).rstrip("/")))
