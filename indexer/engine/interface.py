"""The search-engine interface the index and search layers use: Engine, PassageWriter, SearchIndex, and
`default_engine()` (whoosh, embedded, with its fast paths when `internals()` says so). A second backend implements
these types.
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
