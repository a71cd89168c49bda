"""The per-build document store: each document's cleaned text and checks, one JSON line per document.

The catalog keeps the lines (a file read by offset in a build folder, a table in PostgreSQL) with each document's
title, counts, checksum and provenance (`source`), so results and lists need not read the documents; a web process
holds only those, not every document, in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..checking.analysis import CheckedDocument
from ..documents.provenance import Provenance
from ..engine.folder import FolderDocuments
from ..engine.interface import DocumentSource


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


class DocumentStore:
    """Read access to one build's documents (a catalog's `documents(build)`, or a build folder)."""

    def __init__(self, source: DocumentSource | Path) -> None:
        self._source = FolderDocuments(source) if isinstance(source, Path) else source
        self._entries: dict[str, list] = self._source.entries()  # title, counts, checksum, source

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._entries

    def ids(self) -> list[str]:
        return list(self._entries)

    def summary(self, doc_id: str) -> dict:
        """Title, sentence counts per status and provenance, without reading the document."""
        title, counts = self._entries[doc_id][:2]
        return {"id": doc_id, "title": title, "statuses": counts, "source": self.source(doc_id).as_dict()}

    def source(self, doc_id: str) -> Provenance:
        """Where the document was first published, without reading it (empty if unknown)."""
        entry = self._entries.get(doc_id)
        return Provenance.from_dict(entry[3]) if entry and len(entry) > 3 else Provenance()

    def checksum(self, doc_id: str) -> str | None:
        """The checksum of the document's source, without reading the document (None if unknown)."""
        entry = self._entries.get(doc_id)
        return entry[2] if entry and len(entry) > 2 else None

    def get(self, doc_id: str) -> CheckedDocument | None:
        if doc_id not in self._entries:
            return None
        line = self._source.line(doc_id)
        return _checked(json.loads(line)) if line is not None else None

    def all(self) -> Iterator[CheckedDocument]:
        for line in self._source.lines():
            yield _checked(json.loads(line))


def _checked(data: dict) -> CheckedDocument:
    checked = CheckedDocument.from_dict(data)
    source = Provenance.from_dict(data.get("source"))
    return replace(checked, document=replace(checked.document, source=source)) if source else checked
