"""Search: a request in, a page of ranked, labelled, highlighted passages out.

`Library` holds one opened index per process and reopens it when a new build is swapped in; each search uses its
own whoosh searcher. Ranking is BM25F over text, title and heading; with evidence-aware ranking on, a small
multiplier lifts supported passages and lowers flagged ones, so it only reorders results whose relevance is close.
"""

from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from whoosh import query as wq
from whoosh.scoring import BM25F

from .analysis import CheckedDocument, check_from_dict
from .errors import QueryError
from .evidence import SentenceCheck
from .index import current_build, default_index_dir, open_index
from .knowledge import STATUSES, Clarification, KnowledgeBase, default_knowledge_base
from .query import parse_query
from .schema import analyzer
from .spelling import Vocabulary
from .text import stem, stems

_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
MAX_PER_PAGE = 100
MAX_PAGE = 1000
RERANK_DEPTH = 50  # results past the requested page that evidence-aware ranking may move up
# Within ~10% relevance, supported beats flagged; a clear relevance gap is never overturned.
EVIDENCE_WEIGHT = {"supported": 0.06, "no_claim": 0.0, "unverified": 0.0, "unsupported": -0.03, "inaccurate": -0.05}


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

    @property
    def anchor(self) -> str:
        return f"p-{self.position}"

    def snippet_html(self) -> str:
        """The passage, HTML-escaped, with query terms in <mark>."""
        return "".join(
            f"<mark>{html.escape(f.text)}</mark>" if f.match else html.escape(f.text)
            for s in self.snippet for f in s.fragments
        )

    def as_dict(self) -> dict:
        return {
            "passage_id": self.passage_id, "doc_id": self.doc_id, "title": self.title, "heading": self.heading,
            "text": self.text, "snippet": self.snippet_html(), "score": round(self.score, 4),
            "status": self.status, "position": self.position, "anchor": self.anchor,
            "start": self.start, "end": self.end, "sentences": [s.as_dict() for s in self.sentences],
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
            "query": self.request.query, "total": self.total, "page": self.request.page,
            "per_page": self.request.per_page, "pages": self.pages, "suggestion": self.suggestion,
            "expansions": list(self.expansions), "notes": list(self.notes),
            "clarifications": [
                {"title": c.title, "note": c.note, "sources": [s.as_dict() for s in c.sources]}
                for c in self.clarifications
            ],
            "results": [h.as_dict() for h in self.hits],
        }


def _fragments(text: str, terms: set[str]) -> tuple[Fragment, ...]:
    out, pos = [], 0
    for token in analyzer()(text, chars=True, removestops=False):
        if token.text in terms:
            if token.startchar > pos:
                out.append(Fragment(text[pos : token.startchar], False))
            out.append(Fragment(text[token.startchar : token.endchar], True))
            pos = token.endchar
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


def _hit(fields: dict, score: float) -> Hit:
    return Hit(
        passage_id=fields["passage_id"], doc_id=fields["doc_id"], title=fields["title"],
        heading=fields.get("heading", ""), text=fields["text"], score=score, status=fields["status"],
        position=fields["position"], start=fields["start"], end=fields["end"],
        sentences=tuple(check_from_dict(s) for s in fields["sentences"]),
    )


class Library:
    """The searchable library in one index folder; safe to share between threads."""

    def __init__(self, index_dir: str | Path | None = None, kb: KnowledgeBase | None = None) -> None:
        self.root = Path(index_dir) if index_dir else default_index_dir()
        self.kb = kb or default_knowledge_base()
        self._lock = threading.Lock()
        self._build: Path | None = None
        self._ix = self._store = None
        self._words: tuple[Path | None, Vocabulary | None] = (None, None)
        self.refresh()

    def refresh(self) -> None:
        """Reopen the index if a new build has been swapped in since it was opened."""
        if current_build(self.root) == self._build and self._ix is not None:
            return
        with self._lock:
            build, ix, store = open_index(self.root)
            self._build, self._ix, self._store = build, ix, store

    @property
    def build(self) -> Path | None:
        return self._build

    def _filter(self, request: SearchRequest):
        parts = []
        if request.statuses:
            parts.append(wq.Or([wq.Term("status", s) for s in request.statuses]))
        if request.doc_ids:
            parts.append(wq.Or([wq.Term("doc_id", d) for d in request.doc_ids]))
        if request.topic:
            parts.append(wq.Term("topics", request.topic.lower()))
        return wq.And(parts) if parts else None

    def _clarifications(self, text: str) -> tuple[Clarification, ...]:
        line = " " + " ".join(stems(text)) + " "
        found = []
        for c in self.kb.clarifications:
            phrases = [p for term in c.terms for p in self.kb.concepts[term]]
            if any(f" {' '.join(stems(p))} " in line for p in phrases):
                found.append(c)
        return tuple(found)

    def search(self, request: SearchRequest) -> SearchPage:
        """One page of results for `request`; QueryError for invalid parameters."""
        request = request.validate()
        self.refresh()
        ix = self._ix
        with ix.searcher(weighting=BM25F()) as searcher:
            parsed = parse_query(request.query, ix.schema, self.kb, searcher.reader())
            if isinstance(parsed.query, type(wq.NullQuery)) or parsed.query is wq.NullQuery:
                return SearchPage(request, 0, (), None, parsed.expansions, parsed.notes,
                                  self._clarifications(parsed.text))
            limit = request.page * request.per_page + (RERANK_DEPTH if request.evidence_ranking else 0)
            results = searcher.search(parsed.query, limit=limit, filter=self._filter(request))
            total = len(results)
            hits = [_hit(r.fields(), r.score) for r in results]
            suggestion = self._suggest(searcher, parsed, total)
        if request.evidence_ranking:
            hits.sort(key=lambda h: h.score * (1 + EVIDENCE_WEIGHT[h.status]), reverse=True)
        first = (request.page - 1) * request.per_page
        terms = {t for f, t in parsed.query.iter_all_terms() if isinstance(t, str)} | {
            t.decode() for f, t in parsed.query.iter_all_terms() if isinstance(t, bytes)
        }
        page_hits = tuple(replace(h, snippet=snippet(h, terms)) for h in hits[first : first + request.per_page])
        return SearchPage(request, total, page_hits, suggestion, parsed.expansions, parsed.notes,
                          self._clarifications(parsed.text))

    def _vocabulary(self) -> Vocabulary:
        """The current build's word list, read the first time a suggestion is needed."""
        build, vocabulary = self._words
        if build != self._build:
            vocabulary = Vocabulary.load(self._build)
            self._words = (self._build, vocabulary)
        return vocabulary

    def _suggest(self, searcher, parsed, total: int) -> str | None:
        """The query with each word the index does not know replaced by its closest known word."""
        if total > 3 or not parsed.text:
            return None
        corrector = self._vocabulary()
        reader = searcher.reader()
        known = {w for group in self.kb.synonyms for phrase in group for w in phrase.split()}
        changed = False
        words = []
        for word in re.findall(r"[^\W\d_]{3,}|\S+", parsed.text):
            lowered = word.lower()
            unknown = lowered.isalpha() and lowered not in known and not reader.frequency("text", stem(lowered))
            if word not in _OPERATORS and unknown:
                found = corrector.suggest(lowered, limit=1, maxdist=2)
                if found:
                    word, changed = found[0], True
            words.append(word)
        return " ".join(words) if changed else None

    def passage(self, passage_id: str) -> Hit | None:
        self.refresh()
        with self._ix.searcher() as searcher:
            fields = searcher.document(passage_id=passage_id)
        return _hit(fields, 0.0) if fields else None

    def document(self, doc_id: str) -> CheckedDocument | None:
        self.refresh()
        return self._store.get(doc_id)

    def documents(self) -> list[dict]:
        """Every document's id, title and sentence counts per status."""
        self.refresh()
        store = self._store
        return [store.summary(doc_id) for doc_id in store.ids()]

    def passages_by_topic(self, topic: str, statuses: tuple[str, ...], limit: int = 50) -> list[Hit]:
        """Passages tagged with `topic` whose status is one of `statuses`."""
        self.refresh()
        with self._ix.searcher() as searcher:
            q = wq.And([wq.Term("topics", topic.lower()), wq.Or([wq.Term("status", s) for s in statuses])])
            return [_hit(r.fields(), 0.0) for r in searcher.search(q, limit=limit, sortedby="passage_id")]
