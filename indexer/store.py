"""The per-build document store: each document's cleaned text and checks, one JSON line per document.

Read lazily by offset, so a web process holds only the offsets, not every document, in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from .analysis import CheckedDocument

DOCUMENTS = "documents.jsonl"
OFFSETS = "documents.offsets.json"


def write_store(build: Path, docs: Iterable[CheckedDocument]) -> None:
    offsets: dict[str, list] = {}
    with open(build / DOCUMENTS, "wb") as out:
        for doc in docs:
            line = json.dumps(doc.as_dict(), ensure_ascii=False).encode() + b"\n"
            counts = doc.status_counts()
            offsets[doc.document.id] = [out.tell(), len(line), doc.document.title, dict(counts)]
            out.write(line)
    (build / OFFSETS).write_text(json.dumps(offsets))


class DocumentStore:
    """Read access to one build's documents."""

    def __init__(self, build: Path) -> None:
        self.path = build / DOCUMENTS
        self._offsets: dict[str, list] = json.loads((build / OFFSETS).read_text())

    def __len__(self) -> int:
        return len(self._offsets)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._offsets

    def ids(self) -> list[str]:
        return list(self._offsets)

    def summary(self, doc_id: str) -> dict:
        """Title and sentence counts per status, without reading the document."""
        _, _, title, counts = self._offsets[doc_id]
        return {"id": doc_id, "title": title, "statuses": counts}

    def get(self, doc_id: str) -> CheckedDocument | None:
        entry = self._offsets.get(doc_id)
        if entry is None:
            return None
        with open(self.path, "rb") as f:
            f.seek(entry[0])
            return CheckedDocument.from_dict(json.loads(f.read(entry[1])))

    def all(self) -> Iterator[CheckedDocument]:
        with open(self.path, "rb") as f:
            for line in f:
                yield CheckedDocument.from_dict(json.loads(line))
