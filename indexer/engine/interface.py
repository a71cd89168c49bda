"""The search-engine interface the index and search layers use: a Catalog of builds (lock, current, begin, write
each process's passages, the documents, vocabulary and ids, publish atomically, discard, prune, open one to search),
the PassageWriter of one process, the SearchIndex and Searcher of an opened build, and `catalog()`, which picks the
backend: the whoosh folder (the default) or PostgreSQL (`SOURCECHECK_SEARCH_URL`).

A build is a generation: a folder under the index folder (whoosh), or a numbered generation of one library's tables
(PostgreSQL). Its handle has a `name` (unique in the library) and crosses processes (pickled to the workers).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..settings import SEARCH_READ_URL, SEARCH_URL
from .folder import FolderCatalog
from .pins import PINS, internals
from .whoosh import WhooshEngine


class PassageWriter(Protocol):
    """Indexes the passages of one process into a part of a new index."""

    def add_document(self, **fields: Any) -> None:
        """Add one passage's fields (`schema.passage_fields`); a failure leaves the writer unusable."""

    def finish(self) -> Any:
        """The finished part, to hand to `Catalog.commit` (picklable: it may cross processes); None if empty."""

    def abandon(self) -> None:
        """Give the part up (after a failure)."""


@dataclass(frozen=True)
class Filter:
    """What a search is limited to: any of these statuses, any of these documents, this topic (empty: no limit)."""

    statuses: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    topic: str = ""

    def __bool__(self) -> bool:
        return bool(self.statuses or self.doc_ids or self.topic)


class Searcher(Protocol):
    """One thread's view of an opened build (not shared between threads; close it when done)."""

    schema: Any  # the whoosh schema queries are parsed with (whoosh's query objects are the query language)

    def expand_prefix(self, field: str, prefix: str) -> Iterator[str]:
        """The field's terms starting with `prefix`, in order."""

    def frequency(self, field: str, term: str) -> int:
        """How often `term` occurs in `field` (0: unknown)."""

    def stored(self, keys: Sequence[Any]) -> list[dict]:
        """The stored fields of the passages `keys` (from `SearchIndex.top`), in that order."""

    def statuses(self, keys: Sequence[Any]) -> list[str]:
        """The status of each passage of `keys`."""

    def document(self, passage_id: str) -> dict | None:
        """The stored fields of the passage with this id."""

    def by_topic(self, topic: str, statuses: Sequence[str], limit: int) -> list[dict]:
        """Stored fields of passages tagged `topic` with one of `statuses`, by passage id."""

    def close(self) -> None: ...


class SearchIndex(Protocol):
    """One opened build's index."""

    def searcher(self) -> Searcher:
        """A new searcher (one per thread; close it when done)."""

    def top(self, searcher: Searcher, query: Any, limit: int, filter: Filter | None = None) -> tuple[int, list]:
        """(passages matched, up to `limit` (score, key) best first, ties in index order)."""


class DocumentSource(Protocol):
    """A build's documents as stored: each one's summary entry and its JSON line."""

    def entries(self) -> dict[str, list]:
        """doc id -> [title, counts, checksum, source], in build order."""

    def line(self, doc_id: str) -> bytes | None: ...

    def lines(self) -> Iterator[bytes]: ...


class Engine(Protocol):
    """A search engine that indexes checked passages in a build folder (the folder catalog's passages)."""

    def create(self, build: Path) -> None: ...

    def writer(self, build: Path) -> PassageWriter: ...

    def commit(self, build: Path, parts: Sequence[Any]) -> None: ...

    def open(self, build: Path) -> SearchIndex: ...


class Catalog(Protocol):
    """The builds of one library: the one being served, and writing a new one beside it."""

    where: str  # the library, for messages

    def lock(self, wait: float = 0.0) -> AbstractContextManager:
        """Hold the library's build lock; waits up to `wait` seconds, then raises BuildLockedError."""

    def for_reading(self) -> Catalog:
        """The same library where searches go (SOURCECHECK_SEARCH_READ_URL: a standby), or this catalog."""

    def current(self) -> Any | None:
        """The build being served, or None before the first."""

    def manifest(self, build: Any) -> dict: ...

    def begin(self) -> Any:
        """A new, empty, unpublished build."""

    def writer(self, build: Any) -> PassageWriter:
        """A writer of one part of `build`'s passages (one a process)."""

    def commit(self, build: Any, parts: Sequence[Any]) -> None:
        """Make the parts (from `PassageWriter.finish`) the build's passages, in order."""

    def write_documents(self, build: Any, records: Iterable[Any], paths: Mapping[str, str]) -> None:
        """Store the documents (records with doc_id, title, checksum, counts, source, line) in the order given;
        `paths` (doc id -> file) is complete once `records` is exhausted."""

    def documents(self, build: Any) -> DocumentSource: ...

    def ids(self, build: Any) -> dict[str, str]:
        """doc id -> absolute path of its file (empty if unknown)."""

    def write_vocabulary(self, build: Any, counts: Mapping[str, int]) -> None: ...

    def vocabulary(self, build: Any) -> dict[str, int]: ...

    def publish(self, build: Any, manifest: dict) -> None:
        """Make `build` the one served, atomically: readers see the previous build or this one."""

    def discard(self, build: Any) -> None:
        """Remove an unpublished build (after a failure)."""

    def prune(self, keep: set) -> None:
        """Remove every build but those in `keep`."""

    def open(self, build: Any) -> SearchIndex: ...


def default_engine(environ=None) -> WhooshEngine:
    """whoosh, embedded, with its fast paths when `internals()` says so."""
    return WhooshEngine(internals=internals(environ))


def catalog(
    index_dir: str | Path,
    search_url: str | None = None,
    read_url: str | None = None,
    engine: Engine | None = None,
    environ: Mapping[str, str] | None = None,
) -> Catalog:
    """The builds of the library `index_dir` names: whoosh folders in it, or, when `search_url` (default
    SOURCECHECK_SEARCH_URL) is set, that PostgreSQL database's library of this name, searched on `read_url`
    (default SOURCECHECK_SEARCH_READ_URL, else `search_url`)."""
    url = search_url if search_url is not None else SEARCH_URL.from_environment(environ)
    if not url:
        return FolderCatalog(Path(index_dir), engine or default_engine(environ))
    read = read_url if read_url is not None else SEARCH_READ_URL.from_environment(environ)
    from .postgres import PostgresCatalog  # SQLAlchemy and psycopg are loaded only when they are used

    return PostgresCatalog(url, str(index_dir), read or url)


__all__ = [
    "PINS",
    "Catalog",
    "DocumentSource",
    "Engine",
    "Filter",
    "PassageWriter",
    "SearchIndex",
    "Searcher",
    "WhooshEngine",
    "catalog",
    "default_engine",
    "internals",
]
