"""How urgently a claim needs a person: a whole-number priority and the reasons for it, in plain words. No flask.

Computed at sync time from four things (points add up; the reasons say which applied):
    check-worthiness  the automatic status (inaccurate 60, unsupported 50, unverified 0); within a sentence, word
                      cues: numbers and statistics (+15), causal words (+12), benefit and treatment claims (+12),
                      advice and promises (+12); a description or definition ("X is a ...", "also called") -10
    harm              dosing or timing advice (+15: an error could hurt someone) above other treatment advice (+8)
                      above background facts (0)
    reach             the sentence's `repeats` across passages (up to +10) and how often its passage was shown in
                      search results, counted per passage only (up to +10)
The default queue holds flagged claims and unverified ones at or above THRESHOLD, except unverified statements of
a trusted publisher (TRUSTED_PUBLISHERS, applied when the queue is read, so changing it needs no new sync).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

THRESHOLD = 30  # the default queue's cut-off for unverified claims
_STATUS = {"inaccurate": (60, "automatically marked inaccurate"), "unsupported": (50, "automatically unsupported")}


_NON_WORD = re.compile(r"[^a-z0-9%]+")


@dataclass(frozen=True)
class _Cue:
    """Words (`word`), word beginnings (`stem*`) and phrases (`two words`), matched on whole words."""

    points: int
    reason: str
    words: frozenset[str]
    stems: tuple[str, ...]
    phrases: tuple[str, ...]

    @classmethod
    def of(cls, points: int, reason: str, spec: str) -> _Cue:
        entries = spec.split("|")
        return cls(
            points,
            reason,
            frozenset(e for e in entries if " " not in e and not e.endswith("*")),
            tuple(f" {e[:-1]}" for e in entries if e.endswith("*")),
            tuple(f" {e} " for e in entries if " " in e),
        )

    def found(self, words: set[str], padded: str) -> bool:
        """Whether the sentence (its words, and its lower-cased words joined by single spaces) has this cue."""
        found_in = padded.__contains__
        return not self.words.isdisjoint(words) or any(map(found_in, self.stems)) or any(map(found_in, self.phrases))


# Each cue counts once, however often it matches; the check-worthy ones add up.
_CUES = (
    _Cue.of(
        15,
        "states a number or statistic",
        "0*|1*|2*|3*|4*|5*|6*|7*|8*|9*|%|percent|per cent|half|twice|times|one in|out of|rate|rates|risk of|odds",
    ),
    _Cue.of(
        12,
        "says what causes or prevents what",
        "caus*|lead to|leads to|led to|result in|results in|due to"
        "|because|trigger*|increase the risk|increases the risk|raises the risk|reduce|reduces|lower|lowers"
        "|prevent|prevents|protect|protects",
    ),
    _Cue.of(
        12,
        "a claim about a treatment or its benefit",
        "cure|cures|cured|treat*|therap*|heal*|reliev*"
        "|effective|improve|improves|benefit|benefits|works|medicine|medicines|medication|medications|drug"
        "|drugs|surgery|vaccin*|supplement|supplements",
    ),
    _Cue.of(
        12,
        "gives advice or makes a promise",
        "should|must|never|always|avoid|recommend*|guarantee*|proven|safe|completely|permanently|best|only way|no need",
    ),
)
_HARM = (  # the first that matches, only
    _Cue.of(
        15,
        "dosing or timing advice: an error could hurt someone",
        "mg|mcg|dose|doses|dosage|tablet|tablets"
        "|pill|pills|daily|a day|times a day|times a week|hour|hours|injection|injections|stop taking"
        "|start taking",
    ),
    _Cue.of(8, "treatment advice", "take|taking|use|apply|inject*|consult|see a doctor"),
)
_NAMING = _Cue.of(
    0,
    "",
    "refers to|refer to|also called|also known as|known as|is characterized by"
    "|are characterized by|is defined by|is a type of|are a group of",
)
_COPULA = re.compile(r" (?:is|are) (?:a|an|the) ")


def _definition(words: set[str], padded: str) -> bool:
    """ "X is a ...", "X are the ..." near the start, or a naming phrase anywhere."""
    return bool(_COPULA.search(padded, 0, 80)) or _NAMING.found(words, padded)


@dataclass(frozen=True)
class Priority:
    score: int
    reasons: tuple[str, ...]


def _reach(count: int, cap: int, per_doubling: int) -> int:
    return min(cap, round(per_doubling * math.log2(count))) if count > 1 else 0


def priority(sentence: str, auto_status: str, repeats: int = 1, shown: int = 0) -> Priority:
    """The claim's priority (higher first) and why, from its sentence, automatic status, repeats and exposure."""
    padded = f" {_NON_WORD.sub(' ', sentence.lower())} "
    words = set(padded.split())
    score, reasons = 0, []
    if auto_status in _STATUS:
        points, reason = _STATUS[auto_status]
        score += points
        reasons.append(reason)
    cues = [cue for cue in _CUES if cue.found(words, padded)]
    harm = next((cue for cue in _HARM if cue.found(words, padded)), None)
    for cue in (*cues, harm) if harm else cues:
        score += cue.points
        reasons.append(cue.reason)
    if not cues and _definition(words, padded):
        score -= 10
        reasons.append("a description or definition")
    if points := _reach(repeats, 10, 4):
        score += points
        reasons.append(f"repeated in {repeats} passages")
    if points := _reach(shown + 1, 10, 2):
        score += points
        reasons.append(f"its passage was shown {shown} times in search results")
    return Priority(max(score, 0), tuple(reasons))
