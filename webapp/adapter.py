"""Turning a request's query string into the indexer's SearchRequest, so the core never sees `request`.

Pages and the JSON API accept the same parameters:

    q         the words to search for (the API requires it; the page without it shows the start page)
    status    statuses to keep, repeated or comma-separated (inaccurate, unsupported, unverified, supported, no_claim)
    doc       document ids to keep, repeated or comma-separated
    topic     a knowledge-base topic id
    page      1-based page number
    per_page  results per page (default: the PER_PAGE setting)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from indexer import KnowledgeBase, QueryError, SearchRequest

PARAMS = ("q", "status", "doc", "topic", "page", "per_page")
MAX_LIST = 50  # values of one list parameter


def _int(args: MultiDict, name: str, default: int) -> int:
    raw = args.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
        raise QueryError(f"{name} must be a whole number, not {raw[:20]!r}", name)
    return int(raw)


def _values(args: MultiDict, name: str) -> tuple[str, ...]:
    values = [v.strip() for raw in args.getlist(name) for v in raw.split(",") if v.strip()]
    if len(values) > MAX_LIST:
        raise QueryError(f"{name} takes at most {MAX_LIST} values", name)
    return tuple(dict.fromkeys(values))


def search_request(
    args: MultiDict, config: Mapping[str, Any], kb: KnowledgeBase, has_document: Callable[[str], bool],
    strict: bool = True,
) -> SearchRequest:
    """The SearchRequest these arguments ask for; QueryError naming the parameter that cannot be used.

    `strict` rejects unknown parameters (the API); pages ignore them, so a tracking tag does not break a shared link.
    `has_document` checks one `doc` id: listing every document on each search cost a third of a request's time.
    """
    unknown = sorted(set(args) - set(PARAMS))
    if unknown and strict:
        raise QueryError(f"unknown parameter {unknown[0][:40]!r}; use {', '.join(PARAMS)}", unknown[0][:40])
    docs = _values(args, "doc")
    missing = [d for d in docs if not has_document(d)]
    if missing:
        raise QueryError(f"there is no document {missing[0][:80]!r}; see /api/v1/documents for the ids", "doc")
    topic = args.get("topic", "").strip()
    if topic and topic not in {t.id for t in kb.topics}:
        raise QueryError(f"there is no topic {topic[:80]!r}; see /api/v1/topics for the ids", "topic")
    request = SearchRequest(
        query=args.get("q", "").strip(),
        statuses=tuple(s.lower() for s in _values(args, "status")),
        doc_ids=docs,
        topic=topic,
        page=_int(args, "page", 1),
        per_page=_int(args, "per_page", config["PER_PAGE"]),
        evidence_ranking=config["EVIDENCE_RANKING"],
    )
    return request.validate()


def query_args(request: SearchRequest, default_per_page: int, **changes: Any) -> dict[str, Any]:
    """The query-string arguments that ask for `request` with `changes` applied, defaults left out (for url_for)."""
    args: dict[str, Any] = {
        "q": request.query, "status": list(request.statuses), "doc": list(request.doc_ids),
        "topic": request.topic, "page": request.page, "per_page": request.per_page,
    }
    args.update(changes)
    if args["page"] == 1:
        args["page"] = None
    if args["per_page"] == default_per_page:
        args["per_page"] = None
    return {k: v for k, v in args.items() if v not in ("", [], None)}
