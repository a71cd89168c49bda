"""The per-build document store: each document's cleaned text and checks, one JSON line per document.

Read lazily by offset, so a web process holds only the offsets, not every document, in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .analysis import CheckedDocument

DOCUMENTS = "documents.jsonl"
OFFSETS = "documents.offsets.json"


@dataclass(frozen=True)
class StoreRecord:
    """One document as the store keeps it: its JSON line, and what the offsets file says about it."""

    doc_id: str
    title: str
    checksum: str
    counts: dict[str, int]
    line: bytes

    @classmethod
    def of(cls, doc: CheckedDocument) -> StoreRecord:
        line = json.dumps(doc.as_dict(), ensure_ascii=False).encode() + b"\n"
        return cls(doc.document.id, doc.document.title, doc.checksum, dict(doc.status_counts()), line)


def write_store(build: Path, records: Iterable[StoreRecord | CheckedDocument]) -> None:
    """Write the documents in the order given (records may be produced while the store is being written)."""
    offsets: dict[str, list] = {}
    with open(build / DOCUMENTS, "wb") as out:
        for record in records:
            if isinstance(record, CheckedDocument):
                record = StoreRecord.of(record)
            offsets[record.doc_id] = [out.tell(), len(record.line), record.title, record.counts, record.checksum]
            out.write(record.line)
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
        _, _, title, counts = self._offsets[doc_id][:4]
        return {"id": doc_id, "title": title, "statuses": counts}

    def checksum(self, doc_id: str) -> str | None:
        """The checksum of the document's source, without reading the document (None if unknown)."""
        entry = self._offsets.get(doc_id)
        return entry[4] if entry and len(entry) > 4 else None

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
