"""The JSON API, /api/v1: the same data and parameters as the pages.

The one success envelope (pinned by tests/webapp/test_api.py; the error shape is in errors.py):

    {"data": <payload>, "links": {"self": "/api/v1/...", "html": "/...", "next": ..., "prev": ...}}

`links` holds only the links that exist; `html` is the page that shows the same data (also sent as a Link header).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for

from .about import about_data
from .errors import NotFoundError
from .library import get_library
from .openapi import openapi_document
from .reading import find_document
from .results import search_results
from .review.web import reviewed_hit
from .topics import topic_views

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def ok(data: Any, html: str | None = None, **links: str | None) -> Response:
    """`data` in the success envelope; `html` names the page with the same data."""
    every = {"self": request.full_path.rstrip("?"), "html": html, **links}
    response = jsonify({"data": data, "links": {k: v for k, v in every.items() if v}})
    if html:
        response.headers["Link"] = f'<{html}>; rel="alternate"; type="text/html"'
    return response


@bp.get("/")
def index():
    """Where everything is."""
    root = url_for("api.index")
    endpoints = {
        "search": url_for("api.search"), "passage": root + "passages/{passage_id}",
        "documents": url_for("api.documents"), "document": root + "documents/{doc_id}",
        "topics": url_for("api.topics"), "about": url_for("api.about"), "openapi": url_for("api.openapi"),
    }
    return ok({"name": "Sourcecheck API", "version": "v1", "endpoints": endpoints}, url_for("pages.search"))


@bp.get("/search")
def search():
    results = search_results(request.args, strict=True)
    data = results.as_dict()  # QueryError without q
    page = results.request.page
    more = {
        "next": url_for("api.search", **results.args(page=page + 1)) if page < data["pages"] else None,
        "prev": url_for("api.search", **results.args(page=page - 1)) if page > 1 else None,
    }
    return ok(data, url_for("pages.search", **results.args()), **more)


@bp.get("/passages/<passage_id>")
def passage(passage_id: str):
    hit = reviewed_hit(get_library().passage(passage_id))
    if hit is None:
        raise NotFoundError(f"there is no passage {passage_id[:80]!r} in the index", "passage_id")
    html = url_for("pages.document", doc_id=hit.doc_id, _anchor=hit.anchor)
    data = {**hit.as_dict(), "url": html}
    del data["score"], data["snippet"]  # meaningful only inside a search
    return ok(data, html)


@bp.get("/documents")
def documents():
    data = [
        {**d, "url": url_for("pages.document", doc_id=d["id"]), "api_url": url_for("api.document", doc_id=d["id"])}
        for d in get_library().documents()
    ]
    return ok(data)


@bp.get("/documents/<doc_id>")
def document(doc_id: str):
    return ok(find_document(doc_id).as_dict(), url_for("pages.document", doc_id=doc_id))


@bp.get("/topics")
def topics():
    return ok([t.as_dict() for t in topic_views()], url_for("pages.topics"))


@bp.get("/about")
def about():
    return ok(about_data().as_dict(), url_for("pages.about"))


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API (not enveloped: tools expect the bare document)."""
    return jsonify(openapi_document(request.host_url.rstrip("/") + url_for("api.index").rstrip("/")))
