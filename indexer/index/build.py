"""Building the index into a fresh folder and swapping it in atomically; opening the current index.

Layout of an index folder:
    current            symlink to the build being served (replaced atomically with os.replace)
    build-<stamp>/     the engine's index (whoosh's files), documents.jsonl (cleaned text and checks per document),
                       manifest.json, ids.json (each document id and the absolute path of its file: the next build
                       keeps the ids)
    .lock              flock held by the running build; the kernel drops it if the build dies
A failed or interrupted build never touches `current`, so the previous index keeps serving.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..documents.loading import CLEANING_VERSION, Document, DocumentError, SourceFile, SourceText, corpus_files
from ..engine.interface import Engine, SearchIndex, default_engine
from ..errors import BuildError, BuildLockedError, IndexNotFoundError
from ..knowledge.base import KnowledgeBase, default_knowledge_base
from ..settings import INDEX_DIR
from .pipeline import Pipeline
from .store import DocumentStore, StoreRecord, write_store
from .versions import checker_fingerprint
from .vocabulary import write_vocabulary

CURRENT = "current"
IDS = "ids.json"


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


@contextmanager
def build_lock(root: Path, wait: float = 0.0):
    """Hold the folder's build lock; waits up to `wait` seconds, then raises BuildLockedError."""
    try:
        handle = open(root / ".lock", "a+")
    except OSError as e:  # a read-only or full index folder: say so, the current index is untouched
        raise BuildError(
            f"{root}: cannot write to the index folder, the previous index is kept ({e.strerror or e})"
        ) from e
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as e:
                if time.monotonic() >= deadline:
                    raise BuildLockedError(f"{root}: another build is running; try again when it has finished") from e
                time.sleep(0.2)
        yield
    finally:
        handle.close()


def current_build(root: str | Path) -> Path | None:
    """The build folder `current` points to, or None before the first build."""
    link = Path(root) / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    path = Path(root) / target
    return path if (path / "manifest.json").is_file() else None


def _reusable(build: Path | None, kb: KnowledgeBase) -> Path | None:
    """The previous build, if its checks can be reused: the same knowledge files, files cleaned and split the same
    way, and the same checking code and library versions (`versions.checker_fingerprint`)."""
    if build is None:
        return None
    manifest = json.loads((build / "manifest.json").read_text())
    same = (
        manifest.get("knowledge") == kb.fingerprint
        and manifest.get("cleaning") == CLEANING_VERSION
        and manifest.get("checker") == checker_fingerprint()
    )
    return build if same else None  # rules, cleaning or code changed: check everything again


def previous_ids(build: Path | None) -> dict[str, str]:
    """Document id -> absolute path of its file in `build` (empty for none, or a build made before ids were kept)."""
    try:
        return json.loads((build / IDS).read_text()) if build else {}
    except (OSError, ValueError):
        return {}


def _swap(root: Path, build: Path) -> None:
    tmp = root / f".{CURRENT}.{os.getpid()}"
    if tmp.is_symlink():
        tmp.unlink()
    os.symlink(build.name, tmp)
    os.replace(tmp, root / CURRENT)  # atomic on POSIX: readers see the old or the new build, never neither


def _prune(root: Path, keep: set[Path]) -> None:
    """Remove builds other than the ones kept (the new one, and the previous one for readers still on it)."""
    for path in root.glob("build-*"):
        if path not in keep:
            shutil.rmtree(path, ignore_errors=True)


def build_index(
    paths: Iterable[str | Path],
    index_dir: str | Path | None = None,
    kb: KnowledgeBase | None = None,
    progress: Callable[[str], None] | None = None,
    wait: float = 0.0,
    procs: int | None = None,
    engine: Engine | None = None,
) -> BuildSummary:
    """Load, check and index every document under `paths`, then swap the new index in atomically.

    `procs` worker processes share the work (default: one per CPU; small corpora are built in this process);
    `engine` holds the passages (default: `engine.default_engine()`).
    """
    paths = list(paths)
    where = ", ".join(map(str, paths))
    files = lambda previous: corpus_files(paths, previous_ids(previous))  # noqa: E731
    return _build(files, where, index_dir, kb, progress, wait, procs, engine)


def build_index_from(
    sources: Iterable[Document | SourceText | SourceFile],
    index_dir: str | Path | None = None,
    kb: KnowledgeBase | None = None,
    progress: Callable[[str], None] | None = None,
    wait: float = 0.0,
    procs: int | None = None,
    engine: Engine | None = None,
) -> BuildSummary:
    """Like build_index, for documents that do not come from a folder: Documents, or sources loaded by workers."""
    return _build(lambda _previous: sources, "the documents given", index_dir, kb, progress, wait, procs, engine)


def _build(sources_after, where: str, index_dir, kb, progress, wait, procs, engine) -> BuildSummary:
    """Build from `sources_after(previous build or None)` (what to index can depend on the build it replaces)."""
    root = Path(index_dir) if index_dir else default_index_dir()
    kb = kb or default_knowledge_base()
    engine = engine or default_engine()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BuildError(f"{root}: cannot create the index folder ({e.strerror or e})") from e
    started = time.perf_counter()
    with build_lock(root, wait):
        previous = current_build(root)
        build = root / f"build-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        try:
            sources = sources_after(previous)
            summary = _build_into(build, sources, where, kb, engine, _reusable(previous, kb), progress, procs)
            _swap(root, build)
        except BaseException as e:
            shutil.rmtree(build, ignore_errors=True)
            if isinstance(e, OSError):
                raise BuildError(f"{root}: build failed, the previous index is kept ({e.strerror or e})") from e
            raise
        _prune(root, {build} | ({previous} if previous else set()))
    summary.seconds = time.perf_counter() - started
    summary.path = str(build)
    return summary


def _build_into(build: Path, sources, where: str, kb, engine, previous: Path | None, progress, procs) -> BuildSummary:
    build.mkdir(parents=True)
    summary = BuildSummary()
    ids: dict[str, str] = {}
    engine.create(build)
    with Pipeline(build, kb, engine, previous, procs) as pipeline:
        results = pipeline.run(sources)
        try:
            write_store(build, _summarised(results, summary, progress, ids))
        finally:
            results.close()  # on failure: abandon the segment writer now, while its folder still exists
        if not summary.documents:
            raise BuildError(f"no documents could be indexed from {where}; previous index kept")
        engine.commit(build, pipeline.segments)
    write_vocabulary(build, pipeline.words)
    (build / IDS).write_text(json.dumps(ids, ensure_ascii=False))
    manifest = {
        "knowledge": kb.fingerprint,
        "cleaning": CLEANING_VERSION,
        "checker": checker_fingerprint(),
        "created": time.time(),
        "summary": summary.as_dict(),
    }
    (build / "manifest.json").write_text(json.dumps(manifest))
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
) -> tuple[Path, SearchIndex, DocumentStore]:
    """The build folder, its index (opened by `engine`, default `engine.default_engine()`) and its document store
    currently served from `index_dir`."""
    root = Path(index_dir) if index_dir else default_index_dir()
    build = current_build(root)
    if build is None:
        raise IndexNotFoundError(f"{root}: no index here yet; run 'sourcecheck build' first")
    return build, (engine or default_engine()).open(build), DocumentStore(build)
