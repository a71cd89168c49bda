"""Building a new generation of the index beside the one served and publishing it atomically; opening the current
one.

Where builds live is the catalog's business (engine/interface.py `catalog`): folders under the index folder (whoosh,
the default) or generations of a library in PostgreSQL (`SOURCECHECK_SEARCH_URL`). Either way a build is begun, its
passages written by the pipeline's processes, its documents, vocabulary and ids stored, and then published in one
step; a failed or interrupted build is discarded and the previous one keeps serving. The previous build is kept for
readers still on it; older ones are pruned.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..documents.loading import CLEANING_VERSION, Document, DocumentError, SourceFile, SourceText, corpus_files
from ..engine.interface import Catalog, Engine, SearchIndex, catalog
from ..errors import BuildError, IndexNotFoundError
from ..knowledge.base import KnowledgeBase, default_knowledge_base
from ..settings import INDEX_DIR
from .pipeline import Pipeline
from .store import DocumentStore, StoreRecord
from .versions import checker_fingerprint


def default_index_dir() -> Path:
    """`SOURCECHECK_INDEX_DIR` if set, else var/index under the working directory (the INDEX_DIR setting)."""
    return Path(INDEX_DIR.from_environment())


@dataclass
class BuildSummary:
    documents: int = 0
    passages: int = 0
    sentences: Counter = field(default_factory=Counter)
    reused: int = 0
    skipped: list[DocumentError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    path: str = ""

    def as_dict(self) -> dict:
        return {
            "documents": self.documents,
            "passages": self.passages,
            "sentences": dict(self.sentences),
            "reused": self.reused,
            "skipped": [{"path": e.path, "reason": e.reason} for e in self.skipped],
            "warnings": self.warnings,
            "seconds": round(self.seconds, 3),
            "path": self.path,
        }


def open_catalog(index_dir: str | Path | None = None, engine: Engine | None = None) -> Catalog:
    """The catalog of the library `index_dir` names (default `default_index_dir()`), on the backend the settings
    choose; `engine` is the whoosh engine of a folder catalog."""
    return catalog(Path(index_dir) if index_dir else default_index_dir(), engine=engine)


def build_lock(index_dir: str | Path | None = None, wait: float = 0.0):
    """Hold the library's build lock (a flock in the folder, an advisory lock in PostgreSQL); waits up to `wait`
    seconds, then raises BuildLockedError."""
    return open_catalog(index_dir).lock(wait)


def current_build(index_dir: str | Path | None = None, engine: Engine | None = None) -> Any | None:
    """The build served from `index_dir` (a folder, or a PostgreSQL generation), or None before the first build."""
    return open_catalog(index_dir, engine).current()


def _reusable(catalog: Catalog, build: Any | None, kb: KnowledgeBase) -> Any | None:
    """The previous build, if its checks can be reused: the same knowledge files, files cleaned and split the same
    way, and the same checking code and library versions (`versions.checker_fingerprint`)."""
    if build is None:
        return None
    manifest = catalog.manifest(build)
    same = (
        manifest.get("knowledge") == kb.fingerprint
        and manifest.get("cleaning") == CLEANING_VERSION
        and manifest.get("checker") == checker_fingerprint()
    )
    return build if same else None  # rules, cleaning or code changed: check everything again


def build_index(
    paths: Iterable[str | Path],
    index_dir: str | Path | None = None,
    kb: KnowledgeBase | None = None,
    progress: Callable[[str], None] | None = None,
    wait: float = 0.0,
    procs: int | None = None,
    engine: Engine | None = None,
    builds: Catalog | None = None,
) -> BuildSummary:
    """Load, check and index every document under `paths`, then publish the new build atomically.

    `procs` worker processes share the work (default: one per CPU; small corpora are built in this process);
    `builds` is where builds live (default: `open_catalog(index_dir, engine)`, the backend the settings choose;
    `engine` the whoosh engine of a folder, default `engine.default_engine()`).
    """
    paths = list(paths)
    where = ", ".join(map(str, paths))
    files = lambda ids: corpus_files(paths, ids)  # noqa: E731
    return _build(files, where, builds or open_catalog(index_dir, engine), kb, progress, wait, procs)


def build_index_from(
    sources: Iterable[Document | SourceText | SourceFile],
    index_dir: str | Path | None = None,
    kb: KnowledgeBase | None = None,
    progress: Callable[[str], None] | None = None,
    wait: float = 0.0,
    procs: int | None = None,
    engine: Engine | None = None,
    builds: Catalog | None = None,
) -> BuildSummary:
    """Like build_index, for documents that do not come from a folder: Documents, or sources loaded by workers."""
    builds = builds or open_catalog(index_dir, engine)
    return _build(lambda _ids: sources, "the documents given", builds, kb, progress, wait, procs)


def _build(sources_after, where: str, builds: Catalog, kb, progress, wait, procs) -> BuildSummary:
    """Build from `sources_after(the previous build's ids)` (what to index can depend on the build it replaces)."""
    kb = kb or default_knowledge_base()
    started = time.perf_counter()
    with builds.lock(wait):
        previous = builds.current()
        build = None
        try:
            build = builds.begin()
            sources = sources_after(builds.ids(previous) if previous is not None else {})
            reusable = _reusable(builds, previous, kb)
            summary = _build_into(builds, build, sources, where, kb, reusable, progress, procs)
        except BaseException as e:
            if build is not None:
                builds.discard(build)
            if isinstance(e, OSError):
                raise BuildError(f"{builds.where}: build failed, the previous index is kept ({e.strerror or e})") from e
            raise
        builds.prune({build} | ({previous} if previous is not None else set()))
    summary.seconds = time.perf_counter() - started
    summary.path = str(build)
    return summary


def _build_into(builds: Catalog, build, sources, where: str, kb, previous, progress, procs) -> BuildSummary:
    summary = BuildSummary()
    ids: dict[str, str] = {}
    with Pipeline(builds, build, kb, previous, procs) as pipeline:
        results = pipeline.run(sources)
        try:
            builds.write_documents(build, _summarised(results, summary, progress, ids), ids)
        finally:
            results.close()  # on failure: abandon the part being written now, while its build still exists
        if not summary.documents:
            raise BuildError(f"no documents could be indexed from {where}; previous index kept")
        builds.commit(build, pipeline.segments)
    builds.write_vocabulary(build, pipeline.words)
    manifest = {
        "knowledge": kb.fingerprint,
        "cleaning": CLEANING_VERSION,
        "checker": checker_fingerprint(),
        "created": time.time(),
        "summary": summary.as_dict(),
    }
    builds.publish(build, manifest)
    return summary


def _summarised(results, summary: BuildSummary, progress, ids: dict[str, str]) -> Iterator[StoreRecord]:
    """The store records of `results`, counting each document (or skipped file) into `summary` and its file's
    absolute path into `ids`."""
    for item in results:
        if isinstance(item, DocumentError):
            summary.skipped.append(item)
            if progress:
                progress(f"skipped {item}")
            continue
        summary.documents += 1
        ids[item.store.doc_id] = os.path.abspath(item.path) if item.path else ""
        summary.passages += item.passages
        summary.reused += item.reused
        summary.sentences.update(item.store.counts)
        summary.warnings.extend(item.warnings)
        if progress:
            progress(item.path)
        yield item.store


def open_index(
    index_dir: str | Path | None = None, engine: Engine | None = None
) -> tuple[Any, SearchIndex, DocumentStore]:
    """The build currently served from `index_dir` (its handle), its index and its document store."""
    builds = open_catalog(index_dir, engine)
    build = builds.current()
    if build is None:
        raise IndexNotFoundError(f"{builds.where}: no index here yet; run 'sourcecheck build' first")
    return build, builds.open(build), DocumentStore(builds.documents(build))
