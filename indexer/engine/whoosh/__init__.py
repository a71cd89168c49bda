"""The whoosh engine: an embedded index in each build folder, written by every build process and searched with
BM25 per field (summed with the field boosts) over text, title and heading.

With the internals (the default), each process writes its own segment through whoosh's codec and the parent commits
them all (segments.py, postings.py, blocks.py), and plain keyword queries are scored term at a time (scoring.py).
Without, the processes hand their passages to the parent, which indexes them all with whoosh's own writer, and
whoosh's searcher scores every query (plain.py).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq

from .plain import PartWriter, commit_parts
from .schema import build_schema
from .scoring import FieldBM25, Norms, PostingCache, flat_terms, top_documents
from .segments import SegmentBuilder, commit_segments

_MASKS_KEPT = 8  # filters whose documents are kept (each a byte per passage)


@dataclass(frozen=True)
class WhooshEngine:
    """whoosh, with (`internals`) or without its fast paths."""

    internals: bool = True

    def create(self, build: Path) -> None:
        whoosh_index.create_in(str(build), build_schema())

    def writer(self, build: Path) -> SegmentBuilder | PartWriter:
        return SegmentBuilder(whoosh_index.open_dir(str(build))) if self.internals else PartWriter(build)

    def commit(self, build: Path, parts: Sequence) -> None:
        ix = whoosh_index.open_dir(str(build))
        if self.internals:
            commit_segments(ix, list(parts))
        else:
            commit_parts(ix, build, list(parts))

    def open(self, build: Path) -> WhooshIndex:
        return WhooshIndex(whoosh_index.open_dir(str(build)), self.internals)


class WhooshIndex:
    """One build's whoosh index; with the internals, the decoded postings and length norms its searches share."""

    def __init__(self, ix, internals: bool) -> None:
        self.ix = ix
        self.schema = ix.schema
        self.weighting = FieldBM25()
        self.internals = internals
        self.norms = Norms(self.weighting.B, self.weighting.K1)
        self.postings = PostingCache()
        self._statuses: list[str] | None = None
        self._masks: dict[tuple, np.ndarray] = {}  # filter -> the documents it lets through (see `_allowed`)
        self._lock = threading.Lock()

    def searcher(self) -> WhooshSearcher:
        return WhooshSearcher(self, self.ix.searcher(weighting=self.weighting))

    def top(self, searcher, query, limit: int, filter=None) -> tuple[int, list[tuple[float, int]]]:
        """Plain keyword queries term at a time with the internals (scoring.py), the rest through whoosh's searcher."""
        searcher = getattr(searcher, "whoosh", searcher)
        limits = _filter_query(filter) if filter else None
        flat = flat_terms(query) if self.internals else None
        if flat is not None:
            allowed = self._allowed(searcher, filter, limits) if limits is not None else None
            found = top_documents(searcher, flat, limit, self.norms, self.postings, allowed)
            if found is not None:
                return found
        results = searcher.search(query, limit=limit, filter=limits)
        return len(results), list(results.top_n)

    def _allowed(self, searcher, filter, limits) -> np.ndarray:
        """Which documents `filter` lets through, by document number (a few recent filters kept: a person pages
        through one filtered search; a filter through whoosh's searcher cost 1.1 s a search on MedQuAD)."""
        key = (filter.statuses, filter.doc_ids, filter.topic)
        found = self._masks.get(key)
        if found is None:
            found = np.zeros(searcher.doc_count_all(), dtype=bool)
            found[list(searcher.docs_for_query(limits))] = True
            with self._lock:  # the index is shared by every thread's searcher
                if len(self._masks) >= _MASKS_KEPT:
                    self._masks.pop(next(iter(self._masks)))
                self._masks[key] = found
        return found

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


def _filter_query(limits) -> wq.Query:
    parts = []
    if limits.statuses:
        parts.append(wq.Or([wq.Term("status", s) for s in limits.statuses]))
    if limits.doc_ids:
        parts.append(wq.Or([wq.Term("doc_id", d) for d in limits.doc_ids]))
    if limits.topic:
        parts.append(wq.Term("topics", limits.topic.lower()))
    return wq.And(parts)


class WhooshSearcher:
    """A whoosh searcher (`whoosh`) behind the Searcher interface; what it does not declare is whoosh's own (for
    the tests of this engine)."""

    def __init__(self, index: WhooshIndex, searcher) -> None:
        self.index, self.whoosh = index, searcher
        self.schema = searcher.schema

    def __getattr__(self, name: str):
        return getattr(self.whoosh, name)

    def __enter__(self) -> WhooshSearcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def expand_prefix(self, field: str, prefix: str):
        for term in self.whoosh.reader().expand_prefix(field, prefix):
            yield term.decode() if isinstance(term, bytes) else term

    def frequency(self, field: str, term: str) -> int:
        return self.whoosh.reader().frequency(field, term)

    def stored(self, keys) -> list[dict]:
        return [self.whoosh.stored_fields(k) for k in keys]

    def statuses(self, keys) -> list[str]:
        column = self.index.statuses(self.whoosh)
        return [column[k] for k in keys]

    def document(self, passage_id: str) -> dict | None:
        return self.whoosh.document(passage_id=passage_id)

    def by_topic(self, topic: str, statuses, limit: int) -> list[dict]:
        q = wq.And([wq.Term("topics", topic.lower()), wq.Or([wq.Term("status", s) for s in statuses])])
        return [r.fields() for r in self.whoosh.search(q, limit=limit, sortedby="passage_id")]

    def close(self) -> None:
        self.whoosh.close()
