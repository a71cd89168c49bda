"""The data behind the search page and /api/v1/search: one function, two renderings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from werkzeug.datastructures import MultiDict

from indexer import Hit, QueryError, SearchPage, SearchRequest

from .adapter import query_args, search_request
from .library import get_library
from .plugins import overlay_page
from .reading import passage_url

MAX_DOC_OPTIONS = 300  # past this many documents the document filter is a URL parameter only


@dataclass(frozen=True)
class SearchResults:
    request: SearchRequest
    page: SearchPage | None  # None on the start page (no query yet)
    documents: tuple[dict, ...]  # id and title of the documents offered in the document filter
    doc_titles: dict[str, str]  # title of each document the search is filtered to
    default_per_page: int

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query-string arguments for this search with `changes` applied."""
        return query_args(self.request, self.default_per_page, **changes)

    def hit_url(self, hit: Hit, back: bool = True) -> str:
        """The passage in its document; `back` carries the search (but for its page number: the document page has
        pages of its own) so the document page can link back to it."""
        return passage_url(hit.doc_id, hit.position, **(self.args(page=1) if back else {}))

    @property
    def filtered(self) -> bool:
        return bool(self.request.statuses or self.request.doc_ids or self.request.topic)

    @property
    def first_rank(self) -> int:
        return (self.request.page - 1) * self.request.per_page + 1

    def doc_title(self, doc_id: str) -> str:
        return self.doc_titles.get(doc_id, doc_id)

    def as_dict(self) -> dict[str, Any]:
        if self.page is None:
            raise QueryError("q is required: the words to search for", "q")
        data = self.page.as_dict()
        for result, hit in zip(data["results"], self.page.hits, strict=True):
            result["url"] = self.hit_url(hit, back=False)
            result["api_url"] = url_for("api.passage", passage_id=hit.passage_id)
        data["filters"] = {
            "status": list(self.request.statuses),
            "doc": list(self.request.doc_ids),
            "topic": self.request.topic,
        }
        data["evidence_ranking"] = self.request.evidence_ranking
        return data


def search_results(args: MultiDict, strict: bool) -> SearchResults:
    """Run the search that `args` ask for (none without `q`); QueryError naming the parameter that is wrong."""
    library = get_library()
    config = current_app.config
    request = search_request(args, config, library.kb, library.has_document, strict)
    page = overlay_page(library.search(request)) if request.query else None
    # only a small library's documents are listed: the list is read per request and grows with the library
    offered = ()
    if library.document_count() <= MAX_DOC_OPTIONS:
        offered = tuple({"id": d["id"], "title": d["title"]} for d in library.documents())
    titles = {d: summary["title"] for d in request.doc_ids if (summary := library.document_summary(d))}
    return SearchResults(request, page, offered, titles, config["PER_PAGE"])
