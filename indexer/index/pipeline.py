"""Loading, checking and indexing documents, spread over worker processes that each write a part of the index.

    parent    sources, in batches ─> job queue ─> worker 1..N: load, split, check (verdicts cached),
                                                  add each passage to the worker's own part of the index
    parent    store lines, in source order <─ result queue
    parent    commits every worker's part into the one index (Engine.commit)

Checking is the costly step and every document is independent, so the work divides evenly between processes.
A small corpus, or procs=1, runs the same steps in the calling process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import threading
import traceback
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any

from ..checking.analysis import CheckedDocument, VerdictCache, check_document
from ..checking.evidence import Checker
from ..documents.loading import Document, DocumentError
from ..engine.interface import Catalog
from ..engine.whoosh.schema import passage_fields
from ..errors import BuildError
from ..knowledge.base import KnowledgeBase
from .store import DocumentStore, StoreRecord
from .vocabulary import count_words

BATCH = 16  # documents a job: small enough to keep both workers busy to the end, large enough to be cheap
SERIAL_BELOW = 200  # documents: for fewer, starting worker processes costs more than it saves
MAX_PROCS = 8


def default_procs() -> int:
    """One worker per CPU this process may use (the parent mostly waits on them)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_PROCS))


@dataclass(frozen=True)
class Record:
    """One document loaded, checked and indexed: what the build keeps of it."""

    store: StoreRecord
    path: str
    passages: int
    reused: bool
    warnings: tuple[str, ...]


class DocumentIndexer:
    """Loads, checks and indexes documents into one new part of the index of `build`."""

    def __init__(self, builds: Catalog, build: Any, kb: KnowledgeBase, previous: Any | None = None) -> None:
        self.writer = builds.writer(build)
        self.verdicts = VerdictCache(Checker(kb))
        # same rules: unchanged documents reuse their checks
        self.previous = DocumentStore(builds.documents(previous)) if previous is not None else None
        self.words: Counter = Counter()

    def process(self, source) -> Record | DocumentError:
        """Index one Document, or source with a load() method; a DocumentError comes back as the result."""
        if isinstance(source, DocumentError):
            return source
        try:
            doc = source if isinstance(source, Document) else source.load()
        except DocumentError as e:
            return e
        checked, reused = self._reused(doc), True
        if checked is None:
            checked, reused = check_document(doc, self.verdicts), False
        for fields in passage_fields(checked):
            self.writer.add_document(**fields)
            count_words(fields["text"], self.words)
        return Record(StoreRecord.of(checked), doc.path, len(checked.passages), reused, doc.warnings)

    def _reused(self, doc: Document) -> CheckedDocument | None:
        if self.previous is None or self.previous.checksum(doc.id) not in (doc.checksum, None):
            return None
        cached = self.previous.get(doc.id)
        if cached is None or cached.checksum != doc.checksum:
            return None
        return CheckedDocument(doc, cached.passages)

    def finish(self):
        """The finished part (None if nothing was added)."""
        return self.writer.finish()

    def abandon(self) -> None:
        try:
            self.writer.abandon()
        except OSError:
            pass  # a full or read-only disk can fail the clean-up too; the build is discarded anyway


def _next_job(jobs, parent: int):
    """The next job, or None when there are no more (or the parent process has died)."""
    while True:
        try:
            return jobs.get(timeout=1.0)
        except queue.Empty:
            if os.getppid() != parent:
                return None


def _work(builds: Catalog, build: Any, kb: KnowledgeBase, previous: Any | None, jobs, results, parent: int) -> None:
    """A worker process: index the batches it is given, then hand back its part and vocabulary."""
    # Nearly everything a worker makes lives to the end of the build (postings, caches), so the cyclic garbage
    # collector's scans found nothing and cost 4% of a worker's CPU (1.2 s on MedQuAD); what the worker inherited from
    # the parent (rules, models) is not scanned at all, which also keeps those pages shared with the parent
    gc.freeze()
    gc.set_threshold(50_000, 20, 10)
    try:
        indexer = DocumentIndexer(builds, build, kb, previous)
        while (job := _next_job(jobs, parent)) is not None:
            seq, batch = job
            done = [indexer.process(source) for source in batch]
            results.put(("batch", seq, [(e.path, e.reason) if isinstance(e, DocumentError) else e for e in done]))
        results.put(("done", indexer.finish(), indexer.words))
    except BaseException as e:  # reported to the parent, which fails the build with it
        results.put(("error", f"{type(e).__name__}: {e}\n{traceback.format_exc()}"))


class Pipeline:
    """Runs the indexing of one build; afterwards `segments` (the engine's parts) and `words` hold what the
    workers produced."""

    def __init__(
        self, builds: Catalog, build: Any, kb: KnowledgeBase, previous: Any | None = None, procs: int | None = None
    ):
        self.builds, self.build, self.kb, self.previous = builds, build, kb, previous
        self.procs = procs or default_procs()
        self.segments: list = []
        self.words: Counter = Counter()
        self._workers: list = []

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop any worker still running (after an error, or when the caller stopped reading)."""
        for worker in self._workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()
        self._workers = []

    def run(self, sources: Iterable) -> Iterator[Record | DocumentError]:
        """Index every source; yields a Record or DocumentError for each, in the order of `sources`."""
        sources = iter(sources)
        head = list(islice(sources, SERIAL_BELOW))
        if self.procs == 1 or len(head) < SERIAL_BELOW:
            return self._serial(chain(head, sources))
        return self._parallel(chain(head, sources))

    def _serial(self, sources: Iterator) -> Iterator[Record | DocumentError]:
        indexer = DocumentIndexer(self.builds, self.build, self.kb, self.previous)
        try:
            for source in sources:
                yield indexer.process(source)
        except BaseException:
            indexer.abandon()
            raise
        self.segments.append(indexer.finish())
        self.words.update(indexer.words)

    def _parallel(self, sources: Iterator) -> Iterator[Record | DocumentError]:
        # fork is fast and safe while this is the only thread; otherwise start clean interpreters
        ctx = multiprocessing.get_context("fork" if threading.active_count() == 1 else "spawn")
        jobs, results = ctx.Queue(self.procs * 2), ctx.Queue()
        args = (self.builds, self.build, self.kb, self.previous, jobs, results, os.getpid())
        self._workers = [ctx.Process(target=_work, args=args, daemon=True) for _ in range(self.procs)]
        for worker in self._workers:
            worker.start()
        state = _Collector(self, results)
        batches = iter(lambda: list(islice(sources, BATCH)), [])
        for seq, batch in enumerate(batches):
            while True:
                try:
                    jobs.put((seq, batch), timeout=0.05)
                    break
                except queue.Full:
                    yield from state.collect(wait=False)
            yield from state.collect(wait=False)
        for _ in self._workers:
            jobs.put(None)
        while state.running:
            yield from state.collect(wait=True)
        self.close()


class _Collector:
    """Receives the workers' results and releases them in source order."""

    def __init__(self, pipeline: Pipeline, results) -> None:
        self.pipeline, self.results = pipeline, results
        self.pending: dict[int, list] = {}
        self.next = 0
        self.running = len(pipeline._workers)

    def collect(self, wait: bool) -> Iterator[Record | DocumentError]:
        while True:
            try:
                message = self.results.get(timeout=1.0 if wait else 0)
            except queue.Empty:
                self._check_alive()
                if not wait:
                    return
                continue
            self._receive(message)
            while self.next in self.pending:
                for item in self.pending.pop(self.next):
                    yield DocumentError(*item) if isinstance(item, tuple) else item
                self.next += 1
            if wait:
                return

    def _receive(self, message) -> None:
        kind, *rest = message
        if kind == "error":
            raise BuildError(f"a build worker failed: {rest[0]}")
        if kind == "done":
            segment, words = rest
            self.pipeline.segments.append(segment)
            self.pipeline.words.update(words)
            self.running -= 1
        else:
            seq, items = rest
            self.pending[seq] = items

    def _check_alive(self) -> None:
        dead = [w for w in self.pipeline._workers if w.exitcode not in (None, 0)]
        if dead:
            raise BuildError(f"a build worker stopped unexpectedly (exit code {dead[0].exitcode})")
