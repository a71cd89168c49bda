"""A search request, and what it returns: hits (passages with their checks), snippets, and the page of results."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from ..checking.analysis import check_from_dict
from ..checking.evidence import SentenceCheck
from ..documents.provenance import Provenance
from ..engine.whoosh.schema import term_spans
from ..errors import QueryError
from ..knowledge.base import STATUSES, Clarification

MAX_PER_PAGE = 100
MAX_PAGE = 1000


@dataclass(frozen=True)
class SearchRequest:
    query: str
    statuses: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    topic: str = ""
    page: int = 1
    per_page: int = 10
    evidence_ranking: bool = True

    def validate(self) -> SearchRequest:
        """The same request, or QueryError naming the parameter that is out of range."""
        unknown = [s for s in self.statuses if s not in STATUSES]
        if unknown:
            raise QueryError(f"unknown status {unknown[0]!r}; use one of {', '.join(STATUSES)}", "status")
        if not 1 <= self.page <= MAX_PAGE:
            raise QueryError(f"page must be between 1 and {MAX_PAGE}", "page")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise QueryError(f"per_page must be between 1 and {MAX_PER_PAGE}", "per_page")
        return self


@dataclass(frozen=True)
class Fragment:
    text: str
    match: bool  # a query term: highlight it


@dataclass(frozen=True)
class SnippetSentence:
    check: SentenceCheck
    fragments: tuple[Fragment, ...]


@dataclass(frozen=True)
class Hit:
    passage_id: str
    doc_id: str
    title: str
    heading: str
    text: str
    score: float
    status: str
    position: int
    start: int
    end: int
    sentences: tuple[SentenceCheck, ...]
    snippet: tuple[SnippetSentence, ...] = ()
    source: Provenance = field(default_factory=Provenance)  # where its document was first published

    @property
    def anchor(self) -> str:
        return f"p-{self.position}"

    def snippet_html(self) -> str:
        """The passage, HTML-escaped, with query terms in <mark>."""
        return "".join(
            f"<mark>{html.escape(f.text)}</mark>" if f.match else html.escape(f.text)
            for s in self.snippet
            for f in s.fragments
        )

    def as_dict(self) -> dict:
        return {
            "passage_id": self.passage_id,
            "doc_id": self.doc_id,
            "title": self.title,
            "heading": self.heading,
            "text": self.text,
            "snippet": self.snippet_html(),
            "score": round(self.score, 4),
            "status": self.status,
            "position": self.position,
            "anchor": self.anchor,
            "start": self.start,
            "end": self.end,
            "sentences": [s.as_dict() for s in self.sentences],
            "source": self.source.as_dict(),
        }


@dataclass(frozen=True)
class SearchPage:
    request: SearchRequest
    total: int
    hits: tuple[Hit, ...]
    suggestion: str | None
    expansions: tuple[str, ...]
    notes: tuple[str, ...]
    clarifications: tuple[Clarification, ...] = field(default_factory=tuple)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))

    def as_dict(self) -> dict:
        return {
            "query": self.request.query,
            "total": self.total,
            "page": self.request.page,
            "per_page": self.request.per_page,
            "pages": self.pages,
            "suggestion": self.suggestion,
            "expansions": list(self.expansions),
            "notes": list(self.notes),
            "clarifications": [
                {"title": c.title, "note": c.note, "sources": [s.as_dict() for s in c.sources]}
                for c in self.clarifications
            ],
            "results": [h.as_dict() for h in self.hits],
        }


def _fragments(text: str, terms: set[str]) -> tuple[Fragment, ...]:
    out, pos = [], 0
    for term, start, end in term_spans(text):
        if term in terms:
            if start > pos:
                out.append(Fragment(text[pos:start], False))
            out.append(Fragment(text[start:end], True))
            pos = end
    if pos < len(text):
        out.append(Fragment(text[pos:], False))
    return tuple(out)


def snippet(hit: Hit, terms: set[str]) -> tuple[SnippetSentence, ...]:
    """Each sentence of the passage, split into highlighted and plain fragments."""
    text = hit.text
    out = []
    previous_end = 0
    for check in hit.sentences:
        a, b = check.start - hit.start, check.end - hit.start
        # each sentence carries the white space before it, so the fragments rebuild the passage exactly
        sentence = text[previous_end:b] if 0 <= previous_end <= a <= b <= len(text) else " " + check.text
        previous_end = b
        out.append(SnippetSentence(check, _fragments(sentence, terms)))
    return tuple(out)


def hit_from_fields(fields: dict, score: float) -> Hit:
    """A Hit from a passage's stored fields."""
    return Hit(
        passage_id=fields["passage_id"],
        doc_id=fields["doc_id"],
        title=fields["title"],
        heading=fields.get("heading", ""),
        text=fields["text"],
        score=score,
        status=fields["status"],
        position=fields["position"],
        start=fields["start"],
        end=fields["end"],
        sentences=tuple(check_from_dict(s) for s in fields["sentences"]),
    )
