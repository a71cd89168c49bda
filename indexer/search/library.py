"""Search: a request in, a page of ranked, labelled, highlighted passages out.

`Library` holds one opened build per process (a whoosh folder, or a PostgreSQL generation: the catalog's business,
engine/interface.py) and reopens it when a new build is published. Each thread keeps one Searcher of the current
build and reuses it from search to search (whoosh searchers must not be shared between threads; opening one per
search cost more than many searches). Ranking is BM25 per field over text, title and heading, each field's score
times its boost, summed, by the engine (`SearchIndex.top`: whoosh's `FieldBM25`, engine/whoosh/scoring.py, or the
same arithmetic in SQL, engine/postgres/search.py). With evidence-aware ranking on, a small multiplier lifts
supported passages and lowers flagged ones, so it only reorders results whose relevance is close. Only the passages
of the page shown are read from the index's stored fields; reranking reads each candidate's status (a column).
"""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

from whoosh import query as wq

from ..checking.analysis import CheckedDocument
from ..engine.interface import Catalog, Engine, Filter, Searcher, SearchIndex
from ..errors import IndexNotFoundError
from ..index.build import default_index_dir, open_catalog
from ..index.store import DocumentStore
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

    def __init__(self, builds: Catalog, path: Any, index: SearchIndex, store: DocumentStore) -> None:
        self.builds, self.path, self.index, self.store = builds, path, index, store
        self._vocabulary: Vocabulary | None = None
        self._documents: list[dict] | None = None

    @property
    def vocabulary(self) -> Vocabulary:
        if self._vocabulary is None:  # read the first time a suggestion is needed
            self._vocabulary = Vocabulary(self.builds.vocabulary(self.path))
        return self._vocabulary

    @property
    def documents(self) -> list[dict]:
        if self._documents is None:
            self._documents = [self.store.summary(doc_id) for doc_id in self.store.ids()]
        return self._documents


class Library:
    """The searchable library of one index folder (the folder, or the PostgreSQL library it names); safe to share
    between threads."""

    def __init__(
        self,
        index_dir: str | Path | None = None,
        kb: KnowledgeBase | None = None,
        engine: Engine | None = None,
        builds: Catalog | None = None,
    ) -> None:
        self.root = Path(index_dir) if index_dir else default_index_dir()
        self.builds = (builds or open_catalog(self.root, engine)).for_reading()
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
        """Reopen the index if a new build has been published since it was opened."""
        current = self._current
        served = self.builds.current()
        if current is not None and served == current.path:
            return
        if served is None:
            raise IndexNotFoundError(f"{self.builds.where}: no index here yet; run 'sourcecheck build' first")
        with self._lock:
            index = self.builds.open(served)
            self._current = _Build(self.builds, served, index, DocumentStore(self.builds.documents(served)))

    @property
    def build(self) -> Any | None:
        """The build served (a folder, or a PostgreSQL generation: its `name` is unique in the library)."""
        return self._current.path if self._current else None

    @property
    def _store(self):
        return self._current.store

    def _searcher(self, build: _Build | None = None) -> Searcher:
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
        """Close the searchers every thread has open (call when no search is running; later use reopens)."""
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

    def _clarifications(self, text: str) -> tuple[Clarification, ...]:
        line = " " + " ".join(stems(text)) + " "
        return tuple(c for c, phrases in self._clarifying if any(p in line for p in phrases))

    def search(self, request: SearchRequest) -> SearchPage:
        """One page of results for `request`; QueryError for invalid parameters."""
        request = request.validate()
        self.refresh()
        build = self._current  # one build for the whole request, even if another thread swaps in a newer one
        searcher = self._searcher(build)
        parsed = parse_query(request.query, searcher.schema, self.kb, searcher)
        clarifications = self._clarifications(parsed.text)
        if parsed.query is wq.NullQuery or isinstance(parsed.query, type(wq.NullQuery)):
            return SearchPage(request, 0, (), None, parsed.expansions, parsed.notes, clarifications)
        first = (request.page - 1) * request.per_page
        limit = first + request.per_page + (RERANK_DEPTH if request.evidence_ranking else 0)
        limits = Filter(request.statuses, request.doc_ids, request.topic)
        total, ranked = build.index.top(searcher, parsed.query, limit, limits or None)
        if request.evidence_ranking and ranked:
            statuses = searcher.statuses([key for _, key in ranked])
            weighted = {key: score * (1 + EVIDENCE_WEIGHT[s]) for (score, key), s in zip(ranked, statuses, strict=True)}
            ranked.sort(key=lambda item: weighted[item[1]], reverse=True)
        terms = {t.decode() if isinstance(t, bytes) else t for _, t in parsed.query.iter_all_terms()}
        shown = ranked[first : first + request.per_page]
        stored = searcher.stored([key for _, key in shown])
        hits = tuple(_hit(fields, score) for fields, (score, _) in zip(stored, shown, strict=True))
        hits = tuple(replace(hit, snippet=snippet(hit, terms), source=build.store.source(hit.doc_id)) for hit in hits)
        suggestion = self._suggest(build, searcher, parsed, total)
        return SearchPage(request, total, hits, suggestion, parsed.expansions, parsed.notes, clarifications)

    def _suggest(self, build: _Build, searcher, parsed, total: int) -> str | None:
        """The query with each word the index does not know replaced by its closest known word."""
        if total > 3 or not parsed.text:
            return None
        corrector = build.vocabulary
        known = {w for group in self.kb.synonyms for phrase in group for w in phrase.split()}
        changed = False
        words = []
        for word in re.findall(r"[^\W\d_]{3,}|\S+", parsed.text):
            lowered = word.lower()
            unknown = lowered.isalpha() and lowered not in known and not searcher.frequency("text", stem(lowered))
            if word not in _OPERATORS and unknown:
                found = corrector.suggest(lowered, limit=1, maxdist=2)
                if found:
                    word, changed = found[0], True
            words.append(word)
        return " ".join(words) if changed else None

    def passage(self, passage_id: str) -> Hit | None:
        self.refresh()
        fields = self._searcher().document(passage_id)
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
        found = self._searcher().by_topic(topic, statuses, limit)
        return [self._sourced(_hit(fields, 0.0)) for fields in found]
