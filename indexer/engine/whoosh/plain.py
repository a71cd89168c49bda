"""The whoosh engine without internals: whoosh's own writer, fed by every build process.

Each process checks its documents and keeps its passages' fields in a part file under the build folder (`parts/`);
the parent then adds every part's passages, in order, with whoosh's `ix.writer()` and commits: one segment, as if
the documents had been indexed in one process. Only whoosh's public API: this is the path for a whoosh the
internals were not written for.
"""

from __future__ import annotations

import os
import pickle
import shutil
from itertools import count
from pathlib import Path

PARTS = "parts"
_numbers = count()


class PartWriter:
    """Keeps one process's passages' fields, in the order added, for `commit_parts`."""

    def __init__(self, build: Path) -> None:
        folder = build / PARTS
        folder.mkdir(exist_ok=True)
        self.path = folder / f"part-{os.getpid()}-{next(_numbers)}.pickle"
        self._file = open(self.path, "xb")
        self.documents = 0

    def add_document(self, **fields) -> None:
        pickle.dump(fields, self._file, pickle.HIGHEST_PROTOCOL)
        self.documents += 1

    def finish(self) -> str | None:
        """The part's file, or None if no passage was added."""
        self._file.close()
        if not self.documents:
            self.path.unlink()
            return None
        return str(self.path)

    def abandon(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)


def _fields(part: str):
    with open(part, "rb") as f:
        while True:
            try:
                yield pickle.load(f)
            except EOFError:
                return


def commit_parts(ix, build: Path, parts: list[str | None]) -> None:
    """Index every part's passages with whoosh's own writer, in the order given, and remove the parts."""
    writer = ix.writer()
    try:
        for part in parts:
            if part is not None:
                for fields in _fields(part):
                    writer.add_document(**fields)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    finally:
        shutil.rmtree(build / PARTS, ignore_errors=True)
