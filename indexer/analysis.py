"""A document checked: its passages, each sentence's verdict, and each passage's status (the most severe)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .documents import Block, Document
from .evidence import Checker, SentenceCheck, most_severe
from .knowledge import Source
from .passages import split_passages


@dataclass(frozen=True)
class CheckedPassage:
    id: str
    doc_id: str
    heading: str
    position: int
    start: int
    end: int
    checks: tuple[SentenceCheck, ...]

    @property
    def status(self) -> str:
        return most_severe(c.status for c in self.checks)

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.topic for c in self.checks if c.topic))

    def as_dict(self) -> dict:
        return {
            "id": self.id, "doc_id": self.doc_id, "heading": self.heading, "position": self.position,
            "start": self.start, "end": self.end, "status": self.status,
            "sentences": [c.as_dict() for c in self.checks],
        }


@dataclass(frozen=True)
class CheckedDocument:
    document: Document
    passages: tuple[CheckedPassage, ...]

    @property
    def checksum(self) -> str:
        return self.document.checksum

    def status_counts(self) -> Counter:
        return Counter(c.status for p in self.passages for c in p.checks)

    def as_dict(self) -> dict:
        doc = self.document
        return {
            "id": doc.id, "path": doc.path, "title": doc.title, "text": doc.text, "checksum": doc.checksum,
            "blocks": [[b.kind, b.start, b.end] for b in doc.blocks],
            "passages": [p.as_dict() for p in self.passages],
        }

    @classmethod
    def from_dict(cls, data: dict) -> CheckedDocument:
        doc = Document(
            id=data["id"], path=data["path"], title=data["title"], text=data["text"], checksum=data["checksum"],
            blocks=tuple(Block(*b) for b in data["blocks"]),
        )
        return cls(doc, tuple(passage_from_dict(p) for p in data["passages"]))


def check_from_dict(data: dict) -> SentenceCheck:
    return SentenceCheck(
        text=data["sentence"], start=data["start"], end=data["end"], status=data["status"], rule=data["rule"],
        reason=data["reason"], correction=data["correction"],
        sources=tuple(Source("", s["publisher"], s["title"], s["url"]) for s in data["sources"]),
        topic=data.get("topic", ""),
    )


def passage_from_dict(data: dict) -> CheckedPassage:
    return CheckedPassage(
        id=data["id"], doc_id=data["doc_id"], heading=data["heading"], position=data["position"],
        start=data["start"], end=data["end"], checks=tuple(check_from_dict(s) for s in data["sentences"]),
    )


class VerdictCache:
    """Verdicts by sentence text, so a sentence repeated across a corpus (boilerplate, shared sections) is checked
    once. A check depends only on the sentence's text; offsets are filled in per use. Bounded: cleared when full."""

    def __init__(self, checker: Checker, size: int = 100_000) -> None:
        self.checker = checker
        self.size = size
        self._verdicts: dict[str, SentenceCheck] = {}
        self.hits = self.misses = 0

    def referent_after(self, text: str, referent: str = "") -> str:
        return self.checker.referent_after(text, referent)

    def check(self, text: str, start: int, end: int, referent: str = "") -> SentenceCheck:
        key = self.checker.resolve(text, referent)  # "It can help ..." depends on what came before
        key = text if key == text else f"{text}\0{key}"
        verdict = self._verdicts.get(key)
        if verdict is None:
            self.misses += 1
            if len(self._verdicts) >= self.size:
                self._verdicts.clear()
            verdict = self._verdicts[key] = self.checker.check(text, start, end, referent)
        else:
            self.hits += 1
        return verdict if verdict.start == start and verdict.end == end else verdict.at(start, end)


def check_document(doc: Document, checker: Checker | VerdictCache | None = None) -> CheckedDocument:
    """Split `doc` into passages and check every sentence.

    An opening "It" or "This procedure" refers to what the sentences before named, else the section heading,
    else the title (see Checker.resolve).
    """
    checker = checker or Checker()
    passages = []
    referent = checker.referent_after(doc.title) if doc.title else ""
    heading = None
    for p in split_passages(doc):
        if p.heading != heading:
            heading = p.heading
            referent = (checker.referent_after(heading) if heading else "") or referent
        checks = []
        for s in p.sentences:
            checks.append(checker.check(s.text, s.start, s.end, referent))
            referent = checker.referent_after(s.text, referent)
        passages.append(CheckedPassage(p.id, p.doc_id, p.heading, p.position, p.start, p.end, tuple(checks)))
    return CheckedDocument(doc, tuple(passages))
