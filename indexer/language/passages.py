"""Sentence splitting (NLTK Punkt, no downloaded data) and grouping sentences into passages.

A passage is 1-4 consecutive sentences of one paragraph inside one section; a heading starts a new section.
Offsets (start, end) point into the document's cleaned text, for the passage and for each of its sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..documents.loading import Document
from ..engine.nltk_import import sentence_tokenizer
from ..engine.pins import internals

MAX_SENTENCES = 4
TARGET_SENTENCES = 3
# Punkt stores abbreviations lower-case without the final full stop.
# fmt: off
ABBREVIATIONS = {
    "dr", "mr", "mrs", "ms", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "cf", "al", "fig", "no", "vol",
    "approx", "dept", "univ", "inc", "ltd", "co", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "m.d", "ph.d", "d.o", "r.n", "b.sc", "m.sc", "mph", "u.s", "u.k", "min", "max", "wk",
    "wks", "mo", "mos", "yr", "yrs", "hr", "hrs", "mg", "ml", "kg", "resp", "pp",
}
# fmt: on
_LIST_MARKER = re.compile(r"^\s*(?:\d{1,3}[.)]|[a-z][.)]|[-*\u2022])\s*$")
_WORDLIKE = re.compile(r"[^\W_]")  # a letter or digit


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Passage:
    id: str
    doc_id: str
    heading: str
    position: int
    start: int
    end: int
    sentences: tuple[Sentence, ...]


@lru_cache(maxsize=2)
def _tokenizer(fast: bool):
    return sentence_tokenizer(ABBREVIATIONS, fast)


def split_sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Sentences of one paragraph with offsets shifted by `offset`; list markers stay with their sentence, and
    what has no letter or digit (". . .", "* * *") is debris, not a sentence: it is left out, unchecked."""
    spans = list(_tokenizer(internals()).span_tokenize(text))
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and _LIST_MARKER.match(text[merged[-1][0] : merged[-1][1]]):
            merged[-1][1] = end  # "1." split off by Punkt belongs to the item that follows
        else:
            merged.append([start, end])
    return [Sentence(text[s:e], s + offset, e + offset) for s, e in merged if _WORDLIKE.search(text, s, e)]


def _chunks(sentences: list[Sentence]) -> list[list[Sentence]]:
    """Split a paragraph's sentences into balanced runs of at most MAX_SENTENCES (5 -> 3+2, 4 -> 4)."""
    if len(sentences) <= MAX_SENTENCES:
        return [sentences] if sentences else []
    count = -(-len(sentences) // TARGET_SENTENCES)
    size, extra = divmod(len(sentences), count)
    out, pos = [], 0
    for i in range(count):
        step = size + (i < extra)
        out.append(sentences[pos : pos + step])
        pos += step
    return out


def split_passages(doc: Document, claim_headings: frozenset[int] = frozenset()) -> list[Passage]:
    """The document's passages in reading order, numbered from 1 (ids are "<doc_id>.p<n>", anchors "p-<n>").

    A heading whose block starts at an offset in `claim_headings` (it makes a claim: "ICI, also known as IUI") is
    also a passage of its own section, so its claim is checked and shown like any other."""
    passages: list[Passage] = []
    heading = ""
    for block in doc.blocks:
        text = doc.text[block.start : block.end]
        if block.kind == "heading":
            heading = text
            if block.start not in claim_headings:
                continue
        for group in _chunks(split_sentences(text, block.start)):
            n = len(passages) + 1
            passages.append(Passage(f"{doc.id}.p{n}", doc.id, heading, n, group[0].start, group[-1].end, tuple(group)))
    return passages
