"""The whoosh engine: an embedded index in each build folder, written by every build process and searched with
BM25 per field (summed with the field boosts) over text, title and heading.

With the internals (the default), each process writes its own segment through whoosh's codec and the parent commits
them all (segments.py, postings.py, blocks.py), and plain keyword queries are scored term at a time (scoring.py).
Without, the processes hand their passages to the parent, which indexes them all with whoosh's own writer, and
whoosh's searcher scores every query (plain.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from .plain import PartWriter, commit_parts
from .schema import build_schema
from .scoring import FieldBM25, Norms, PostingCache, flat_terms, top_documents
from .segments import SegmentBuilder, commit_segments


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

    def searcher(self):
        return self.ix.searcher(weighting=self.weighting)

    def top(self, searcher, query, limit: int, filter=None) -> tuple[int, list[tuple[float, int]]]:
        """Plain keyword queries term at a time with the internals (scoring.py), the rest through whoosh's searcher."""
        flat = flat_terms(query) if self.internals and filter is None else None
        if flat is not None:
            found = top_documents(searcher, flat, limit, self.norms, self.postings)
            if found is not None:
                return found
        results = searcher.search(query, limit=limit, filter=filter)
        return len(results), list(results.top_n)
