"""The pages for readers and support staff: search (`/`), documents, topics, about, and the OpenSearch description.

Each view parses the request, calls a data function and renders; the same data function feeds the page's JSON
twin under /api/v1, named in a `Link` header and a <link rel="alternate">.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, make_response, redirect, render_template, request, url_for

from indexer import QueryError

from .about import about_data
from .adapter import PARAMS
from .library import get_kb
from .reading import DOCUMENT_PARAMS, PASSAGES_PER_PAGE, find_document
from .results import search_results
from .topics import topic_views
from .urls import absolute

bp = Blueprint("pages", __name__)


def render_page(template: str, twin: str | None, status: int = 200, **context: Any) -> Response:
    """Render `template`; `twin` is the /api/v1 URL that returns the same data as JSON."""
    response = make_response(render_template(template, twin=twin, **context), status)
    if twin:
        response.headers["Link"] = f'<{twin}>; rel="alternate"; type="application/json"'
    return response


@bp.get("/")
def search():
    """The start page without a query; ranked, labelled results with one; a rejected parameter as a message."""
    q = request.args.get("q", "")
    try:
        results = search_results(request.args, strict=False)
    except QueryError as e:
        return render_page("search.html", None, 400, results=None, error=e, q=q, topics=get_kb().topics)
    twin = url_for("api.search", **results.args()) if results.page else url_for("api.index")
    return render_page(
        "search.html", twin, results=results, error=None, q=results.request.query, topics=get_kb().topics
    )


@bp.get("/doc/<doc_id>")
def document(doc_id: str):
    """One page of the cleaned document with every checked sentence marked in place, and back to the results."""
    view = find_document(doc_id, DOCUMENT_PARAMS.parse(request.args, strict=False)["page"])
    q = request.args.get("q", "").strip()
    # the search's own page number is not carried: `page` here is the document's
    search_args = {name: request.args.getlist(name) for name in PARAMS if name in request.args and name != "page"}
    back = url_for("pages.search", **search_args) if q else None
    twin = url_for("api.document", doc_id=doc_id, page=view.page if view.page > 1 else None)
    return render_page(
        "document.html", twin, view=view, back=back, q=q, search_args=search_args, per_page=PASSAGES_PER_PAGE
    )


@bp.get("/topics")
def topics():
    return render_page("topics.html", url_for("api.topics"), topics=topic_views())


@bp.get("/about")
def about():
    return render_page("about.html", url_for("api.about"), about=about_data())


@bp.get("/opensearch.xml")
def opensearch():
    """Lets browsers add Sourcecheck as a search engine (absolute URLs from PUBLIC_URL, never from the Host)."""
    urls = {
        name: absolute(url_for(endpoint, **values))
        for name, endpoint, values in (
            ("search", "pages.search", {}),
            ("api", "api.search", {}),
            ("self", "pages.opensearch", {}),
            ("icon", "static", {"filename": "favicon.svg"}),
        )
    }
    response = make_response(render_template("opensearch.xml", urls=urls))
    response.mimetype = "application/opensearchdescription+xml"
    return response


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on pages that name no icon (JSON, files): the site's icon, not a 404."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)
