"""Checking sentences against the knowledge base: each sentence gets one evidence status and its explanation.

Topic rules (specific facts) outrank generic detectors (vague attribution, promises); among the rules that match,
the most severe status wins. A rule does not fire when a negation or contrast cue sits inside or just before its
match ("ICI, unlike IUI, ..."), when the sentence is correcting a myth, or (for `needs_no_citation` rules) when the
sentence names a checkable source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .knowledge import KnowledgeBase, Rule, Source, default_knowledge_base
from .text import stemmed_line

SEVERITY = {"inaccurate": 4, "unsupported": 3, "unverified": 2, "supported": 1, "no_claim": 0}
FLAGGED = ("inaccurate", "unsupported")
_NEGATION_LOOKBACK = 3  # tokens before a match that can still negate it ("is not ...", "it is a myth that")
_CHECKABLE_CITATION = re.compile(r"\b(?:19|20)\d\d\b|https?://|\bwww\.|\bdoi\b|\bet al\b|\bPMID\b", re.I)
UNVERIFIED_REASON = (
    "This is a medical claim that our knowledge base does not cover yet. It is not marked right or wrong; "
    "a reviewer will check it."
)


@dataclass(frozen=True)
class SentenceCheck:
    """One sentence, where it sits in the cleaned document, and the verdict on it."""

    text: str
    start: int
    end: int
    status: str
    rule: str = ""
    reason: str = ""
    correction: str = ""
    sources: tuple[Source, ...] = field(default_factory=tuple)
    topic: str = ""

    def as_dict(self) -> dict:
        return {
            "sentence": self.text, "start": self.start, "end": self.end, "status": self.status,
            "rule": self.rule, "reason": self.reason, "correction": self.correction,
            "sources": [s.as_dict() for s in self.sources], "topic": self.topic,
        }


def most_severe(statuses) -> str:
    """The most severe of `statuses` ("no_claim" for none)."""
    return max(statuses, key=SEVERITY.__getitem__, default="no_claim")


def _window_before(line: str, start: int, tokens: int) -> int:
    pos = start
    for _ in range(tokens + 1):
        found = line.rfind(" ", 0, pos - 1)
        if found < 0:
            return 0
        pos = found + 1
    return pos


class Checker:
    """Checks sentences against one knowledge base."""

    def __init__(self, kb: KnowledgeBase | None = None) -> None:
        self.kb = kb or default_knowledge_base()
        order = sorted(self.kb.rules, key=lambda r: (r.kind != "topic", -SEVERITY[r.status]))
        self._rules: tuple[Rule, ...] = tuple(order)

    def _any(self, concept: str, text: str) -> bool:
        return any(p.search(text) for p in self.kb.special[concept])

    def _fires(self, rule: Rule, line: str, raw: str) -> bool:
        match = next((m for p in rule.patterns if (m := p.search(line))), None)
        if match is None or any(p.search(line) for p in rule.unless):
            return False
        if rule.negation_veto:
            window = line[_window_before(line, match.start(), _NEGATION_LOOKBACK) : match.end()]
            window = window.replace(" not onli ", " onli ")  # "not only X but also Y" asserts X
            if self._any("negation", " " + window.lstrip()):
                return False
            if rule.status != "supported" and self._any("debunk", line):
                return False
        if rule.needs_no_citation and (_CHECKABLE_CITATION.search(raw) or self._any("citation", line)):
            return False
        return True

    def matching_rules(self, sentence: str) -> list[Rule]:
        """Every rule that fires on `sentence`, topic rules first, most severe first."""
        line = stemmed_line(sentence)
        return [rule for rule in self._rules if self._fires(rule, line, sentence)]

    def check(self, sentence: str, start: int = 0, end: int | None = None) -> SentenceCheck:
        """The verdict on one sentence; never raises on any text."""
        end = start + len(sentence) if end is None else end
        fired = self.matching_rules(sentence)
        specific = [r for r in fired if r.kind == "topic"] or fired
        if specific:
            rule = max(specific, key=lambda r: SEVERITY[r.status])  # stable: first of the most severe
            return SentenceCheck(
                sentence, start, end, rule.status, rule.id, rule.reason, rule.correction, rule.sources, rule.topic
            )
        line = stemmed_line(sentence)
        if self._any("medical", line) and self._any("claim", line):
            return SentenceCheck(sentence, start, end, "unverified", reason=UNVERIFIED_REASON)
        return SentenceCheck(sentence, start, end, "no_claim")
