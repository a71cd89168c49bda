"""A document checked: its passages, each sentence's verdict, and each passage's status (the most severe)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..documents.loading import Block, Document
from ..knowledge.base import Source
from ..language.passages import split_passages
from .evidence import FLAGGED, QUESTION, Checker, SentenceCheck, most_severe, referent_from, with_lead


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
            "id": self.id,
            "doc_id": self.doc_id,
            "heading": self.heading,
            "position": self.position,
            "start": self.start,
            "end": self.end,
            "status": self.status,
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
            "id": doc.id,
            "path": doc.path,
            "title": doc.title,
            "text": doc.text,
            "checksum": doc.checksum,
            "blocks": [[b.kind, b.start, b.end] for b in doc.blocks],
            "passages": [p.as_dict() for p in self.passages],
        }

    @classmethod
    def from_dict(cls, data: dict) -> CheckedDocument:
        doc = Document(
            id=data["id"],
            path=data["path"],
            title=data["title"],
            text=data["text"],
            checksum=data["checksum"],
            blocks=tuple(Block(*b) for b in data["blocks"]),
        )
        return cls(doc, tuple(passage_from_dict(p) for p in data["passages"]))


def check_from_dict(data: dict) -> SentenceCheck:
    return SentenceCheck(
        text=data["sentence"],
        start=data["start"],
        end=data["end"],
        status=data["status"],
        rule=data["rule"],
        reason=data["reason"],
        correction=data["correction"],
        sources=tuple(Source("", s["publisher"], s["title"], s["url"]) for s in data["sources"]),
        topic=data.get("topic", ""),
    )


def passage_from_dict(data: dict) -> CheckedPassage:
    return CheckedPassage(
        id=data["id"],
        doc_id=data["doc_id"],
        heading=data["heading"],
        position=data["position"],
        start=data["start"],
        end=data["end"],
        checks=tuple(check_from_dict(s) for s in data["sentences"]),
    )


class VerdictCache:
    """Verdicts by sentence text, so a sentence repeated across a corpus (boilerplate, shared sections) is checked
    once. A check depends only on the sentence's text; offsets are filled in per use. Bounded: cleared when full."""

    def __init__(self, checker: Checker, size: int = 100_000) -> None:
        self.checker = checker
        self.size = size
        self._verdicts: dict[str, SentenceCheck] = {}
        # what a sentence tells of "It" after it, whatever came before (Checker.referent_of): repeated sentences too
        self._referents: dict[str, tuple[str | None, bool]] = {}
        self.hits = self.misses = 0

    def referent_after(self, text: str, referent: str = "") -> str:
        told = self._referents.get(text)
        if told is None:
            if len(self._referents) >= self.size:
                self._referents.clear()
            told = self._referents[text] = self.checker.referent_of(text)
        return referent_from(told, referent)

    def named_topics(self, text: str) -> str:
        return self.checker.named_topics(text)

    def check(
        self, text: str, start: int, end: int, referent: str = "", lead: str = "", about: str | None = None
    ) -> SentenceCheck:
        key = with_lead(lead, self.checker.resolve(text, referent))  # "It can help ..." depends on what came before
        key = text if key == text else f"{text}\0{key}"
        about = referent if about is None else about
        if about:  # advice reads as a claim on a page about conceiving ("Lie still for 20 minutes")
            key = f"{key}\0\0{about}"
        verdict = self._verdicts.get(key)
        if verdict is None:
            self.misses += 1
            if len(self._verdicts) >= self.size:
                self._verdicts.clear()
            verdict = self._verdicts[key] = self.checker.check(text, start, end, referent, lead, about)
        else:
            self.hits += 1
        return verdict if verdict.start == start and verdict.end == end else verdict.at(start, end)


def check_document(doc: Document, checker: Checker | VerdictCache | None = None) -> CheckedDocument:
    """Split `doc` into passages and check every sentence.

    An opening "It" or "This procedure" refers to what the sentences before named, else the section heading,
    else the title (see Checker.resolve); advice is read as a claim in a section or document about conceiving
    ("Lie still for 20 minutes" under "Home insemination"). A list item (a passage of one short sentence) after a
    lead-in ending with ":" ("Insemination can help if you have:") is read with it, as are the items after it. The
    answer to a question (a heading or the sentence before) is read with it: "Can stress cause a miscarriage?" +
    "Yes, ..." claims that it can; + "No, ..." denies it, and what the answer goes on to say is its own clause.
    """
    checker = checker or Checker()
    passages = []
    referent = checker.referent_after(doc.title) if doc.title else ""
    titled = checker.named_topics(doc.title)  # what the document is about, then each section too
    heading = None
    lead = ""
    question = doc.title if doc.title and QUESTION.search(doc.title) else ""  # "Can stress cause a miscarriage?"
    for p in split_passages(doc, _claim_headings(doc, checker, referent)):
        if p.heading != heading:
            heading = p.heading
            named = checker.referent_after(heading) if heading else ""
            referent = named or referent
            topic = " ".join(filter(None, (titled, checker.named_topics(heading))))
            lead = _lead_in(heading)
            if heading:  # a new section answers its own heading, if that asks
                question = heading if QUESTION.search(heading) else ""
        item = len(p.sentences) == 1 and len(p.sentences[0].text.split()) <= _ITEM_WORDS
        checks = []
        for s in p.sentences:
            about = f"{topic} {referent}" if referent else topic
            answered = _answered(question, s.text)
            lead_in = answered or (lead if item else "")
            checks.append(checker.check(s.text, s.start, s.end, referent, lead_in, about))
            referent = checker.referent_after(s.text, referent)
            question = s.text if QUESTION.search(s.text) else ""
        lead = _lead_in(p.sentences[-1].text) or (lead if item else "")
        passages.append(CheckedPassage(p.id, p.doc_id, p.heading, p.position, p.start, p.end, tuple(checks)))
    return CheckedDocument(doc, tuple(passages))


def _claim_headings(doc: Document, checker: Checker | VerdictCache, referent: str) -> frozenset[int]:
    """Where the headings that make a flagged claim start ("Why ICI is the same as IUI"): they are checked as
    passages. A heading that is a topic ("Causes of miscarriage") or a question stays a heading only."""
    flagged = set()
    for block in doc.blocks:
        if block.kind == "heading":
            text = doc.text[block.start : block.end]
            if checker.check(text, block.start, block.end, referent).status in FLAGGED:
                flagged.add(block.start)
    return frozenset(flagged)


_ITEM_WORDS = 15  # a list item is short: "being over 35", "you smoke or use drugs"
# Grammar words that answer a yes-or-no question (any topic): what the answer claims is the question's claim.
_YES = re.compile(
    r"^(?:yes|yep|yeah|absolutely|definitely|certainly|of course|it can|it does|they can|they do)\b", re.I
)
_NO = re.compile(
    r"^(?:no|nope|not really|not at all|it can't|it cannot|it can not|it doesn't|it does not|they don't|"
    r"they do not|they can't|they cannot)\b",
    re.I,
)


def _answered(question: str, answer: str) -> str:
    """The question an answer affirms or denies, as its lead-in ("Can stress cause a miscarriage" for "Yes, ...";
    "It is not true that ..." for "No, ..."), or "" when `answer` does not answer `question` yes or no."""
    if not question:
        return ""
    claim = question.strip().rstrip("?\"'\u201d) ").strip()
    # a clause of its own (";"), so that what the answer goes on to say is judged apart from the denial
    if _NO.match(answer):
        return f"It is not true that {claim};"
    return f"{claim};" if _YES.match(answer) else ""


def _lead_in(text: str) -> str:
    """The words a list's items complete ("Risk factors include:" -> "Risk factors include"), or ""."""
    text = text.rstrip()
    return text[:-1].rstrip() if text.endswith(":") and len(text) > 1 else ""
