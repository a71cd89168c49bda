"""Claims read as relations between concepts, and judged against the knowledge base's facts.

A clause (see `evidence.clauses`) is read on its claim line (`text.claim_tokens`): first the concepts it mentions
(the longest name wins where names overlap: "home insemination kit" over "insemination"), then, for each relation
whose subject and object kinds it mentions, which subject each object belongs to:

- the nearest subject before the object, unless a contrast cue stands just before it ("ICI, unlike IUI, places
  sperm at the cervix": the cervix belongs to ICI); or one right after the object ("the uterus (IUI)");
- for relations with cues, one of them must stand between the two ("ICI *is also known as* IUI"); passive cues read
  the object-first form ("miscarriage *caused by* stress");
- a relation's breaks end its reach ("sperm swim *through* the cervix").

Each reading is asserted, denied ("not", or "there is no evidence that" before it), hedged ("may"), reported as a
belief ("many people think"), relayed as true by a particular voice ("my acupuncturist claims that") or a
warning ("... can bring on cramps"). A fact on the same subject, relation and
object (or on concepts they take their facts from: syringe insemination from home insemination) judges it:

    fact true        asserted or hedged: supported     denied: inaccurate (the statement is the correction)
    fact false       asserted or hedged: inaccurate    denied: supported
    unestablished    asserted: unsupported             denied: supported
                     hedged: unsupported for a relation or fact with `hedged_claims` (benefits), else no verdict
    relayed          fact false: inaccurate; unestablished: unsupported; true: no verdict
    (a warning or a reported belief: no verdict from any fact; nor a fact whose `unless` the clause holds)

The topic words are data (relations.toml, <topic>/concepts.toml); the few grammar words below (negations just
before an object, relative pronouns, joining words) are the same for every topic.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict

from .claims import Concept, Discourse, Fact, Finding, Mention, Reading, Relation
from .patterns import Pattern, cost, one_need_each, split_needs
from .quantities import QUANTITY_FEATURES, Measure

_VERDICTS = {
    ("true", "asserted"): "supported",
    ("true", "hedged"): "supported",
    ("true", "denied"): "inaccurate",
    ("false", "asserted"): "inaccurate",
    ("false", "hedged"): "inaccurate",
    ("false", "denied"): "supported",
    ("unestablished", "asserted"): "unsupported",
    ("unestablished", "hedged"): "unsupported",  # "may help" still offers an unproven benefit
    ("unestablished", "denied"): "supported",
    # a particular voice relaying the claim as true ("my acupuncturist claims that ..."): a wrong or unproven claim
    # is flagged; a true one gets no green check from us (it is the voice's, not backed by our reading of it)
    ("false", "relayed"): "inaccurate",
    ("unestablished", "relayed"): "unsupported",
}
_CONTRAST_REACH = 16  # characters before a mention in which a contrast cue makes it the contrast ("unlike IUI")
_HINDRANCE_REACH = 48  # characters before an object in which a hindrance governs it ("prevent the embryo from")
_MENTIONS_KEPT = 16  # lines whose mentions are kept: a sentence, its clauses and what the page is about
_AFTER_REACH = 3  # tokens after an object in which a subject may stand ("the uterus (IUI)")
# What may stand before a subject that opens its clause ("*Also* legs up the wall for 20 minutes"): grammar words
_OPENING = re.compile(r"(?:(?:also|and|then|plus|next|after that|afterward|final|finally|now)\s*)?")
# An opening phrase of time before an instruction, on a claim line (stemmed words, the comma a token): "After
# using the kit, lie back ..." is an instruction as "Lie back ..." is.
_TIME_OPENING = re.compile(
    r" (?:after|befor|onc|when|then|afterward|next|as soon as|immedi after|straight after|right after|follow)"
    r"\b[^,;]{0,60} , "
)


class RelationReader:
    """Reads clauses as relations between concepts and judges them against facts."""

    def __init__(
        self,
        concepts: dict[str, Concept],
        relations: dict[str, Relation],
        facts: tuple[Fact, ...],
        discourse: Discourse,
        measures: tuple[Measure, ...] = (),
    ) -> None:
        self.concepts = concepts
        self.relations = relations
        self.facts = facts
        self.discourse = discourse
        self.measures = measures
        self._facts: dict[tuple, list[Fact]] = defaultdict(list)  # facts on one relation, in file order
        self._facts_on: dict[tuple, list[Fact]] = defaultdict(list)  # by subject and relation, any object
        for fact in facts:
            self._facts[(fact.subject, fact.relation, fact.object)].append(fact)
            self._facts_on[(fact.subject, fact.relation)].append(fact)
        self._kinds_used = {k for r in relations.values() for k in (*r.subjects, *r.objects)}
        self._kinds_used |= {concepts[m.subject].kind for m in measures if m.subject in concepts}
        self._by_kind: dict[str, list[Concept]] = defaultdict(list)
        for concept in concepts.values():
            self._by_kind[concept.kind].append(concept)
        self._lineage = {cid: self._closure(cid) for cid in concepts}
        self._measure_ids = frozenset(m.id for m in measures)
        self._cued_measures = tuple((m, m.cue_keys if m.cues else None) for m in measures)
        # Feature -> the concepts a sentence with it may name (as the checker indexes rule patterns): a sentence
        # is matched against the few concepts whose words it has, not against every concept. Each name is keyed
        # by its rarest word ("low" alone is no "low sperm count") with the features the rest of it needs, split
        # as `Pattern.possible` tests them (None: the key alone decides): the test `possible` would make.
        index: dict[str, list[tuple[int, tuple | None]]] = defaultdict(list)
        self._numbered = list(concepts.values())
        for number, concept in enumerate(self._numbered):
            if concept.kind in self._kinds_used:
                names = concept.names
                if names.choices:
                    for choice in names.choices:
                        for feature in min(choice, key=cost):
                            index[feature].append((number, split_needs(choice)))
                else:
                    test = None if len(names.needs) == 1 else split_needs(names.needs)
                    for feature in min(names.needs, key=len):
                        index[feature].append((number, test))
        self._index = {feature: tuple(entries) for feature, entries in index.items()}
        self._index_keys = frozenset(self._index)
        self._subject_kinds = frozenset(k for r in relations.values() for k in r.subjects)
        self._binary = tuple(r for r in relations.values() if not r.unary)
        self._unaries = tuple(r for r in relations.values() if r.unary)
        self._with_unnamed = tuple(r for r in self._binary if r.unnamed)
        # with one need of every pattern that may state the relation: a clause with none of them states it in no way
        self._unaries_keyed = tuple((r, one_need_each((*r.cues, *r.openings, *r.after))) for r in self._unaries)
        self._unnamed_keyed = tuple((r, one_need_each(r.unnamed)) for r in self._with_unnamed)
        # kinds only an object can be (conditions, outcomes): what a closing "it" may be when the page is about one
        self._object_only_kinds = frozenset(k for r in self._binary for k in r.objects) - self._subject_kinds
        self._binary_by_kinds: dict[frozenset[str], tuple[Relation, ...]] = {}
        self._memo: dict[str, list[Mention]] = {}  # the last few lines' mentions: a check reads each more than once
        self._clause_mentions: list[Mention] = []  # of the clause being read (for _without_own_negations)

    @property
    def features(self) -> frozenset[str]:
        """Features the reader looks for besides its patterns' (the sentence features given to it must hold them)."""
        return QUANTITY_FEATURES

    def patterns(self) -> list[Pattern]:
        """Every pattern the reader runs (their features must be in the checker's feature index)."""
        d = self.discourse
        out = [c.names for c in self.concepts.values()]
        out += [d.denial, d.denial_before, d.hedge, d.belief, d.contrast]
        optional = (d.not_denials, d.modifiers, d.time_modifiers, d.hindrances, d.avoidance, d.indications)
        optional += (d.voices, d.past_beliefs)
        out += [p for p in optional if p is not None] + list(d.denial_after)
        out += [p for f in self.facts for p in (*f.unless, *f.when)]
        out += [p for m in self.measures for p in m.patterns()]
        for r in self.relations.values():
            out += [*r.cues, *r.passive, *r.breaks, *r.denials, *r.warnings, *r.openings, *r.context, *r.after]
            out += [*r.avoided, *r.closings, *r.enumerations, *r.recipients, *r.unnamed, *r.unnamed_context]
        return out

    def _closure(self, cid: str) -> tuple[str, ...]:
        """The concept and those it takes facts from, nearest first."""
        order, queue = [], [cid]
        while queue:
            current = queue.pop(0)
            if current in order or current not in self.concepts:
                continue
            order.append(current)
            queue.extend(self.concepts[current].facts_from)
        return tuple(order)

    def mentions(self, line: str, feats) -> list[Mention]:
        """Concepts the line names, left to right; where names overlap, the longest wins."""
        found = self._memo.get(line)
        if found is not None:
            return found
        if len(self._memo) >= _MENTIONS_KEPT:
            self._memo.clear()
        keys = self._index_keys.intersection(feats)
        if not keys:
            self._memo[line] = []
            return []
        index = self._index
        numbers: set[int] = set()
        for feature in keys:
            for number, test in index[feature]:
                if test is None:
                    numbers.add(number)
                    continue
                words, either = test
                if words <= feats:
                    for need in either:
                        if need.isdisjoint(feats):
                            break
                    else:
                        numbers.add(number)
        found = []
        for number in sorted(numbers):  # definition order breaks ties
            concept = self._numbered[number]
            found += [Mention(concept, m.start(), _trimmed(line, m.end())) for m in concept.names.regex.finditer(line)]
        found.sort(key=lambda m: (m.start, m.start - m.end))
        kept: list[Mention] = []
        for mention in found:
            if kept and mention.start < kept[-1].end:
                continue
            kept.append(mention)
        self._memo[line] = kept
        return kept

    def read(self, line: str, feats, carried: Concept | None = None, contexts: tuple = ()) -> list[Reading]:
        """Every relation the clause's line states; `carried` is the subject of the clause before, if any;
        `contexts` are (line, features) pairs in which a relation's context may occur: the whole sentence and what
        the document is about ("lie still for 20 minutes" on a page about insemination). Default: the clause.
        """
        mentions = self.mentions(line, feats)
        if carried is not None and not any(m.concept.kind in self._subject_kinds for m in mentions):
            mentions = [Mention(carried, 0, 0), *mentions]
        if line.endswith(" it ") and len(contexts) > 1:
            mentions = self._with_page_object(line, mentions, contexts[1])
        if not mentions:
            return []
        self._clause_mentions = mentions
        contexts = contexts or ((line, feats),)
        readings = [r for r in self._unary(line, feats, mentions, carried) if self._in_context(r.relation, contexts)]
        kinds = frozenset(m.concept.kind for m in mentions)
        starts: list[int] | None = None
        dated: dict[int, bool] = {}  # per object: whether a time modifier stands before it
        for relation in self._binary_between(kinds):
            named = [m for m in mentions if m.concept.kind in relation.subjects]
            objects = [m for m in mentions if m.concept.kind in relation.objects]
            if starts is None:
                starts = _token_starts(line)
            for obj in objects:
                if obj.start not in dated:
                    dated[obj.start] = self.dated(line, obj, governed=True)
                if dated[obj.start] and not any(
                    self._cued(line, obj, p, _HINDRANCE_REACH) for p in relation.recipients
                ):
                    continue  # "distress after a miscarriage": the loss dates the claim
                # a weak name ("a syringe") is a subject only when no other is named, besides this object
                # ("A turkey baster, or intra-uterine injector ...": the baster is the one called IUI)
                strong = [m for m in named if not m.concept.weak and m is not obj]
                subjects = strong + [obj] if strong and obj in named else strong or named
                listed = self._enumerated(line, relation, subjects, obj)
                if listed:
                    readings += listed
                    continue
                reading = self._read_one(line, feats, relation, subjects, obj, starts)
                if reading is not None:
                    readings.append(reading)
        if self._with_unnamed:
            readings += self._unnamed(line, feats, mentions, readings, contexts)
        # "Lying down after insemination does not help sperm reach the cervix": a clause denying what something
        # does is not advice to do it (the opening "Lying" read as an imperative)
        denied = {r.subject.concept.id for r in readings if r.mode == "denied" and not r.relation.unary}
        if denied:
            readings = [r for r in readings if not (r.relation.unary and r.subject.concept.id in denied)]
        return readings

    def _with_page_object(self, line: str, mentions: list[Mention], about: tuple) -> list[Mention]:
        """`mentions` and, for a closing "it" ("my doctor said that was probably what caused it"), what the page is
        about that only an object can be (a condition: the miscarriage of a page about one), unless it is named."""
        named = {m.concept.id for m in mentions}
        for mention in self.mentions(*about):
            concept = mention.concept
            if concept.kind in self._object_only_kinds:
                if concept.id in named:
                    return mentions
                return [*mentions, Mention(concept, len(line) - 4, len(line) - 1)]
        return mentions

    def _binary_between(self, kinds: frozenset[str]) -> tuple[Relation, ...]:
        """The relations with objects whose subject and object kinds are both among `kinds`, in definition order
        (kept: clauses name few combinations of kinds)."""
        found = self._binary_by_kinds.get(kinds)
        if found is None:
            found = self._binary_by_kinds[kinds] = tuple(
                r for r in self._binary if not kinds.isdisjoint(r.subjects) and not kinds.isdisjoint(r.objects)
            )
        return found

    @staticmethod
    def _in_context(relation: Relation, contexts: tuple) -> bool:
        return not relation.context or any(p.occurs(*c) for c in contexts for p in relation.context)

    def _unary(self, line: str, feats, mentions: list[Mention], carried: Concept | None = None) -> list[Reading]:
        """Relations without an object ("lie still afterwards", "you should use a fertility lubricant"); an
        imperative naming none of the relation's subjects is about the clause before's ("A fertility lubricant
        helps, so add a dab")."""
        out = []
        for relation, keys in self._unaries_keyed:
            candidates = [m for m in mentions if m.concept.kind in relation.subjects]
            if not candidates and carried is not None and carried.kind in relation.subjects:
                candidates = [Mention(carried, 0, 0)]
            if not candidates or (keys is not None and keys.isdisjoint(feats)):
                continue
            # the words before a subject are some of the line's: a cue the line's features rule out is in none of
            # them (an "a & b" cue is matched by its first part alone here, so it is always tried)
            cues = [p for p in relation.cues if p.together or p.possible(feats)]
            opening = _opens_with(line, [p for p in relation.openings if p.together or p.possible(feats)])
            after = [p for p in relation.after if p.together or p.possible(feats)]
            if not opening and not cues and not after:
                continue
            for subject in candidates:
                before = " " + line[: subject.start].strip() + " "
                # or the instruction without a verb: "Legs up the wall *for 20 minutes*"
                if (
                    opening
                    or any(p.regex.search(before) for p in cues)
                    or (_OPENING.fullmatch(before.strip()) and any(p.regex.match(line, subject.end) for p in after))
                ):
                    out.append(Reading(relation, subject, subject, self._mode(line, relation, subject, subject)))
                    break
        return out

    def elided(self, line: str, feats, before: list[Reading]) -> list[Reading]:
        """What the clause before claimed, read again of this clause's only subject when the rest of the clause
        only repeats it (discourse.ellipses: "It's a myth that stress causes miscarriage, but heavy lifting
        *definitely can*"): asserted, or denied or hedged by the words after the subject ("..., but lifting can't");
        otherwise the clause before's object for a passive clause that names none (`_object_carried`)."""
        d = self.discourse
        if not before:
            return []
        mentions = self.mentions(line, feats)
        subjects = [m for m in mentions if m.concept.kind in self._subject_kinds]
        if not subjects:
            return []
        if len(subjects) > 1 or not d.ellipses or not any(p.regex.fullmatch(line, subjects[0].end) for p in d.ellipses):
            return self._object_carried(line, mentions, subjects[0], before)
        subject, rest = subjects[0], " " + line[subjects[0].end :].strip() + " "
        mode = "denied" if d.denial.regex.search(rest) else "hedged" if d.hedge.regex.search(rest) else "asserted"
        return [
            Reading(r.relation, subject, r.object, mode, elided=True)
            for r in before
            if not r.relation.unary and not r.unnamed and subject.concept.kind in r.relation.subjects
        ]

    def _object_carried(self, line: str, mentions: list[Mention], subject: Mention, before: list[Reading]):
        """The clause before's object, for a clause that states the same relation of another subject in the passive
        and names no object ("Most miscarriages are caused by chromosome problems, but a good number are
        triggered by stress at work")."""
        out = []
        for r in before:
            relation = r.relation
            if relation.unary or r.unnamed or subject.concept.kind not in relation.subjects:
                continue
            if any(m.concept.kind in relation.objects for m in mentions):
                continue
            ahead = " " + line[: subject.start].strip() + " "
            if any(p.regex.search(ahead) for p in relation.passive):
                out.append(
                    Reading(relation, subject, r.object, self._mode(line, relation, subject, subject), elided=True)
                )
        return out

    def _unnamed(self, line, feats, mentions, readings, contexts) -> list[Reading]:
        """Claims of a relation whose object is left unsaid ("Lying still helps you relax, which can only help"):
        the subject is the last one named before the words that state it (or the first after: "it can't hurt to
        try yoga"), when the clause reads no other claim of the relation and the sentence or page holds one of the
        relation's `unnamed_context`."""
        out = []
        for relation, keys in self._unnamed_keyed:
            if keys is not None and keys.isdisjoint(feats):
                continue
            cues = [p for p in relation.unnamed if p.together or p.possible(feats)]
            if not cues or any(r.relation is relation for r in readings):
                continue
            found = next((m for p in cues if (m := p.regex.search(line))), None)
            if found is None or not any(p.occurs(*c) for c in contexts for p in relation.unnamed_context):
                continue
            named = [m for m in mentions if m.concept.kind in relation.subjects and not m.concept.weak]
            before = [m for m in named if m.end <= found.start()]
            subject = before[-1] if before else next((m for m in named if m.start >= found.end()), None)
            if subject is not None:
                mode = self._mode(line, relation, subject, subject)
                out.append(Reading(relation, subject, subject, mode, unnamed=True))
        return out

    def _read_one(self, line, feats, relation, subjects, obj, starts) -> Reading | None:
        before = [s for s in subjects if s.end <= obj.start and s.concept.id != obj.concept.id]
        if before:
            subject = self._subject_before(line, before, obj)
            if subject is None:
                return None
            between = self._between(line, relation, subject, obj, starts)
            if between is None:
                return None
            if relation.cues and not any(p.regex.search(between) for p in relation.cues):
                if self._stated_after(line, relation, obj) or self._avoided(line, relation, subject, between):
                    return Reading(relation, subject, obj, self._mode(line, relation, subject, obj))
                earlier = self._named_earlier(line, relation, before, subject, obj, starts)
                if earlier is not None:
                    return Reading(relation, earlier, obj, self._mode(line, relation, earlier, obj))
                return self._passive(line, relation, subjects, obj, starts)
            return Reading(relation, subject, obj, self._mode(line, relation, subject, obj))
        return self._passive(line, relation, subjects, obj, starts)

    def _named_earlier(self, line, relation, before, subject, obj, starts) -> Mention | None:
        """The same subject named earlier in the clause, when the claim is stated from there and the nearer naming
        only describes someone ("Stress shuts down the reproductive system, which is why so many *stressed* women
        cannot conceive"); None otherwise."""
        for earlier in reversed([s for s in before if s.concept.id == subject.concept.id and s.end <= subject.start]):
            between = self._between(line, relation, earlier, obj, starts)
            if between is None:
                return None
            if any(p.regex.search(between) for p in relation.cues):
                return earlier
        return None

    @staticmethod
    def _between(line: str, relation: Relation, subject: Mention, obj: Mention, starts: list[int]) -> str | None:
        """The words from a subject to its object after it, when they may state the relation: within its window
        and holding none of its breaks; None otherwise."""
        if _distance(starts, subject.end, obj.start) > relation.window:
            return None
        between = " " + line[subject.end : obj.start].strip() + " "
        if any(p.regex.search(_last_destination(between)) for p in relation.breaks):
            return None
        return between

    @staticmethod
    def _stated_after(line: str, relation: Relation, obj: Mention) -> bool:
        """Whether one of the relation's `after` patterns opens the words just after the object."""
        if not relation.after:
            return False
        return any(p.regex.match(line, obj.end) for p in relation.after)

    def _enumerated(self, line: str, relation: Relation, subjects: list[Mention], obj: Mention) -> list[Reading]:
        """The subjects listed right after an object an enumeration cue introduces, each read as in the relation to
        it: "two kinds of syringe insemination, ICI and IUI" reads ICI and IUI as kinds of syringe insemination."""
        if not relation.enumerations or not any(self._cued(line, obj, p) for p in relation.enumerations):
            return []
        out, end = [], obj.end
        for subject in sorted((s for s in subjects if s.start >= obj.end), key=lambda s: s.start):
            joined = " " + line[end : subject.start].strip() + " "
            if subject.concept.id == obj.concept.id or not _LISTING.fullmatch(joined):
                break
            out.append(Reading(relation, subject, obj, self._mode(line, relation, obj, subject)))
            end = subject.end
        return out

    def _avoided(self, line: str, relation: Relation, subject: Mention, between: str) -> bool:
        """Whether an `avoided` cue stands between and the clause part tells the reader to avoid the subject
        ("Avoid heavy lifting so the embryo can implant": lifting is read as keeping it from implanting)."""
        avoidance = self.discourse.avoidance
        if not relation.avoided or avoidance is None or not any(p.regex.search(between) for p in relation.avoided):
            return False
        before = " " + line[_part_start(line, subject.start) : subject.start].strip() + " "
        return avoidance.regex.search(before) is not None

    def _passive(self, line, relation, subjects, obj, starts) -> Reading | None:
        """The object-first form: "miscarriage caused by stress", "the uterus (IUI)", "For implantation, pineapple
        helps"."""
        after = [s for s in subjects if s.start >= obj.end and s.concept.id != obj.concept.id]
        if not after:
            return None
        subject = after[0]
        between = " " + line[obj.end : subject.start].strip() + " "
        if relation.passive and any(p.regex.search(between) for p in relation.passive):
            if _distance(starts, obj.end, subject.start) <= relation.window:
                return Reading(relation, subject, obj, self._mode(line, relation, obj, subject))
        if any(p.regex.match(line, subject.end) for p in relation.closings):
            if _distance(starts, obj.end, subject.start) <= relation.window:
                return Reading(relation, subject, obj, self._mode(line, relation, obj, subject))
        if (
            not relation.cues
            and _distance(starts, obj.end, subject.start) <= _AFTER_REACH
            and _JOINING.fullmatch(between)
        ):
            return Reading(relation, subject, obj, self._mode(line, relation, obj, subject))
        return None

    def _subject_before(self, line: str, before: list[Mention], obj: Mention) -> Mention | None:
        """Whose the object is, of the subjects before it: the nearest that is neither a contrast ("unlike IUI")
        nor a modifier ("after insemination"); else the nearest non-contrast; else none."""
        nearest = before[-1]
        if self._cued(line, nearest, self.discourse.contrast) and _RELATIVE.search(" " + line[nearest.end : obj.start]):
            return nearest  # "Unlike IUI, which places sperm in the uterus, ...": the relative clause is IUI's
        plain = [s for s in before if not self._cued(line, s, self.discourse.contrast)]
        if not plain:
            return None
        modifiers = self.discourse.modifiers
        main = [s for s in plain if modifiers is None or not self._cued(line, s, modifiers)]
        return (main or plain)[-1]

    def indicated(self, line: str, mention: Mention) -> bool:
        """Whether an indication cue ("for", "with", "if she has had") stands just before `mention`: it names who
        the claim is for."""
        cue = self.discourse.indications
        return cue is not None and self._cued(line, mention, cue)

    def dated(self, line: str, mention: Mention, governed: bool = False) -> bool:
        """Whether a time modifier stands just before `mention` ("after a miscarriage"): it dates the claim. With
        `governed`, not when a hindrance governs the mention as an object ("stop you from getting pregnant")."""
        modifier, hindrance = self.discourse.time_modifiers, self.discourse.hindrances
        if modifier is None or not self._cued(line, mention, modifier):
            return False
        return not (governed and hindrance is not None and self._cued(line, mention, hindrance, _HINDRANCE_REACH))

    def _cued(self, line: str, mention: Mention, cue: Pattern, reach: int = _CONTRAST_REACH) -> bool:
        """Whether `cue` ends just before `mention` (within `reach` characters: a few words)."""
        window = " " + line[max(0, mention.start - reach) : mention.start].strip() + " "
        return cue.regex.search(window) is not None

    def _without_own_negations(self, line: str, relation: Relation, start: int, end: int) -> str:
        """line[start:end] without a negation that belongs to another object inside it: in "worrying about not
        conceiving makes it harder to conceive", the "not" is about the first "conceiving", not the claim."""
        text = line[start:end]
        for mention in self._clause_mentions:
            if start <= mention.start < end and mention.concept.kind in relation.objects:
                for word in _OWN_NEGATIONS:
                    if line.endswith(word, 0, mention.start) and mention.start - len(word) >= start:
                        at = mention.start - len(word) - start
                        text = text[:at] + " " * len(word) + text[at + len(word) :]
                        break
        return text

    def _mode(self, line: str, relation: Relation, first: Mention, last: Mention) -> str:
        d = self.discourse
        # a relation without an object is denied before its subject ("avoid lubricants", "no need to lie down")
        # (from the start of its clause part: "If you don't have enough mucus, just add lubricant" advises it)
        start, end = (_part_start(line, first.start), first.start) if relation.unary else (first.end, last.start)
        between = " " + self._without_own_negations(line, relation, start, end).strip() + " "
        before = " " + line[: min(first.start, last.start)].strip() + " "
        if d.not_denials is not None:
            between = d.not_denials.regex.sub(" ", between)
            before = d.not_denials.regex.sub(" ", before)
        rest = " " + line[min(first.start, last.start) :].strip() + " "  # "... can bring on cramps": a warning
        if any(p.regex.search(rest) for p in relation.warnings):
            return "warning"  # a warning of harm is neither the claim nor its denial: no fact judges it
        if (
            d.denial.regex.search(between)
            or any(p.regex.search(between) for p in relation.denials)
            or d.denial_before.regex.search(before)
            or any(p.regex.match(line, max(first.end, last.end)) for p in d.denial_after)
        ):
            return "denied"
        if d.belief.regex.search(before):
            return "relayed" if d.relayed(before) else "belief"
        if d.hedge.regex.search(" " + line[: last.start].strip() + " "):
            return "hedged"
        return "asserted"

    def fact_for(self, subject: str, relation: str, obj: str | None, line: str = "", feats=frozenset()) -> Fact | None:
        """The most specific fact on subject-relation-object about the clause `line`, following `facts_from` on
        both sides; None when there is none, or when the first about it holds an exception (`Fact.excepted`)."""
        for s in self._lineage.get(subject, (subject,)):
            for o in self._lineage.get(obj, (obj,)) if obj is not None else (None,):
                for fact in self._facts.get((s, relation, o), ()):
                    if fact.about(line, feats):
                        return None if fact.excepted(line, feats) else fact
        return None

    def _unproven_for(self, subject: str, relation: str, line: str, feats) -> Fact | None:
        """For a claim with its object unsaid: the subject's first fact on the relation (any object, following
        `facts_from`) when every one about the clause is unestablished; None when one is true or false (what
        the claim means is then not known) or there is none."""
        facts = [
            f
            for s in self._lineage.get(subject, (subject,))
            for f in self._facts_on.get((s, relation), ())
            if f.about(line, feats) and not f.excepted(line, feats)
        ]
        if not facts or any(f.truth != "unestablished" for f in facts):
            return None
        return facts[0]

    def judge(self, readings: list[Reading], line: str = "", feats=frozenset()) -> list[Finding]:
        """The facts' verdicts on `readings` (of the clause `line` with `feats`, for the facts' `unless`)."""
        out = []
        for reading in readings:
            if reading.unnamed:
                fact = self._unproven_for(reading.subject.concept.id, reading.relation.id, line, feats)
            else:
                obj = None if reading.relation.unary else reading.object.concept.id
                fact = self.fact_for(reading.subject.concept.id, reading.relation.id, obj, line, feats)
            if fact is None:
                continue
            status = _VERDICTS.get((fact.truth, reading.mode))
            hedged_claims = reading.relation.hedged_claims or fact.hedged_claims
            if reading.mode == "hedged" and fact.truth == "unestablished" and not hedged_claims:
                status = None  # "stress may affect fertility": a hedged risk is not a claim to flag
            if reading.unnamed and status == "supported":
                status = None  # a denied claim of something unsaid backs no particular fact
            if status is not None:
                out.append(Finding(reading, fact, status))
        return out

    def measured(self, text: str, line: str, feats, contexts: tuple = ()) -> list[tuple[Measure, str]]:
        """The measures whose quantity the clause `text` (its claim line `line`) states, each with its verdict;
        an `about_page` measure's subject may stand in `contexts` (what the page is about) instead, and any
        measure's may be named by its `implied_by` words ("before trying again": after a loss) unless what the page
        is about holds one of its `unless` ("Trying again after IVF").

        A reported belief ("respondents thought ...") or a denied or corrected statement gets none."""
        out: list[tuple[Measure, str]] = []
        if not self.measures or QUANTITY_FEATURES.isdisjoint(feats):
            return out  # no number: most sentences (the features hold QUANTITY_FEATURES: see `features`)
        # a cue the clause lacks: most measures (one set test each, before `about` tests the cues themselves)
        cued = [m for m, keys in self._cued_measures if keys is None or not keys.isdisjoint(feats)]
        if not cued:
            return out
        d = self.discourse
        lineage = self._lineage
        named_here = set().union(*[lineage[m.concept.id] for m in self.mentions(line, feats)])  # and their sources
        for measure in cued:
            if not measure.about(line, feats):  # a cue the clause lacks: most measures (and cheaper to test first)
                continue
            named = (
                measure.subject in named_here
                or (measure.about_page and any(self.concepts[measure.subject].names.occurs(*c) for c in contexts))
                or (
                    any(p.occurs(line, feats) for p in measure.implied_by)
                    and not any(p.occurs(*c) for c in contexts[1:] for p in measure.unless)  # "... after IVF"
                )
            )
            if not named:
                continue
            padded = " " + line + " "
            if d.belief.regex.search(padded) or d.denial_before.regex.search(padded):
                continue
            verdict = measure.verdict(text)
            if verdict is not None:
                out.append((measure, verdict[0]))
        return out

    def uncovered(self, line: str, feats, readings, findings) -> bool:
        """Whether the line names a concept of a `covered_kinds` kind (a condition) that no reading is about (a
        measure's finding covers the line: "1 in 4 pregnancies end in miscarriage")."""
        if any(f.id in self._measure_ids for f in findings):
            return False
        kinds = self.discourse.covered_kinds
        read = {m.concept.id for r in readings for m in (r.subject, r.object)}
        return any(
            m.concept.kind in kinds and m.concept.id not in read and not self.dated(line, m)
            for m in self.mentions(line, feats)
        )

    def reads_nothing(self, line: str, feats) -> bool:
        """Whether a clause read on its own (nothing carried over) gives the facts and measures nothing: it names
        no concept and states no number (`read`, `measured` and `referent` find nothing in it)."""
        return QUANTITY_FEATURES.isdisjoint(feats) and not self.mentions(line, feats)

    def on_topic(self, line: str, feats) -> bool:
        """Whether the line names a concept of a kind the facts are about (discourse.topic_kinds)."""
        kinds = self.discourse.topic_kinds
        return any(m.concept.kind in kinds for m in self.mentions(line, feats))

    def subject_named(self, line: str, feats) -> Concept | None:
        """The first concept the line names that can be a relation's subject (what a clause after it that names
        none may be about: "I had been doing spin classes, and my doctor said that was what caused it")."""
        return next((m.concept for m in self.mentions(line, feats) if m.concept.kind in self._subject_kinds), None)

    def referent(self, line: str, feats) -> Concept | None:
        """The first concept the line names that a following "It" or "This method" may refer to."""
        for mention in self.mentions(line, feats):
            if mention.concept.referent:
                return mention.concept
        return None


_TOKEN = re.compile(r"\S+")
_OTHER_SPACE = re.compile(r"[^\S ]")  # whitespace other than a space
_OWN_NEGATIONS = (" not ", " n't ", " no ", " never ")
# What may stand between an object and the subject after it ("washed sperm for IUI", "the uterus (IUI)").
_JOINING = re.compile(r" (?:(?:\(|,|-|:|for|in|with|dure|of|the|a|an|at|via|by|use|call) )*")
# What may stand between the items of a list after its head ("kinds of X: A, B and C").
_LISTING = re.compile(r" (?:(?:,|:|-|\(|\)|and|or|name|call|the|a|an) )*")
_RELATIVE = re.compile(r" (?:which|that|who|where|whose|as it|becaus) ")


def _part_start(line: str, end: int) -> int:
    """Where the comma-, colon- or semicolon-separated part of the line holding offset `end` begins."""
    return max(line.rfind(mark, 0, end) for mark in (" , ", " ; ", " : ")) + 1


# "... past the vagina and into the cervical canal": a destination coordinated after getting past a place is where
# the sentence puts the sperm; the "past" that would end the relation's reach belongs to the first conjunct. (Not
# "through the cervix and into the uterus": there the sperm travel on their own.)
_DESTINATION = re.compile(
    r" (?:past|beyond|bypass\S*|skip\S*) (?:(?! and ).)* and (?:then |also )?(?:(?:straight|directli|right) )?"
    r"(?:into|in|insid|to|onto|at) (?!.* and )"
)


def _last_destination(between: str) -> str:
    """The words between subject and object that can end the relation's reach: after a coordinated destination
    ("and into the"), only those; otherwise all of them."""
    match = _DESTINATION.search(between)
    return between[between.rindex(" and ", 0, match.end()) + 4 :] if match else between


def _trimmed(line: str, end: int) -> int:
    """`end` moved back over the punctuation a name's pattern takes with it ("turkey baster , "): the comma
    belongs to what follows ("..., or IUI")."""
    while end >= 2 and line[end - 2] in _TRAILING and line[end - 1] == " ":
        end -= 2
    return end


_TRAILING = frozenset(",;:()-")


def _token_starts(line: str) -> list[int]:
    """Where each token (a run of non-spaces, `_TOKEN`) of the line starts: counted along its spaces, cheaper than a
    match object per token (a line holding other whitespace, which no claim line does, is read by `_TOKEN`)."""
    if _OTHER_SPACE.search(line):
        return [m.start() for m in _TOKEN.finditer(line)]
    starts, at = [], 0
    for token in line.split(" "):
        if token:
            starts.append(at)
        at += len(token) + 1
    return starts


def _distance(starts: list[int], start: int, end: int) -> int:
    """Tokens of the line between character offsets `start` and `end`."""
    return bisect.bisect_left(starts, end) - bisect.bisect_left(starts, start)


def _opens_with(line: str, openings: list) -> bool:
    """Whether the clause's line opens with one of the `openings` (an imperative), or does after an opening phrase
    of time ("after using the kit , lie back")."""
    if not openings:
        return False
    starts = [1]
    timed = _TIME_OPENING.match(line)
    if timed is not None:
        starts.append(timed.end())
    return any(p.regex.match(line, start) for p in openings for start in starts)
