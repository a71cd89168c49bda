"""Numbers in claims: durations and proportions read from a clause, and judged against a measure's accepted range.

A measure (`[[measures]]` in a topic's facts.toml) is a quantity the sources give: how long sperm survive, how
many known pregnancies end in miscarriage. A clause that names the measure's subject, one of its cues and a
quantity of its unit ("two to three days at most", "1 in 4", "5% or fewer") states a value; inside the accepted
range it is backed, outside it is wrong, and a value that straddles the range's edge is left alone.

    parse("Sperm last two to three days at most")   ->  [Quantity(2.0, 3.0, "duration")]     (in days)
    parse("about 1 in 4 known pregnancies")          ->  [Quantity(0.25, 0.25, "proportion")]

The words here are units and numbers, the same for every topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from ..language.text import stem, words
from .patterns import Pattern, one_need_each

_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "couple": 2,
    "a couple of": 2,
    "half a": 0.5,
    "a half": 0.5,
}
_DAYS = {"minute": 1 / 1440, "hour": 1 / 24, "day": 1, "week": 7, "month": 30.4, "year": 365}
_FRACTIONS = {
    "a quarter": 0.25,
    "one quarter": 0.25,
    "a third": 1 / 3,
    "one third": 1 / 3,
    "half": 0.5,
    "a half": 0.5,
    "one half": 0.5,
    "two thirds": 2 / 3,
    "three quarters": 0.75,
    "a fifth": 0.2,
    "one fifth": 0.2,
    "a tenth": 0.1,
    "one tenth": 0.1,
}

_NUM = r"(?:\d+(?:\.\d+)?|" + "|".join(sorted((re.escape(w) for w in _WORDS), key=len, reverse=True)) + r")"
_RANGE = rf"(?P<lo>{_NUM})(?:\s*(?:-|–|—|to|or)\s*(?P<hi>{_NUM}))?"
_DURATION = re.compile(
    rf"\b(?:between\s+)?{_RANGE}(?P<and_half>\s+and\s+a\s+half)?\s*-?\s*(?:(?:full|whole|entire|long|short)\s+)?"
    r"(?P<unit>minute|hour|day|week|month|year)s?\b"
    rf"(?P<and_half_after>\s+and\s+a\s+half)?",
    re.I,
)
_COUNT = r"(?:\d+|" + "|".join(w for w in _WORDS if " " not in w and w not in ("a", "an", "couple")) + r")"
# "dead within minutes", "in a matter of hours": a duration without a number, as its order of magnitude
_VAGUE_DURATION = re.compile(
    r"\b(?:within|in|after|for|last|lasts|only|just|about|survive|survives|live|lives)\s+(?:a\s+(?:few|matter\s+of)\s+|just\s+|only\s+|mere\s+)?(?P<unit>seconds|minutes|hours)\b",
    re.I,
)
_VAGUE_DAYS = {"seconds": 0.0001, "minutes": 0.01, "hours": 0.2}
_ONE_IN = re.compile(
    rf"\b(?P<lo>{_COUNT})[\s-]+in[\s-]+(?P<n>{_COUNT})"
    rf"(?:\s*(?:-|–|to|or)\s*(?P<lo2>{_COUNT})[\s-]+in[\s-]+(?P<n2>{_COUNT}))?\b",
    re.I,
)
_PERCENT = re.compile(
    r"\b(?P<lo>\d+(?:\.\d+)?)\s*(?:%|percent|per cent)?"
    r"(?:\s*(?:-|–|to|and)\s*(?P<hi>\d+(?:\.\d+)?))?\s*(?:%|percent|per cent)",
    re.I,
)
_FRACTION = re.compile(r"\b(?:" + "|".join(sorted(_FRACTIONS, key=len, reverse=True)) + r")\b", re.I)
_AT_MOST = re.compile(
    r"\b(?:up to|at most|no more than|not more than|less than|under|fewer than|as little as)\s*$", re.I
)
_AT_MOST_AFTER = re.compile(
    r"^\s*(?:at most|or fewer|or less|or under|tops|max(?:imum)?|(?:is|are) (?:the )?(?:most|longest|maximum))\b", re.I
)
_AT_LEAST = re.compile(r"\b(?:at least|more than|over|longer than|beyond)\s*$", re.I)
_AT_LEAST_AFTER = re.compile(r"^\s*(?:or more|or longer|plus|\+)", re.I)


# The features (see text.FeatureIndex: "=" and a stem, "#" for a number) of the numbers and units a quantity is
# stated with: a sentence whose features have none states no quantity (most sentences), which a checker producing
# them tells without a regex search over the text
QUANTITY_FEATURES = frozenset(
    {"#"}
    | {
        "=" + stem(word)
        for phrase in (*_WORDS, "half", "quarter", "third", "fifth", "tenth", *_DAYS, "seconds", "minutes", "hours")
        for word in words(phrase)
        if word not in ("a", "an", "of")
    }
)


@dataclass(frozen=True)
class Quantity:
    low: float
    high: float
    unit: str  # "duration" (in days) or "proportion" (0 to 1)
    start: int
    end: int
    open_ended: bool = False  # "more than two days", "5 days or longer": no upper value stated


def _number(word: str) -> float:
    word = word.lower().strip()
    return float(word) if word[0].isdigit() else float(_WORDS[word])


def parse(text: str) -> list[Quantity]:
    """Durations and proportions `text` states, left to right ("up to 5 days": 0 to 5; "5% or fewer": 0 to 0.05)."""
    found: list[Quantity] = []
    for m in _DURATION.finditer(text):
        lo, hi = _number(m["lo"]), _number(m["hi"]) if m["hi"] else None
        if m["and_half"] or m["and_half_after"]:
            lo, hi = (lo, hi + 0.5) if hi is not None else (lo + 0.5, None)
        per = _DAYS[m["unit"].lower()]
        found.append(_bounded(text, m, lo * per, (hi if hi is not None else lo) * per, "duration"))
    for m in _VAGUE_DURATION.finditer(text):
        value = _VAGUE_DAYS[m["unit"].lower()]
        found.append(Quantity(value, value, "duration", m.start(), m.end()))
    for m in _ONE_IN.finditer(text):
        lo = _number(m["lo"]) / _number(m["n"])
        hi = _number(m["lo2"]) / _number(m["n2"]) if m["lo2"] else lo
        found.append(_bounded(text, m, min(lo, hi), max(lo, hi), "proportion"))
    for m in _PERCENT.finditer(text):
        lo = float(m["lo"]) / 100
        hi = float(m["hi"]) / 100 if m["hi"] else lo
        found.append(_bounded(text, m, lo, hi, "proportion"))
    for m in _FRACTION.finditer(text):
        value = _FRACTIONS[m.group(0).lower()]
        if not re.match(r"\s*(?:a|an)\s+(?:day|hour|minute|week|month)", text[m.end() :], re.I):  # "half a day"
            found.append(_bounded(text, m, value, value, "proportion"))
    found.sort(key=lambda q: (q.start, -q.end))
    kept: list[Quantity] = []
    for q in found:
        if kept and q.start < kept[-1].end:
            continue
        kept.append(q)
    return kept


def _bounded(text: str, m: re.Match[str], low: float, high: float, unit: str) -> Quantity:
    before, after = text[: m.start()], text[m.end() :]
    if _AT_MOST.search(before) or _AT_MOST_AFTER.match(after):
        low = 0.0
    elif _AT_LEAST.search(before) or _AT_LEAST_AFTER.match(after):
        return Quantity(low, high, unit, m.start(), m.end(), open_ended=True)
    return Quantity(low, high, unit, m.start(), m.end())


def judge(quantity: Quantity, accepted: tuple[float, float], compare: str) -> str | None:
    """ "supported" when the stated value is inside `accepted`, "inaccurate" when outside, None when it straddles.

    `compare` is "high" for a measure whose claims state a maximum ("sperm survive up to five days": the largest
    value stated is compared), "low" for one whose claims state a minimum ("wait at least two months": the
    smallest, which an open-ended "at least" states too) and "range" for one whose claims state the value itself.
    """
    lo, hi = accepted
    if compare == "low":
        return "supported" if lo <= quantity.low <= hi else "inaccurate"
    if quantity.open_ended:
        return None
    if compare == "high":
        return "supported" if lo <= quantity.high <= hi else "inaccurate"
    if quantity.high < lo or quantity.low > hi:
        return "inaccurate"
    if lo <= quantity.low and quantity.high <= hi:
        return "supported"
    return None


# A measure's unit as written in facts.toml: the family a clause's quantity must have, and the factor to it.
UNITS = {
    "days": ("duration", 1.0),
    "hours": ("duration", 1 / 24),
    "weeks": ("duration", 7.0),
    "percent": ("proportion", 0.01),
    "proportion": ("proportion", 1.0),
}


@dataclass(frozen=True)
class Measure:
    """A quantity the sources give (`[[measures]]` in facts.toml), and how a clause stating it is judged."""

    id: str
    topic: str
    subject: str  # a concept id: the clause must name it
    cues: tuple[Pattern, ...]  # one must occur ("surviv*", "live*"); none: the subject and a number suffice
    unit: str  # "duration" or "proportion"
    accepted: tuple[float, float] | None  # in days or as a fraction; None: no figure is established
    compare: str  # "high" or "range" (see `judge`)
    statement: str
    reason: str
    sources: tuple
    supports: bool = True  # a value inside the range is `supported` (false: only a value outside gets a verdict)
    about_page: bool = False  # the subject may be named by the page's title or heading instead of the clause
    outside: str = "inaccurate"  # the status of a value outside the range ("unsupported": no source gives one)
    when: tuple[Pattern, ...] = ()
    unless: tuple[Pattern, ...] = ()
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    implied_by: tuple[Pattern, ...] = ()  # words that name the subject without its name ("before trying again")

    def patterns(self) -> list[Pattern]:
        return [*self.cues, *self.when, *self.unless, *self.implied_by]

    def about(self, line: str, feats) -> bool:
        """Whether the clause is this measure's case: a cue, its `when` (if any), none of its `unless`."""
        if self.cues and not any(p.occurs(line, feats) for p in self.cues):
            return False
        if self.when and not any(p.occurs(line, feats) for p in self.when):
            return False
        return not any(p.occurs(line, feats) for p in self.unless)

    @cached_property
    def cue_keys(self) -> frozenset[str] | None:
        """One need of each cue (`one_need_each`): a clause with none of these features has no cue, and is not the
        measure's case (`about`); None when a cue is an "a & b" pattern, always tried."""
        return one_need_each(self.cues)

    def verdict(self, text: str) -> tuple[str, Quantity] | None:
        """The status the first quantity of this measure's unit in `text` gets, with it (None: no verdict).

        A clause with more than two such quantities is a list or a table of figures ("Anemia 90% Nausea 90%
        Spontaneous abortion 7.5%"), whose numbers belong to other things: no verdict."""
        quantities = [q for q in parse(text) if q.unit == self.unit]
        if len(quantities) > 2:
            return None
        for quantity in quantities:
            if self.accepted is None:
                return self.outside, quantity
            status = judge(quantity, self.accepted, self.compare)
            if status == "inaccurate":
                status = self.outside
            if status == "supported" and not self.supports:
                return None
            return (status, quantity) if status else None
        return None
