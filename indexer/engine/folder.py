"""The folder catalog: each build a folder under the index folder, the one served named by a symlink.

Layout of an index folder:
    current            symlink to the build being served (replaced atomically with os.replace)
    build-<stamp>/     the engine's index (whoosh's files), documents.jsonl (cleaned text and checks per document)
                       with documents.offsets.json, vocabulary.json, manifest.json (written last), ids.json (each
                       document id and the absolute path of its file: the next build keeps the ids)
    .lock              flock held by the running build; the kernel drops it if the build dies
A failed or interrupted build never touches `current`, so the previous index keeps serving.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from ..errors import BuildError, BuildLockedError

CURRENT = "current"
IDS = "ids.json"
MANIFEST = "manifest.json"
DOCUMENTS = "documents.jsonl"
OFFSETS = "documents.offsets.json"
VOCABULARY = "vocabulary.json"


def current_folder(root: str | Path) -> Path | None:
    """The build folder `current` points to, or None before the first build."""
    link = Path(root) / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    path = Path(root) / target
    return path if (path / MANIFEST).is_file() else None


class FolderDocuments:
    """A build folder's documents.jsonl, read by offset (documents.offsets.json: offset, length, title, counts,
    checksum, source of each)."""

    def __init__(self, build: Path) -> None:
        self.path = build / DOCUMENTS
        self._offsets: dict[str, list] = json.loads((build / OFFSETS).read_text())

    def entries(self) -> dict[str, list]:
        return {doc_id: entry[2:] for doc_id, entry in self._offsets.items()}

    def line(self, doc_id: str) -> bytes | None:
        entry = self._offsets.get(doc_id)
        if entry is None:
            return None
        with open(self.path, "rb") as f:
            f.seek(entry[0])
            return f.read(entry[1])

    def lines(self) -> Iterator[bytes]:
        with open(self.path, "rb") as f:
            yield from f


class FolderCatalog:
    """Builds as folders of `root`, their passages in the whoosh `engine`'s index inside each."""

    def __init__(self, root: Path, engine) -> None:
        self.root, self.engine = Path(root), engine
        self.where = str(root)

    @contextmanager
    def lock(self, wait: float = 0.0):
        root = self.root
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise BuildError(f"{root}: cannot create the index folder ({e.strerror or e})") from e
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
                        raise BuildLockedError(
                            f"{root}: another build is running; try again when it has finished"
                        ) from e
                    time.sleep(0.2)
            yield
        finally:
            handle.close()

    def for_reading(self) -> FolderCatalog:
        return self

    def current(self) -> Path | None:
        return current_folder(self.root)

    def manifest(self, build: Path) -> dict:
        return json.loads((build / MANIFEST).read_text())

    def begin(self) -> Path:
        build = self.root / f"build-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        build.mkdir(parents=True)
        self.engine.create(build)
        return build

    def writer(self, build: Path):
        return self.engine.writer(build)

    def commit(self, build: Path, parts: Sequence) -> None:
        self.engine.commit(build, parts)

    def write_documents(self, build: Path, records: Iterable, paths: Mapping[str, str]) -> None:
        offsets: dict[str, list] = {}
        with open(build / DOCUMENTS, "wb") as out:
            for record in records:
                offsets[record.doc_id] = [
                    out.tell(),
                    len(record.line),
                    record.title,
                    record.counts,
                    record.checksum,
                    record.source,
                ]
                out.write(record.line)
        (build / OFFSETS).write_text(json.dumps(offsets))
        (build / IDS).write_text(json.dumps(dict(paths), ensure_ascii=False))

    def documents(self, build: Path) -> FolderDocuments:
        return FolderDocuments(build)

    def ids(self, build: Path | None) -> dict[str, str]:
        try:
            return json.loads((build / IDS).read_text()) if build else {}
        except (OSError, ValueError):  # a build made before ids were kept
            return {}

    def write_vocabulary(self, build: Path, counts: Mapping[str, int]) -> None:
        (build / VOCABULARY).write_text(json.dumps(dict(sorted(counts.items())), ensure_ascii=False))

    def vocabulary(self, build: Path) -> dict[str, int]:
        try:
            return json.loads((build / VOCABULARY).read_text())
        except FileNotFoundError:
            return {}  # a build from before the vocabulary existed: no suggestions

    def publish(self, build: Path, manifest: dict) -> None:
        (build / MANIFEST).write_text(json.dumps(manifest))
        tmp = self.root / f".{CURRENT}.{os.getpid()}"
        if tmp.is_symlink():
            tmp.unlink()
        os.symlink(build.name, tmp)
        os.replace(tmp, self.root / CURRENT)  # atomic on POSIX: readers see the old or the new build, never neither

    def discard(self, build: Path) -> None:
        shutil.rmtree(build, ignore_errors=True)

    def prune(self, keep: set) -> None:
        for path in self.root.glob("build-*"):
            if path not in keep:
                shutil.rmtree(path, ignore_errors=True)

    def open(self, build: Path):
        return self.engine.open(build)
