"""What a clause's claims are made of: the concepts a topic names, the relations sentences state between them, the
facts that judge them, the discourse cues that change what a clause asserts, and what reading a clause gives
(mentions, readings, findings). `relations.RelationReader` reads and judges; `facts` loads these from the knowledge
files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from .patterns import Pattern


@dataclass(frozen=True)
class Concept:
    id: str
    topic: str
    kind: str
    label: str
    names: Pattern
    facts_from: tuple[str, ...] = ()
    referent: bool = False
    weak: bool = False  # a subject only when the clause names no other


@dataclass(frozen=True)
class Relation:
    id: str
    description: str
    subjects: frozenset[str]
    objects: frozenset[str]
    cues: tuple[Pattern, ...]
    passive: tuple[Pattern, ...]
    breaks: tuple[Pattern, ...]
    denials: tuple[Pattern, ...]
    window: int
    warnings: tuple[Pattern, ...] = ()
    openings: tuple[Pattern, ...] = ()  # a unary relation (no objects) stated by an imperative
    hedged_claims: bool = False  # "may help": a hedged benefit still claims the benefit
    context: tuple[Pattern, ...] = ()  # one must occur in the sentence ("lie still" on a page about conceiving)
    after: tuple[Pattern, ...] = ()  # right after the object: "conceive faster", "make getting pregnant difficult"
    avoided: tuple[Pattern, ...] = ()  # between, when the subject is to be avoided: "avoid lifting *so* it implants"
    closings: tuple[Pattern, ...] = ()  # after a subject named last: "For implantation, pineapple *helps*."
    enumerations: tuple[Pattern, ...] = ()  # before the object, its kinds listed after: "two kinds of X, A and B"
    recipients: tuple[Pattern, ...] = ()  # "offered to *women after* two miscarriages": who, not when
    unnamed: tuple[Pattern, ...] = ()  # the object left unsaid: "lying still helps you relax, *which can only help*"
    unnamed_context: tuple[Pattern, ...] = ()  # in the sentence or page: what the unsaid object is about

    @property
    def unary(self) -> bool:
        return not self.objects


@dataclass(frozen=True)
class Fact:
    id: str
    topic: str
    subject: str
    relation: str
    object: str | None
    truth: str
    statement: str
    reason: str
    sources: tuple  # of knowledge.Source
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    unless: tuple[Pattern, ...] = ()  # the fact does not judge a clause holding one of these
    when: tuple[Pattern, ...] = ()  # the fact judges only a clause holding one of these (none: any clause)
    hedged_claims: bool = False  # unestablished, and "may" still claims it (as a relation's hedged_claims)

    def about(self, line: str, feats) -> bool:
        """Whether the clause `line` is the case this fact is about (its `when` holds, or it has none)."""
        return not self.when or any(p.occurs(line, feats) for p in self.when)

    def excepted(self, line: str, feats) -> bool:
        """Whether the clause holds one of the fact's exceptions (`unless`): then no fact judges it."""
        return any(p.occurs(line, feats) for p in self.unless)


@dataclass(frozen=True)
class Discourse:
    denial: Pattern
    denial_before: Pattern
    not_denials: Pattern | None
    hedge: Pattern
    belief: Pattern
    contrast: Pattern
    modifiers: Pattern | None
    time_modifiers: Pattern | None
    clause_breaks: re.Pattern[str]
    anaphor: re.Pattern[str]
    break_marks: tuple[str, ...] = ()  # characters one of which every clause break holds (a cheap test first)
    topic_kinds: frozenset[str] = frozenset()  # concept kinds that put a sentence on a topic the facts cover
    covered_kinds: frozenset[str] = frozenset()  # kinds a supported clause must read every mention of
    rules_cover_kinds: frozenset[str] = frozenset()  # kinds a rule's supported verdict must cover (or name none)
    denial_after: tuple[Pattern, ...] = ()  # right after the last concept: "the washing *is not necessary*"
    indications: Pattern | None = None  # before a condition: who a claim is for ("for guys with a low count")
    hindrances: Pattern | None = None  # "stop you from": the "from" before the object does not date it
    avoidance: Pattern | None = None  # before a subject: the reader is told to avoid it ("avoid", "cut out")
    voices: Pattern | None = None  # before a belief cue: a particular voice relaying the claim ("my acupuncturist")
    ellipses: tuple[Pattern, ...] = ()  # after a clause's only subject: "..., but heavy lifting *definitely can*"
    past_beliefs: Pattern | None = None  # a belief given up ("used to"): no voice makes it a claim

    def relayed(self, before: str) -> bool:
        """Whether the words `before` a claim relay it in a particular voice as true ("Dr Blake claims that",
        "celebrity nutritionist Poppy Vane said that"), not as a belief given up ("doctors used to think")."""
        if self.voices is None or not self.voices.regex.search(before):
            return False
        return self.past_beliefs is None or not self.past_beliefs.regex.search(before)

    def may_break(self, text: str) -> bool:
        """False when `text` cannot hold a clause break (most sentences: the regex need not run)."""
        if not self.break_marks:
            return True
        return self._marks.search(text.lower()) is not None

    @cached_property
    def _marks(self) -> re.Pattern[str]:
        return re.compile("|".join(re.escape(mark) for mark in self.break_marks))


@dataclass(frozen=True)
class Mention:
    concept: Concept
    start: int  # character offsets in the claim line
    end: int


@dataclass(frozen=True)
class Reading:
    """One relation a clause states: subject, relation, object, and how the clause states it."""

    relation: Relation
    subject: Mention
    object: Mention
    mode: str  # "asserted", "denied", "hedged", "belief", "relayed" or "warning"
    unnamed: bool = False  # the object is left unsaid (then `object` is the subject, as for a unary relation)
    elided: bool = False  # read from the clause before ("..., but lifting can"): its words are not this clause's

    def describe(self) -> str:
        obj = "" if self.relation.unary else " (something unnamed)" if self.unnamed else f" {self.object.concept.label}"
        return f"{self.subject.concept.label} {self.relation.id}{obj} ({self.mode})"


@dataclass(frozen=True)
class Finding:
    """A reading judged by a fact: the status it gives the clause."""

    reading: Reading
    fact: Fact
    status: str

    @property
    def correction(self) -> str:
        return self.fact.statement if self.status == "inaccurate" else ""
