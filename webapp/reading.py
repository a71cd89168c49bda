"""The data behind the document page and /api/v1/documents/<id>: the cleaned text cut into headings, passages
and sentences, each checked sentence numbered so its explanation can sit in a list of notes below the text.

A document is shown a page of PASSAGES_PER_PAGE passages at a time (`?page=`), so that a request's work and size
stay bounded whatever the document's length; `passage_url` links a passage's anchor (#p-N) on the right page.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from flask import url_for

from indexer import STATUSES, CheckedDocument, CheckedPassage, NotFoundError, SentenceCheck

from .library import get_library
from .params import Param, Params
from .plugins import overlay_document

EXPLAINED = ("inaccurate", "unsupported", "supported")  # statuses that come with a reason and sources
PASSAGES_PER_PAGE = 100
MAX_PAGES = 100_000
DOCUMENT_PARAMS = Params(
    Param(
        "page",
        f"Page of the document, {PASSAGES_PER_PAGE} passages each, from 1.",
        "integer",
        default=1,
        maximum=MAX_PAGES,
    )
)


def page_of(position: int) -> int:
    """The document page that holds the passage at `position` (numbered from 1)."""
    return max(0, position - 1) // PASSAGES_PER_PAGE + 1


def passage_url(doc_id: str, position: int, _external: bool = False, **args: Any) -> str:
    """The passage's anchor on the document page that shows it; `args` go in the query string."""
    page = page_of(position)
    return url_for(
        "pages.document",
        doc_id=doc_id,
        page=page if page > 1 else None,
        _anchor=f"p-{position}",
        _external=_external,
        **args,
    )


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
    parts: tuple[PassageView | Segment, ...] = ()  # passages and the text between them (a claim heading: its own)
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Note:
    number: int
    check: SentenceCheck
    anchor: str  # the passage it belongs to


@dataclass(frozen=True)
class DocumentView:
    checked: CheckedDocument  # this page's passages, the plugins' overlay (reviewers' decisions) applied
    blocks: tuple[BlockView, ...]
    notes: tuple[Note, ...]
    summary: dict[str, int]  # sentences per status in the whole document
    page: int = 1
    pages: int = 1
    passage_count: int = 0
    span: tuple[int, int] = (0, 0)  # the part of the text this page shows

    def page_url(self, page: int, **args: Any) -> str:
        return url_for("pages.document", doc_id=self.checked.document.id, page=page if page > 1 else None, **args)

    def as_dict(self) -> dict[str, Any]:
        doc = self.checked.document
        start, end = self.span
        return {
            "id": doc.id,
            "title": doc.title,
            "url": url_for("pages.document", doc_id=doc.id),
            "source": doc.source.as_dict(),
            "page": self.page,
            "pages": self.pages,
            "per_page": PASSAGES_PER_PAGE,
            "passage_count": self.passage_count,
            "summary": self.summary,
            "offset": start,
            "text": doc.text[start:end],
            "blocks": [{"kind": b.kind, "start": b.start, "end": b.end} for b in self.blocks],
            "passages": [
                {
                    **p.as_dict(),
                    "anchor": f"p-{p.position}",
                    "url": passage_url(doc.id, p.position),
                    "api_url": url_for("api.passage", passage_id=p.id),
                }
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


def _paragraph(text: str, start: int, end: int, passages: list[CheckedPassage], notes: list[Note]) -> BlockView:
    """The paragraph text[start:end] with the passages that begin in it marked in place."""
    parts: list[PassageView | Segment] = []
    pos = start
    for passage in passages:
        if passage.start > pos:
            parts.append(Segment(text[pos : passage.start]))
        parts.append(_passage_view(text, passage, notes))
        pos = max(pos, passage.end)
    if pos < end:
        parts.append(Segment(text[pos:end]))
    return BlockView("paragraph", "", tuple(parts), start, end)


def document_view(checked: CheckedDocument, span: tuple[int, int]) -> tuple[tuple[BlockView, ...], tuple[Note, ...]]:
    """The blocks of text[span] (clipped to it), with each paragraph's passages and sentences in reading order."""
    text, (lo, hi) = checked.document.text, span
    passages = sorted(checked.passages, key=lambda p: p.start)
    starts = [p.start for p in passages]
    blocks = checked.document.blocks
    first = bisect_left([b.end for b in blocks], lo + 1)  # blocks are in reading order: skip those before the span
    notes: list[Note] = []
    views = []
    for block in blocks[first:]:
        if block.start >= hi:
            break
        start, end = max(block.start, lo), min(block.end, hi)
        inside = passages[bisect_left(starts, start) : bisect_left(starts, end)]
        if block.kind == "heading":  # a heading that makes a claim is a passage too, shown with its label
            parts = _paragraph(text, start, end, inside, notes).parts if inside else ()
            views.append(BlockView("heading", text[start:end], parts, start, end))
            continue
        views.append(_paragraph(text, start, end, inside, notes))
    return tuple(views), tuple(notes)


def _summary(passages) -> dict[str, int]:
    counts = Counter(c.status for p in passages for c in p.checks)
    return {status: counts.get(status, 0) for status in STATUSES}


def find_document(doc_id: str, page: int = 1) -> DocumentView:
    """One page of the document; NotFound naming `doc_id` (no such document) or `page` (past its last page).

    The plugins' overlay (reviewers' decisions) is applied to this page's passages; the summary counts the whole
    document, overlaid when it fits on one page (the automatic checks otherwise: deciding is per sentence).
    """
    checked = get_library().document(doc_id)
    if checked is None:
        raise NotFoundError(f"there is no document {doc_id[:80]!r} in the index", "doc_id")
    passages = sorted(checked.passages, key=lambda p: p.start)
    pages = max(1, -(-len(passages) // PASSAGES_PER_PAGE))
    if page > pages:
        raise NotFoundError(f"the document has {pages} page{'s' if pages != 1 else ''} of passages", "page")
    chunk = passages[(page - 1) * PASSAGES_PER_PAGE : page * PASSAGES_PER_PAGE]
    reviewed = overlay_document(replace(checked, passages=tuple(chunk)))
    lo = chunk[0].start if page > 1 else 0
    hi = passages[page * PASSAGES_PER_PAGE].start if page < pages else len(checked.document.text)
    blocks, notes = document_view(reviewed, (lo, hi))
    summary = _summary(reviewed.passages if pages == 1 else checked.passages)
    return DocumentView(reviewed, blocks, notes, summary, page, pages, len(passages), (lo, hi))
