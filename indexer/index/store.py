"""The per-build document store: each document's cleaned text and checks, one JSON line per document.

Read lazily by offset, so a web process holds only the offsets, not every document, in memory. The offsets
file also holds each document's title, counts, checksum and provenance (`source`), so results and lists need not
read the documents.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..checking.analysis import CheckedDocument
from ..documents.provenance import Provenance

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
    source: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: CheckedDocument) -> StoreRecord:
        source = doc.document.source.as_dict()
        line = json.dumps({**doc.as_dict(), "source": source}, ensure_ascii=False).encode() + b"\n"
        return cls(doc.document.id, doc.document.title, doc.checksum, dict(doc.status_counts()), line, source)


def write_store(build: Path, records: Iterable[StoreRecord | CheckedDocument]) -> None:
    """Write the documents in the order given (records may be produced while the store is being written)."""
    offsets: dict[str, list] = {}
    with open(build / DOCUMENTS, "wb") as out:
        for record in records:
            if isinstance(record, CheckedDocument):
                record = StoreRecord.of(record)
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
        """Title, sentence counts per status and provenance, without reading the document."""
        _, _, title, counts = self._offsets[doc_id][:4]
        return {"id": doc_id, "title": title, "statuses": counts, "source": self.source(doc_id).as_dict()}

    def source(self, doc_id: str) -> Provenance:
        """Where the document was first published, without reading it (empty if unknown)."""
        entry = self._offsets.get(doc_id)
        return Provenance.from_dict(entry[5]) if entry and len(entry) > 5 else Provenance()

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
            return _checked(json.loads(f.read(entry[1])))

    def all(self) -> Iterator[CheckedDocument]:
        with open(self.path, "rb") as f:
            for line in f:
                yield _checked(json.loads(line))


def _checked(data: dict) -> CheckedDocument:
    checked = CheckedDocument.from_dict(data)
    source = Provenance.from_dict(data.get("source"))
    return replace(checked, document=replace(checked.document, source=source)) if source else checked
