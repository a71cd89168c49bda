"""Checking sentences against the knowledge base: each sentence gets one evidence status and its explanation.

Topic rules (specific facts) outrank generic detectors (vague attribution, promises); among the rules that match,
the most severe status wins. A rule does not fire when a negation or contrast cue sits inside or just before its
match ("ICI, unlike IUI, ..."), when the sentence is correcting a myth, or (for `needs_no_citation` rules) when the
sentence names a checkable source. A topic rule's claim that is denied that way states the fact instead, and the
sentence is `supported` by the rule's sources ("ICI does not place sperm in the uterus"). Questions assert nothing.

Speed matters (a corpus is checked sentence by sentence): each pattern lists tokens it cannot match without, an
index from those tokens to patterns picks the few candidate patterns of a sentence, and only the regexes of those
whose every required token the sentence has run.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..knowledge.base import KnowledgeBase, Rule, Source, default_knowledge_base
from ..knowledge.patterns import Pattern, Span, cost, split_needs
from ..language.text import FeatureIndex

SEVERITY = {"inaccurate": 4, "unsupported": 3, "unverified": 2, "supported": 1, "no_claim": 0}
FLAGGED = ("inaccurate", "unsupported")
_NEGATION_LOOKBACK = 3  # words before a match (and after the last clause break) that can still deny it
# A source a reader can look up: a link, a DOI or PMID, authors ("et al", "Smith (2019)"). A bare year or a journal
# name is not enough: "a 2019 review in Human Reproduction Update found ..." names nothing anyone can find.
_CHECKABLE_CITATION = re.compile(
    r"https?://|\bwww\.|\b(?i:doi)\b|\b(?i:et al)\b|\bPMID\b|\b[A-Z][a-z]+(?: and [A-Z][a-z]+)?,? \(?(?:19|20)\d\d\)"
)
# Idioms with a negative word that deny nothing: "not only X but also Y" asserts X.
_NOT_DENIALS = re.compile(
    r" (?:not onli|not just|not simpli|no matter|no doubt|no wonder|(?:not|n't) (?:entir |complet |total |altogeth )?"
    r"(?:wrong|untru|a myth|fals))(?= )"
)
# A double negative affirms: "isn't entirely wrong", "not a myth" (on the claim line: stemmed, "n't" apart).
_NOT_WRONG = re.compile(r" (?:not|n't) (?:entir |complet |total |altogeth |all )?(?:wrong|untru|a myth|fals)(?= )")
_PREPARED_KEPT = 16  # sentences and clauses whose reading is kept: one sentence's worth, and its neighbour's
_INTERJECTION = re.compile(r"^\s*(?:no|nope|yes|yep|yeah)\s*[,:.!\u2013\u2014-]+\s+(?=\S)", re.I)
# A sentence that asks: it asserts nothing itself (its yes-or-no answer may take its claim: see analysis).
QUESTION = re.compile(r"\?[\s\"'\u201d)]*$")
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

    def at(self, start: int, end: int) -> SentenceCheck:
        """The same verdict at other offsets (`dataclasses.replace`, without its per-call look at the fields)."""
        return SentenceCheck(
            self.text, start, end, self.status, self.rule, self.reason, self.correction, self.sources, self.topic
        )

    def as_dict(self) -> dict:
        return {
            "sentence": self.text,
            "start": self.start,
            "end": self.end,
            "status": self.status,
            "rule": self.rule,
            "reason": self.reason,
            "correction": self.correction,
            "sources": [s.as_dict() for s in self.sources],
            "topic": self.topic,
        }


def with_lead(lead: str, item: str) -> str:
    """A list item read with its lead-in: "Risk factors include" + "Smoking" -> "Risk factors include smoking";
    a lead-in naming things by what they do makes the item their subject: "Things that won't cause a
    miscarriage include" + "Stress" -> "Stress won't cause a miscarriage"."""
    if not lead:
        return item
    relative = _RELATIVE_LEAD.match(lead)
    if relative:
        return f"{item} {_LEAD_TAIL.sub('', relative['rest'])}"
    first = item[:1].lower() if item[1:2].islower() else item[:1]  # "Smoking" -> "smoking"; "ICI" stays
    return f"{lead} {first}{item[1:]}"


# Grammar words, the same for every topic: "<things> that <do something> (include)".
_RELATIVE_LEAD = re.compile(r"^(?:(?:the|some|other|common|main)\s+)?\w+\s+(?:that|which|who)\s+(?P<rest>.+)$", re.I)
_LEAD_TAIL = re.compile(r"\s+(?:include|includes|including|are|is|such as|like)$", re.I)


def referent_from(told: tuple[str | None, bool], referent: str) -> str:
    """The referent after a sentence, from what it tells (`Checker.referent_of`) and the referent before it."""
    named, anaphoric = told
    if named is not None:
        return named
    return referent if referent and anaphoric else ""


def most_severe(statuses) -> str:
    """The most severe of `statuses` ("no_claim" for none)."""
    return max(statuses, key=SEVERITY.__getitem__, default="no_claim")


def _window_before(line: str, start: int, tokens: int) -> int:
    """Where the words that can deny a match at `start` begin: a few words back, not past a clause break."""
    pos = start
    for _ in range(tokens + 1):
        found = line.rfind(" ", 0, pos - 1)
        if found < 0:
            return 0
        if line[found + 1] in ",;:(-" and found + 1 < start:  # "While there is no guarantee, ICI ..."
            return pos
        pos = found + 1
    return pos


@dataclass(frozen=True)
class Verdict:
    """A rule that fired on a sentence, and the status it gives (its own, or `supported` when denied)."""

    rule: Rule
    status: str


class Checker:
    """Checks sentences against one knowledge base."""

    def __init__(self, kb: KnowledgeBase | None = None) -> None:
        self.kb = kb or default_knowledge_base()
        order = sorted(self.kb.rules, key=lambda r: (r.kind != "topic", -SEVERITY[r.status]))
        self._rules: tuple[Rule, ...] = tuple(r for r in order if not r.only_unchecked)
        # Judged only when nothing else covers the sentence (`check`): "Research shows X" against an unchecked X.
        self._unchecked_rules: tuple[Rule, ...] = tuple(r for r in order if r.only_unchecked)
        # Every rule's patterns in rule order, each indexed by the features of its least common need: numbered so
        # that sorting candidates restores the order rules are judged in. Each entry holds what `Pattern.possible`
        # tests, split (features all needed, needs one of whose features is), and the pattern if it has choices.
        self._patterns: list[tuple[int, Pattern]] = []
        index: dict[str, list[tuple]] = defaultdict(list)
        for number, rule in enumerate(self._rules):
            for pattern in rule.patterns:
                entry = (len(self._patterns), *split_needs(pattern.needs), pattern if pattern.choices else None)
                for feature in min(pattern.needs, key=cost):
                    index[feature].append(entry)
                self._patterns.append((number, pattern))
        self._index = {feature: tuple(entries) for feature, entries in index.items()}
        self._index_keys = frozenset(self._index)
        patterns = [p for r in order for p in (*r.patterns, *r.unless, *r.context)]
        patterns += list(self.kb.special.values())
        self._reader = self.kb.reader
        if self._reader is not None:
            patterns += self._reader.patterns()
        used = frozenset().union(*(p.features() for p in patterns))
        self._features = FeatureIndex(used | self._reader.features if self._reader is not None else used)
        self._prepared: dict[str, tuple[str, set[str]]] = {}
        self._abouts: dict[str, tuple[str, set[str]]] = {}

    def prepare(self, sentence: str) -> tuple[str, set[str]]:
        """The sentence as rules see it: its token line and its features (the last few are kept: `check` reads a
        sentence, its clauses and the sentence again, and the document reader reads it once more)."""
        found = self._prepared.get(sentence)
        if found is None:
            if len(self._prepared) >= _PREPARED_KEPT:
                self._prepared.clear()
            found = self._prepared[sentence] = self._features.read(sentence)
        return found

    def _names_a_source(self, text: str, line: str, feats) -> bool:
        """Whether the sentence names a source a reader can look up (a link, DOI, authors, a named authority)."""
        return _CHECKABLE_CITATION.search(text) is not None or self._any("citation", line, feats)

    def _debunks(self, line: str, feats) -> bool:
        """Whether the sentence corrects a myth ("It is a myth that ..."), and does not take the correction back
        ("'Just relax' isn't entirely wrong: calm does help")."""
        return self._any("debunk", line, feats) and not _NOT_WRONG.search(line)

    def _relay(self, line: str, feats) -> str | None:
        """How the sentence relays its claim: "voice" when a particular voice relays it as true (a belief cue after
        discourse.voices: "my acupuncturist claims that ..."; a flagging rule then judges it as stated), "report"
        when it is relayed without taking a side (terms.toml's `report` phrases: "Many people believe ...", "Some
        sites claim that ..."), else None."""
        if self._reader is not None:
            padded = " " + line + " "
            discourse = self._reader.discourse
            if discourse.belief.regex.search(padded) and discourse.relayed(padded):
                return "voice"
        report = self.kb.special.get("report")
        return "report" if report is not None and report.occurs(line, feats) else None

    def _any(self, concept: str, line: str, feats) -> bool:
        return self.kb.special[concept].occurs(line, feats)

    def _candidates(self, feats: set[str]) -> list[int]:
        """Numbers of the patterns a sentence with `feats` may match (`Pattern.possible`), in rule order."""
        keys = self._index_keys.intersection(feats)
        if not keys:
            return []  # most sentences
        found: set[int] = set()
        index = self._index
        for feature in keys:
            for number, words, either, choosy in index[feature]:
                if number in found or not words <= feats:
                    continue
                for need in either:
                    if need.isdisjoint(feats):
                        break
                else:
                    if choosy is None or choosy.possible(feats):
                        found.add(number)
        return sorted(found)

    def _narrowed(self, whole: list[int], feats: set[str], part_feats: set[str]) -> list[int] | None:
        """A clause's candidates (`_candidates`) from its sentence's, `whole`: a clause with no feature its sentence
        lacks may match only patterns the sentence may (`Pattern.possible` only gains by more features). None: the
        clause has other features (not ASCII), and its candidates are looked up."""
        if not part_feats <= feats:
            return None
        return [number for number in whole if self._patterns[number][1].possible(part_feats)]

    def _denied(self, rule: Rule, line: str, match: re.Match[str] | Span, feats, debunked: bool | None) -> bool:
        """True when a negation (or, for a flagging rule, a contrast or a debunking cue) takes back the match."""
        if isinstance(match, Span):  # "a & b" parts may sit anywhere, so may what denies them
            window = line
        else:
            window = line[_window_before(line, match.start(), _NEGATION_LOOKBACK) : match.end()]
        window = _NOT_DENIALS.sub(" ", " " + window.lstrip())
        cues = self.kb.special["negation"].regex.search(window)
        if rule.status == "supported":
            return cues is not None
        return (
            cues is not None
            or self.kb.special["contrast"].regex.search(window) is not None
            or (self._debunks(line, feats) if debunked is None else debunked)
            or self._denied_before(line, match.start())
        )

    def _denied_before(self, line: str, start: int) -> bool:
        """Whether a denial of a whole statement (discourse.denial_before, then "that": "research has not found that
        ...", "there is no evidence that ...") stands before offset `start`, beyond the few words a negation may
        stand. Without "that" it may deny something else ("While there is no guarantee of success with ICI, it has
        shown promising results ...")."""
        if self._reader is None:
            return False
        before = " " + line[:start].strip() + " "
        found = self._reader.discourse.denial_before.regex.search(before)
        return found is not None and " that " in before[found.start() :]

    def _verdict(
        self, rule: Rule, match: re.Match[str] | Span, line: str, feats, raw: str, debunked: bool | None = None
    ) -> Verdict | None:
        """What `rule` says of the sentence, given its first pattern's match (None when an exception holds, or when
        a supported verdict would cover only part of what the clause names: see `_beyond`)."""
        if any(p.occurs(line, feats) for p in rule.unless):
            return None
        if rule.context and not any(p.occurs(line, feats) for p in rule.context):
            return None
        relay = self._relay(line, feats)
        if rule.negation_veto and self._denied(rule, line, match, feats, debunked):
            status = rule.negated_status
        elif relay is not None and (rule.status == "supported" or relay == "report"):
            # a relayed claim gets no green check (it is the voice's, not what we found), and one relayed without
            # taking a side ("Some websites claim that ICI is IUI") is neither endorsed nor corrected
            return None
        elif rule.needs_no_citation and self._names_a_source(raw, line, feats):
            return None
        else:
            status = rule.status
        if not status or (status == "supported" and self._beyond(match, line, feats)):
            return None  # a true fragment lends the rest of the clause no green check
        return Verdict(rule, status)

    def verdicts(self, sentence: str) -> list[Verdict]:
        """Every rule that fires on `sentence` with the status it gives, topic rules first, most severe first."""
        return self._verdicts(sentence, *self.prepare(sentence))

    def _verdicts(
        self, sentence: str, line: str, feats: set[str], debunked: bool | None = None, candidates: list | None = None
    ) -> list[Verdict]:
        out = []
        judged = -1  # a rule is judged on the first of its patterns that matches, and only on that one
        for number in self._candidates(feats) if candidates is None else candidates:
            rule_number, pattern = self._patterns[number]
            if rule_number == judged:
                continue
            match = pattern.find(line)
            if match is None:
                continue
            judged = rule_number
            verdict = self._verdict(self._rules[rule_number], match, line, feats, sentence, debunked)
            if verdict is not None:
                out.append(verdict)
        return out

    def _beyond(self, match: re.Match[str] | Span, line: str, feats) -> bool:
        """Whether the clause names who the claim is for, a concept of a `discourse.rules_cover_kinds` kind (a
        condition) after an indication cue (`discourse.indications`: "for", "with", "if ... had"), outside what a rule
        about none matched: "Home ICI is also the smart move for guys with a low count" is not backed by "ICI can
        be done at home", so a true fragment lends the clause no green check."""
        reader = self._reader
        if reader is None or not reader.discourse.rules_cover_kinds or reader.discourse.indications is None:
            return False
        start, end = match.start(), match.end()
        named = [m for m in reader.mentions(line, feats) if m.concept.kind in reader.discourse.rules_cover_kinds]
        if any(start <= m.start < end for m in named):
            return False
        outside = [m for m in named if (m.end <= start or m.start >= end) and not reader.dated(line, m)]
        return any(reader.indicated(line, m) for m in outside)

    def matching_rules(self, sentence: str) -> list[Rule]:
        """Every rule whose claim `sentence` makes (not denied), topic rules first, most severe first; an
        `only_unchecked` rule last, when it decides the sentence."""
        rules = [v.rule for v in self.verdicts(sentence) if v.status == v.rule.status]
        decided = self.check(sentence).rule
        return rules + [r for r in self._unchecked_rules if r.id == decided]

    def resolve(self, sentence: str, referent: str = "") -> str:
        """`sentence` as the rules read it: an opening "It"/"This procedure" replaced by `referent`, if any.

        The anaphors are the knowledge base's (relations.toml: discourse.anaphors); without them, none.
        """
        if referent and self._reader is not None:
            match = self._reader.discourse.anaphor.match(sentence)
            if match:
                return sentence[: match.start("anaphor")] + referent + sentence[match.end("anaphor") :]
        return sentence

    def referent_after(self, sentence: str, referent: str = "") -> str:
        """What "It" in the next sentence refers to: the first concept this sentence names that may be referred to
        (`referent = true` in its concepts.toml), or, if the sentence itself opened with "It", what that was."""
        return referent_from(self.referent_of(sentence), referent)

    def referent_of(self, sentence: str) -> tuple[str | None, bool]:
        """What `sentence` tells of the referent after it, whatever came before: the name of the first concept it
        names that may be referred to (None: none), and, when it names none, whether it opens with "It"."""
        if self._reader is None:
            return None, False
        named = self._reader.referent(*self.prepare(sentence))
        if named is not None:
            return named.label.split(" (")[0], False  # "intracervical insemination (ICI)": the name, not the aside
        return None, self._reader.discourse.anaphor.match(sentence) is not None

    def named_topics(self, text: str) -> str:
        """The concepts a title or heading names, as words ("miscarriage intracervical insemination"): what the
        document or section is about, for `check`'s `about`. Few titles repeat across a corpus: not kept."""
        if self._reader is None or not text:
            return ""
        labels = dict.fromkeys(m.concept.label.split(" (")[0] for m in self._reader.mentions(*self.prepare(text)))
        return " ".join(labels)

    def check(
        self,
        sentence: str,
        start: int = 0,
        end: int | None = None,
        referent: str = "",
        lead: str = "",
        about: str | None = None,
    ) -> SentenceCheck:
        """The verdict on one sentence (read with `referent`, see `resolve`, and for a list item with its `lead`-in:
        "Insemination can help if you have" + "recurrent miscarriage"); `about` is what its section or document is
        about (see `judge`; default: the referent). Never raises on any text."""
        end = start + len(sentence) if end is None else end
        if QUESTION.search(sentence):
            return SentenceCheck(sentence, start, end, "no_claim")
        # an answer's opening "No," or "Yes," is an interjection, not a denial of what follows
        text = with_lead(lead, self.resolve(_INTERJECTION.sub("", sentence), referent))
        best, clauses = self._judge(text, referent if about is None else about, every_clause=False)
        if best is None:
            if self.is_claim(text) or any(c.readings for c in clauses):
                best = self.unchecked_verdict(text, clauses, referent if about is None else about)
                if best is None:
                    return SentenceCheck(sentence, start, end, "unverified", reason=UNVERIFIED_REASON)
            else:
                return SentenceCheck(sentence, start, end, "no_claim")
        return SentenceCheck(
            sentence, start, end, best.status, best.id, best.reason, best.correction, best.sources, best.topic
        )

    def judge(self, text: str, about: str = "") -> tuple[Candidate | None, list[Clause]]:
        """The deciding verdict on `text` (None: nothing checkable matched) and each clause's reading of it;
        `about` is what the document is about (a referent: "intracervical insemination"), in which the context of
        advice may stand ("Lie still for 20 minutes" on a page about insemination).

        Each clause is judged on its own (a denial in one does not cover the next); rules whose patterns span a
        clause break are matched on the whole sentence too. A `supported` verdict stands only when every clause
        that makes a claim (a relation read, or medical and claim words) is backed; otherwise the sentence is
        `unverified`: a green check is never lent to a claim nothing checked.
        """
        return self._judge(text, about, every_clause=True)

    def _judge(self, text: str, about: str, every_clause: bool) -> tuple[Candidate | None, list[Clause]]:
        """`judge`; without `every_clause`, the clauses of a sentence nothing was found in are left out."""
        line, feats = self.prepare(text)
        whole = self._candidates(feats)
        if whole == [] and (self._reader is None or self._reader.reads_nothing(line, feats)):
            # most sentences: no rule pattern it may match, no concept named, no number, and so none in any of its
            # clauses either (an ASCII clause's tokens are some of its sentence's): what the loop below would make
            # of it, without the loop, and for `check`, without cutting the sentence into clauses
            if not every_clause and text.isascii():
                return None, []
            parts = self.clauses(text)
            if len(parts) == 1:
                return None, [Clause(text, (), (), False)]
        else:
            parts = self.clauses(text)
        candidates = whole if len(parts) == 1 else None
        # whether the sentence corrects a myth ("... but that is wrong"), for every clause; a single clause
        # leaves it to the rules, which look only when one matches
        debunked = self._debunks(line, feats) if len(parts) > 1 else None
        clauses: list[Clause] = []
        pool: list[Candidate] = []
        if len(parts) > 1:
            pool += _topic_first(self._verdicts(text, line, feats, debunked, whole), [])
        carried = None
        contexts = ((line, feats), self._about(about)) if about else ((line, feats),)
        for number, part in enumerate(parts):
            part_line, part_feats = (line, feats) if len(parts) == 1 else self.prepare(part)
            # "IUI alone doesn't work; it has to be ...": the facts read "it" as the clause before's subject (the
            # pattern rules read the clause as written: they were not written for a name in place of "it")
            resolved = self.resolve(part, carried.label.split(" (")[0]) if number and carried is not None else part
            read = (part_line, part_feats) if resolved == part else self.prepare(resolved)
            findings, readings, carried = self._read_relations(
                resolved, *read, carried, debunked, contexts, clauses[-1].readings if clauses else ()
            )
            among = candidates if candidates is not None else self._narrowed(whole, feats, part_feats)
            verdicts = self._verdicts(part, part_line, part_feats, debunked, among)
            if findings and not verdicts and self._reader.uncovered(part_line, part_feats, readings, findings):
                # the facts back what was read, and the clause names a condition none of it is about ("... a
                # syringe at home can be the answer" for unexplained infertility): the rest is unchecked
                findings = [f for f in findings if f.status != "supported"]
            found = _topic_first(verdicts, findings)
            # in a sentence of several clauses, one naming a procedure or condition states something of it ("...,
            # because both are simply IUI done in different places") even without the claim words
            claims = bool(readings) or (
                len(parts) > 1
                and (
                    (self._any("medical", part_line, part_feats) and self._any("claim", part_line, part_feats))
                    or (self._reader is not None and self._reader.uncovered(part_line, part_feats, (), ()))
                )
            )
            clauses.append(Clause(part, tuple(found), tuple(readings), claims))
            pool += found
        if not pool:
            return None, clauses
        best = max(pool, key=lambda c: SEVERITY[c.status])  # stable: the first of the most severe
        # a rule matched on the whole sentence and in no single clause states a claim across the break ("People
        # confuse ICI with IUI, but the two place sperm in different places"): it backs every clause
        spans = best.id not in {c.id for clause in clauses for c in clause.found}
        if best.status == "supported" and not spans and any(c.claims and not c.found for c in clauses):
            return None, clauses  # one claim is backed, another is not: the sentence as a whole is unverified
        return best, clauses

    def unchecked_verdict(self, text: str, clauses: list[Clause] | tuple = (), about: str = "") -> Candidate | None:
        """What the `only_unchecked` rules say of a claim no fact or topic rule judged (None: nothing).

        Only for a sentence on a topic the facts cover (it, or what its page or section is about, `about`, names a
        concept of a `topic_kinds` kind: "Experts agree that fertility drops at 35" on a page on insemination): there a
        claim their sources do not back is unsupported; on another topic we cannot say what the sources back. In a
        sentence of several `clauses`, what a rule matched must also lie in a clause nothing judged: "... have been
        shown to reduce sperm motility" is backed by a fact, and the unbacked ", so couples ... may want to avoid
        them" after it leans on nobody.
        """
        line, feats = self.prepare(text)
        if self._reader is None or not (self._reader.on_topic(line, feats) or self._on_topic_page(about)):
            return None
        unjudged = [self.prepare(c.text) for c in clauses if not c.found] if len(clauses) > 1 else None
        for rule in self._unchecked_rules:
            for pattern in rule.patterns:
                match = pattern.possible(feats) and pattern.find(line)
                if not match:
                    continue
                if unjudged is not None and not any(pattern.find(part) for part, _ in unjudged):
                    continue  # what it leans on is in a clause a fact or rule judged
                verdict = self._verdict(rule, match, line, feats, text)
                if verdict is not None and verdict.status == rule.status:
                    return _topic_first([verdict], [])[0]
                break  # as before: a rule's first matching pattern decides it
        return None

    def _on_topic_page(self, about: str) -> bool:
        """Whether what the page or section is about (`about`: concept names) is a topic the facts cover."""
        return bool(about) and self._reader is not None and self._reader.on_topic(*self._about(about))

    def is_claim(self, text: str) -> bool:
        """Whether `text` makes a checkable medical claim (health vocabulary and a claim predicate)."""
        line, feats = self.prepare(text)
        return self._any("medical", line, feats) and self._any("claim", line, feats)

    def clauses(self, text: str) -> list[str]:
        """`text` cut where one clause ends and the next begins ("..., but ...", ";"); one part if none."""
        if self._reader is None or not self._reader.discourse.may_break(text):
            return [text]
        parts = [p.strip(" ,") for p in self._reader.discourse.clause_breaks.split(text)]
        parts = [p for p in parts if p and any(ch.isalnum() for ch in p)]
        return parts if len(parts) > 1 else [text]

    def _about(self, referent: str) -> tuple[str, set[str]]:
        """A referent's claim line and features (few distinct referents: kept)."""
        found = self._abouts.get(referent)
        if found is None:
            if len(self._abouts) >= 4096:  # bounded: a corpus of many topics does not grow it without end
                self._abouts.clear()
            found = self._abouts[referent] = self._features.read(referent)
        return found

    def _read_relations(
        self, text: str, line: str, feats, carried, debunked: bool | None, contexts: tuple, before: tuple = ()
    ):
        """Findings of the facts on the relations a clause states (or, in a clause that only repeats it of another
        subject, what the clause `before` claimed); the subject the next clause may carry on."""
        if self._reader is None:
            return [], [], None
        readings = self._reader.read(line, feats, carried, contexts) or self._reader.elided(line, feats, list(before))
        findings = []
        judged = self._reader.judge(readings, line, feats)
        if any(f.status in FLAGGED for f in judged) and debunked is None:
            debunked = self._debunks(line, feats)
        for finding in judged:
            if finding.status == "unsupported" and self._names_a_source(text, line, feats):
                continue  # "no good evidence" is not ours to say against a study the sentence names
            # "It is a myth that ...", "... is mistakenly called ...": the writer corrects the claim
            # (a claim read from the clause before is this clause's: "It's a myth that stress causes it, but
            # lifting can" debunks the first only)
            status = (
                "supported"
                if debunked
                and finding.reading.mode != "denied"
                and finding.status in FLAGGED
                and not finding.reading.elided
                else finding.status
            )
            fact = finding.fact
            correction = finding.correction if status == "inaccurate" else ""
            reason = fact.reason if status != "supported" else fact.statement
            findings.append(Candidate(status, fact.id, reason, correction, fact.sources, fact.topic))
        for measure, status in self._reader.measured(text, line, feats, contexts):
            if status == "unsupported" and self._names_a_source(text, line, feats):
                continue  # a figure from a study the sentence names is not ours to call unsupported
            correction = measure.statement if status == "inaccurate" else ""
            reason = measure.reason if status in FLAGGED else measure.statement
            findings.append(Candidate(status, measure.id, reason, correction, measure.sources, measure.topic))
        reader = self._reader
        subject = (
            next((r.subject.concept for r in readings), None)
            or reader.referent(line, feats)
            or reader.subject_named(line, feats)
            or carried
        )
        return findings, readings, subject


@dataclass(frozen=True)
class Candidate:
    """A verdict a rule or a fact gives a clause."""

    status: str
    id: str
    reason: str
    correction: str
    sources: tuple[Source, ...]
    topic: str


@dataclass(frozen=True)
class Clause:
    """One clause of a sentence: its text, the verdicts rules and facts give it, and the relations read in it."""

    text: str
    found: tuple[Candidate, ...]
    readings: tuple  # of relations.Reading
    claims: bool = False  # it makes a medical claim (a relation read, or claim words): unbacked, it is unverified


def _topic_first(verdicts: list[Verdict], findings: list[Candidate]) -> list[Candidate]:
    """Topic rules and facts outrank generic detectors: those count only when nothing specific matched."""
    topic = [v for v in verdicts if v.rule.kind == "topic"]
    chosen = topic or verdicts  # a fact about one relation does not vouch for a promise or a vague citation
    out = []
    for v in chosen:
        rule = v.rule
        correction = rule.correction if v.status == "inaccurate" else ""
        out.append(Candidate(v.status, rule.id, rule.reason, correction, rule.sources, rule.topic))
    return out + findings
