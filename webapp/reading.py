"""The data behind the document page and /api/v1/documents/<id>: the cleaned text cut into headings, passages
and sentences, each checked sentence numbered so its explanation can sit in a list of notes below the text."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from flask import url_for

from indexer import STATUSES, CheckedDocument, CheckedPassage, SentenceCheck

from .errors import NotFoundError
from .library import get_library
from .review.web import reviewed_document

EXPLAINED = ("inaccurate", "unsupported", "supported")  # statuses that come with a reason and sources


@dataclass(frozen=True)
class Segment:
    text: str
    check: SentenceCheck | None = None  # None: white space or text between sentences
    note: int = 0  # number of its explanation in the notes list (0: none)


@dataclass(frozen=True)
class PassageView:
    passage: CheckedPassage
    segments: tuple[Segment, ...]

    @property
    def anchor(self) -> str:
        return f"p-{self.passage.position}"


@dataclass(frozen=True)
class BlockView:
    kind: str  # "heading" or "paragraph"
    text: str  # headings: their text
    parts: tuple[PassageView | Segment, ...] = ()  # paragraphs: passages and the text between them


@dataclass(frozen=True)
class Note:
    number: int
    check: SentenceCheck
    anchor: str  # the passage it belongs to


@dataclass(frozen=True)
class DocumentView:
    checked: CheckedDocument
    blocks: tuple[BlockView, ...]
    notes: tuple[Note, ...]

    @property
    def summary(self) -> dict[str, int]:
        counts = Counter(c.status for p in self.checked.passages for c in p.checks)
        return {status: counts.get(status, 0) for status in STATUSES}

    def as_dict(self) -> dict[str, Any]:
        doc = self.checked.document
        return {
            "id": doc.id, "title": doc.title, "url": url_for("pages.document", doc_id=doc.id),
            "summary": self.summary, "text": doc.text,
            "blocks": [{"kind": b.kind, "start": b.start, "end": b.end} for b in doc.blocks],
            "passages": [
                {**p.as_dict(), "anchor": f"p-{p.position}",
                 "api_url": url_for("api.passage", passage_id=p.id)}
                for p in self.checked.passages
            ],
        }


def _passage_view(text: str, passage: CheckedPassage, notes: list[Note]) -> PassageView:
    segments, pos = [], passage.start
    for check in passage.checks:
        if check.start > pos:
            segments.append(Segment(text[pos : check.start]))
        number = 0
        if check.status in EXPLAINED:
            number = len(notes) + 1
            notes.append(Note(number, check, f"p-{passage.position}"))
        segments.append(Segment(text[check.start : check.end], check, number))
        pos = max(pos, check.end)
    if pos < passage.end:
        segments.append(Segment(text[pos : passage.end]))
    return PassageView(passage, tuple(segments))


def document_view(checked: CheckedDocument) -> DocumentView:
    """Every block of the document, with each paragraph's passages and sentences in reading order."""
    text = checked.document.text
    notes: list[Note] = []
    blocks = []
    passages = sorted(checked.passages, key=lambda p: p.start)
    i = 0  # blocks and passages are both in reading order: walk them together
    for block in checked.document.blocks:
        if block.kind == "heading":
            blocks.append(BlockView("heading", text[block.start : block.end]))
            continue
        parts: list[PassageView | Segment] = []
        pos = block.start
        while i < len(passages) and passages[i].start < block.end:
            passage = passages[i]
            i += 1
            if passage.start < block.start:
                continue
            if passage.start > pos:
                parts.append(Segment(text[pos : passage.start]))
            parts.append(_passage_view(text, passage, notes))
            pos = max(pos, passage.end)
        if pos < block.end:
            parts.append(Segment(text[pos : block.end]))
        blocks.append(BlockView("paragraph", "", tuple(parts)))
    return DocumentView(checked, tuple(blocks), tuple(notes))


def find_document(doc_id: str) -> DocumentView:
    """The document page's data; NotFound naming `doc_id` when the index has no such document."""
    checked = reviewed_document(get_library().document(doc_id))
    if checked is None:
        raise NotFoundError(f"there is no document {doc_id[:80]!r} in the index", "doc_id")
    return document_view(checked)
