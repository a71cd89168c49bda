"""Turning a request's query string into the indexer's SearchRequest, so the core never sees `request`.

Pages and the JSON API accept the same parameters, declared once in `SEARCH_PARAMS` (the OpenAPI document is
generated from it): q, status, doc, topic, page and per_page. The API refuses unknown parameters; pages ignore
them, so a tracking tag does not break a shared link.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from indexer import STATUSES, KnowledgeBase, QueryError, SearchRequest

from .config import MAX_PER_PAGE
from .params import Param, Params

MAX_PAGE = 1000  # the indexer's limit too (SearchRequest.validate)
MAX_QUERY = 500  # characters; the indexer's limit too

SEARCH_PARAMS = Params(
    Param("q", "What to search for (at most 500 characters).", required=True, max_length=MAX_QUERY),
    Param("status", "Only passages with one of these statuses.", "list", choices=STATUSES),
    Param("doc", "Only passages of these documents (ids from /documents).", "list"),
    Param("topic", "Only passages on this topic (an id from /topics); blank: any topic."),
    Param("page", "Result page, from 1.", "integer", default=1, maximum=MAX_PAGE),
    Param("per_page", "Results per page (default: the PER_PAGE setting).", "integer", maximum=MAX_PER_PAGE),
)
PARAMS = SEARCH_PARAMS.names


def search_request(
    args: MultiDict,
    config: Mapping[str, Any],
    kb: KnowledgeBase,
    has_document: Callable[[str], bool],
    strict: bool = True,
) -> SearchRequest:
    """The SearchRequest these arguments ask for; QueryError naming the parameter that cannot be used.

    `strict` (the API) refuses unknown parameters and blank values; pages ignore them.
    `has_document` checks one `doc` id: listing every document on each search cost a third of a request's time.
    """
    values = SEARCH_PARAMS.parse(args, strict)
    missing = [d for d in values["doc"] if not has_document(d)]
    if missing:
        raise QueryError(f"there is no document {missing[0][:80]!r}; see /api/v1/documents for the ids", "doc")
    topic = values["topic"] or ""
    if topic and topic not in {t.id for t in kb.topics}:
        raise QueryError(f"there is no topic {topic[:80]!r}; see /api/v1/topics for the ids", "topic")
    request = SearchRequest(
        query=values["q"] or "",
        statuses=values["status"],
        doc_ids=values["doc"],
        topic=topic,
        page=values["page"],
        per_page=values["per_page"] or config["PER_PAGE"],
        evidence_ranking=config["EVIDENCE_RANKING"],
    )
    return request.validate()


def query_args(request: SearchRequest, default_per_page: int, **changes: Any) -> dict[str, Any]:
    """The query-string arguments that ask for `request` with `changes` applied, defaults left out (for url_for)."""
    args: dict[str, Any] = {
        "q": request.query,
        "status": list(request.statuses),
        "doc": list(request.doc_ids),
        "topic": request.topic,
        "page": request.page,
        "per_page": request.per_page,
    }
    args.update(changes)
    if args["page"] == 1:
        args["page"] = None
    if args["per_page"] == default_per_page:
        args["per_page"] = None
    return {k: v for k, v in args.items() if v not in ("", [], None)}
