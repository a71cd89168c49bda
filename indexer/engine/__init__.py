"""The engine boundary: the search engine that indexes checked passages and searches them, and the only code that
reaches into a dependency's private internals.

    Engine          builds an index of checked passages in a build folder (one writer a process, then a commit)
                    and opens it to search; `default_engine()` is whoosh, embedded
    PassageWriter   adds one process's passages to a part of the new index
    SearchIndex     an opened index: searchers, and the best matches of a query
    internals       ENGINE_INTERNALS and the pins: whether the fast paths below are used
    punkt           NLTK's Punkt sentence boundaries with a fraction of Punkt's work (Punkt's `_lang_vars`,
                    `text_contains_sentbreak`...), or NLTK's own tokenizer
    whoosh/         the whoosh engine: schema (fields and analyzer), segments, postings and blocks (a segment per
                    process, written through W3Codec's writers: `fieldwriter._postfile`, `W3TermInfo._struct`,
                    `SegmentWriter._commit_toc`...), scoring (BM25F term at a time over `W3LeafMatcher` blocks),
                    plain (whoosh's own writer, merging the parts)

Each fast path is tested against the library it replaces, and the suite runs both ways (`.ci/run`): with
SOURCECHECK_ENGINE_INTERNALS=off the passages and verdicts are the same and the search results equivalent.
Layers above (index, search) use the engine through these types and whoosh's public query API.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from .pins import PINS, internals
from .whoosh import WhooshEngine


class PassageWriter(Protocol):
    """Indexes the passages of one process into a part of a new index."""

    def add_document(self, **fields: Any) -> None:
        """Add one passage's fields (`schema.passage_fields`); a failure leaves the writer unusable."""

    def finish(self) -> Any:
        """The finished part, to hand to `Engine.commit` (picklable: it may cross processes); None if empty."""

    def abandon(self) -> None:
        """Give the part up (after a failure)."""


class SearchIndex(Protocol):
    """One opened build's index."""

    schema: Any

    def searcher(self) -> Any:
        """A new searcher (one per thread; close it when done)."""

    def top(self, searcher: Any, query: Any, limit: int, filter: Any = None) -> tuple[int, list[tuple[float, int]]]:
        """(documents matched, up to `limit` (score, docnum) best first, ties in document order)."""


class Engine(Protocol):
    """A search engine that indexes checked passages in a build folder and searches them."""

    def create(self, build: Path) -> None:
        """An empty index in the new build folder."""

    def writer(self, build: Path) -> PassageWriter:
        """A writer of one part of the index in `build` (one a process)."""

    def commit(self, build: Path, parts: Sequence[Any]) -> None:
        """Make the parts (from `PassageWriter.finish`, None for an empty one) the index's content, in order."""

    def open(self, build: Path) -> SearchIndex:
        """The index in `build`, to search."""


def default_engine(environ=None) -> Engine:
    """whoosh, embedded, with its fast paths when `internals()` says so."""
    return WhooshEngine(internals=internals(environ))


__all__ = ["PINS", "Engine", "PassageWriter", "SearchIndex", "WhooshEngine", "default_engine", "internals"]
