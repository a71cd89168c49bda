"""Search: a request in, a page of ranked, labelled, highlighted passages out.

`Library` holds one opened index per process and reopens it when a new build is swapped in. Each thread keeps one
whoosh searcher for the current build and reuses it from search to search (whoosh searchers must not be shared
between threads; opening one per search cost more than many searches). Ranking is BM25 per field over text, title
and heading, each field's score times its boost, summed (`FieldBM25`, engine/whoosh/scoring.py), by the engine
(`SearchIndex.top`: with its internals, plain keyword queries, most of them, are scored term at a time with the same
scores; the rest go through whoosh's searcher). With
evidence-aware ranking on, a small multiplier lifts supported passages and lowers flagged ones, so it only reorders
results whose relevance is close. Only the passages of the page shown are
read from the index's stored fields; reranking reads each candidate's status from a column.
"""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from pathlib import Path

from whoosh import query as wq

from ..checking.analysis import CheckedDocument
from ..engine.interface import Engine, SearchIndex
from ..index.build import current_build, default_index_dir, open_index
from ..index.vocabulary import Vocabulary
from ..knowledge.base import Clarification, KnowledgeBase, default_knowledge_base
from ..language.text import stem, stems
from .query import parse_query
from .results import MAX_PAGE, MAX_PER_PAGE, Fragment, Hit, SearchPage, SearchRequest, SnippetSentence, snippet
from .results import hit_from_fields as _hit

__all__ = [
    "EVIDENCE_WEIGHT",
    "MAX_PAGE",
    "MAX_PER_PAGE",
    "Fragment",
    "Hit",
    "Library",
    "SearchPage",
    "SearchRequest",
    "SnippetSentence",
    "snippet",
]

_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
RERANK_DEPTH = 50  # results past the requested page that evidence-aware ranking may move up
# Within ~10% relevance, supported beats flagged; a clear relevance gap is never overturned.
EVIDENCE_WEIGHT = {"supported": 0.06, "no_claim": 0.0, "unverified": 0.0, "unsupported": -0.03, "inaccurate": -0.05}


class _Build:
    """One opened build: the engine's index, the document store, and what is read from them lazily."""

    def __init__(self, path: Path, index: SearchIndex, store) -> None:
        self.path, self.index, self.store = path, index, store
        self._vocabulary: Vocabulary | None = None
        self._documents: list[dict] | None = None
        self._statuses: list[str] | None = None

    @property
    def vocabulary(self) -> Vocabulary:
        if self._vocabulary is None:  # read the first time a suggestion is needed
            self._vocabulary = Vocabulary.load(self.path)
        return self._vocabulary

    def statuses(self, searcher) -> list[str]:
        """Every passage's status by document number (read once: opening the column cost 10 ms a search)."""
        if self._statuses is None:
            reader = searcher.reader()
            if reader.has_column("status"):
                column = reader.column_reader("status")
                statuses = [column[d] for d in range(reader.doc_count_all())]
            else:  # a build from before the column existed
                statuses = [searcher.stored_fields(d)["status"] for d in range(reader.doc_count_all())]
            self._statuses = statuses
        return self._statuses

    @property
    def documents(self) -> list[dict]:
        if self._documents is None:
            self._documents = [self.store.summary(doc_id) for doc_id in self.store.ids()]
        return self._documents


class Library:
    """The searchable library in one index folder; safe to share between threads."""

    def __init__(
        self, index_dir: str | Path | None = None, kb: KnowledgeBase | None = None, engine: Engine | None = None
    ) -> None:
        self.root = Path(index_dir) if index_dir else default_index_dir()
        self.engine = engine
        self.kb = kb or default_knowledge_base()
        self._lock = threading.Lock()
        self._local = threading.local()
        self._searchers: set = set()  # every thread's searcher, so that close() can close them all
        self._current: _Build | None = None
        self._clarifying = [
            (c, [f" {' '.join(stems(p))} " for term in c.terms for p in self.kb.concepts[term]])
            for c in self.kb.clarifications
        ]
        self.refresh()

    def refresh(self) -> None:
        """Reopen the index if a new build has been swapped in since it was opened."""
        current = self._current
        if current is not None and current_build(self.root) == current.path:
            return
        with self._lock:
            self._current = _Build(*open_index(self.root, self.engine))

    @property
    def build(self) -> Path | None:
        return self._current.path if self._current else None

    @property
    def _store(self):
        return self._current.store

    def _searcher(self, build: _Build | None = None):
        """This thread's searcher of `build` (default: the current one), opened on first use after each new build."""
        build, local = build or self._current, self._local
        if getattr(local, "build", None) is not build:
            old = getattr(local, "searcher", None)
            searcher = build.index.searcher()
            with self._lock:
                self._searchers.add(searcher)
                if old is not None:
                    self._searchers.discard(old)
            if old is not None:
                old.close()
            local.searcher, local.build = searcher, build
        return local.searcher

    def close(self) -> None:
        """Close the index files every thread has open (call when no search is running; later use reopens)."""
        with self._lock:
            searchers, self._searchers = self._searchers, set()
            self._local = threading.local()
        for searcher in searchers:
            searcher.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_searchers", None):
            self.close()  # unreachable, so no thread is searching

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
        return tuple(c for c, phrases in self._clarifying if any(p in line for p in phrases))

    def search(self, request: SearchRequest) -> SearchPage:
        """One page of results for `request`; QueryError for invalid parameters."""
        request = request.validate()
        self.refresh()
        build = self._current  # one build for the whole request, even if another thread swaps in a newer one
        searcher = self._searcher(build)
        parsed = parse_query(request.query, searcher.schema, self.kb, searcher.reader())
        clarifications = self._clarifications(parsed.text)
        if parsed.query is wq.NullQuery or isinstance(parsed.query, type(wq.NullQuery)):
            return SearchPage(request, 0, (), None, parsed.expansions, parsed.notes, clarifications)
        first = (request.page - 1) * request.per_page
        limit = first + request.per_page + (RERANK_DEPTH if request.evidence_ranking else 0)
        total, ranked = build.index.top(searcher, parsed.query, limit, self._filter(request))
        if request.evidence_ranking:
            status = build.statuses(searcher)
            ranked.sort(key=lambda item: item[0] * (1 + EVIDENCE_WEIGHT[status[item[1]]]), reverse=True)
        terms = {t.decode() if isinstance(t, bytes) else t for _, t in parsed.query.iter_all_terms()}
        shown = ranked[first : first + request.per_page]
        hits = tuple(_hit(searcher.stored_fields(docnum), score) for score, docnum in shown)
        hits = tuple(replace(hit, snippet=snippet(hit, terms), source=build.store.source(hit.doc_id)) for hit in hits)
        suggestion = self._suggest(build, searcher, parsed, total)
        return SearchPage(request, total, hits, suggestion, parsed.expansions, parsed.notes, clarifications)

    def _suggest(self, build: _Build, searcher, parsed, total: int) -> str | None:
        """The query with each word the index does not know replaced by its closest known word."""
        if total > 3 or not parsed.text:
            return None
        corrector = build.vocabulary
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
        fields = self._searcher().document(passage_id=passage_id)
        return self._sourced(_hit(fields, 0.0)) if fields else None

    def _sourced(self, hit: Hit) -> Hit:
        """`hit` with its document's provenance (kept in the store, not in every passage)."""
        source = self._store.source(hit.doc_id)
        return replace(hit, source=source) if source else hit

    def document(self, doc_id: str) -> CheckedDocument | None:
        self.refresh()
        return self._store.get(doc_id)

    def documents(self) -> list[dict]:
        """Every document's id, title and sentence counts per status."""
        self.refresh()
        return list(self._current.documents)

    def document_count(self) -> int:
        """How many documents the library holds (without listing them)."""
        self.refresh()
        return len(self._current.store)

    def document_summary(self, doc_id: str) -> dict | None:
        """A document's id, title and sentence counts per status (None if there is no such document)."""
        self.refresh()
        store = self._current.store
        return store.summary(doc_id) if doc_id in store else None

    def has_document(self, doc_id: str) -> bool:
        """Whether `doc_id` is in the library (without listing every document)."""
        self.refresh()
        return doc_id in self._current.store

    def passages_by_topic(self, topic: str, statuses: tuple[str, ...], limit: int = 50) -> list[Hit]:
        """Passages tagged with `topic` whose status is one of `statuses`."""
        self.refresh()
        q = wq.And([wq.Term("topics", topic.lower()), wq.Or([wq.Term("status", s) for s in statuses])])
        found = self._searcher().search(q, limit=limit, sortedby="passage_id")
        return [self._sourced(_hit(r.fields(), 0.0)) for r in found]
