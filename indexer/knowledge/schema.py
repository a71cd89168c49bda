"""The declared shape of the knowledge files that describe topics as concepts and facts (pydantic models).

    relations.toml            the relations a sentence can state, with the words that state them, and the cues
                              of discourse (denials, hedges, reported beliefs) that change what a clause asserts
    <topic>/concepts.toml     [concepts.<id>] names, kind, facts_from, referent, label
    <topic>/facts.toml        topic, [[facts]] id, subject, relation, object, truth, statement, reason, sources,
                              unless, when, examples, counterexamples; [[measures]] (quantities: see MeasureEntry)

`sourcecheck kb schema` writes the JSON Schema of each file (`json_schemas`), which editors validate against as
people type (a `#:schema` comment at the top of a TOML file points taplo / Even Better TOML at it).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Phrases = Annotated[list[Text], Field(min_length=1)]
TRUTHS = ("true", "false", "unestablished")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ConceptEntry(_Strict):
    """A thing the texts of a topic talk about, and every name writers give it."""

    names: Phrases = Field(description="Phrases in the rule pattern language (stemmed words, `word*` prefixes).")
    kind: Id = Field(description="What sort of thing it is; relations say which kinds they join (procedure, place...).")
    label: Text | None = Field(None, description="How explanations name it; default: the first name.")
    facts_from: list[Id] = Field(
        default_factory=list,
        description="Concepts whose facts also hold for this one (syringe insemination: home insemination).",
    )
    referent: bool = Field(
        False, description="An opening 'It' or 'This method' in the next sentence may mean this concept."
    )
    weak: bool = Field(
        False, description="A vague name ('a syringe'): the subject of a clause only when no other subject is named."
    )


class ConceptsFile(_Strict):
    concepts: dict[Id, ConceptEntry] = Field(min_length=1)


class FactEntry(_Strict):
    """How two concepts relate, whether authoritative sources say it is so, and on whose authority."""

    id: Id
    subject: Id = Field(description="A concept id (of this topic or another).")
    relation: Id = Field(description="A relation id from relations.toml.")
    object: Id | None = Field(None, description="A concept id (none for a relation without an object).")
    truth: Literal["true", "false", "unestablished"] = Field(
        description="true: sources say so; false: sources say otherwise; unestablished: no good evidence either way."
    )
    statement: Text = Field(description="What the sources say, in plain words: the correction of a false claim.")
    reason: Text | None = Field(
        None, description="Why a claim of the relation is wrong or unproven (default: the statement)."
    )
    sources: Phrases = Field(description="Source ids from sources.toml; never invent one.")
    unless: list[Text] = Field(
        default_factory=list,
        description="Patterns that, anywhere in the clause, keep this fact from judging it (cases it does not cover).",
    )
    when: list[Text] = Field(
        default_factory=list,
        description="Patterns one of which must occur in the clause for this fact to judge it: the case it is about "
        "('bleeding' for progesterone after a previous loss). Facts on one relation are tried in file order.",
    )
    hedged_claims: bool = Field(
        False,
        description="An unestablished fact whose hedged claims ('grief may stop you conceiving') are still claims to "
        "flag, as for a relation with hedged_claims: claims no authoritative page makes even as a possibility.",
    )
    examples: list[Text] = Field(default_factory=list, description="Sentences that state this relation.")
    counterexamples: list[Text] = Field(default_factory=list, description="Sentences that must not be read as it.")


class MeasureEntry(_Strict):
    """A quantity the sources give (how long sperm survive; how many known pregnancies end in miscarriage): a clause
    naming the subject, a cue and a quantity of the unit is backed inside the range and wrong outside it."""

    id: Id
    subject: Id = Field(description="A concept id: the clause must name it.")
    cues: list[Text] = Field(
        default_factory=list, description="Patterns one of which must occur ('surviv*', 'live*'); none: any clause."
    )
    unit: Literal["days", "hours", "weeks", "months", "percent", "proportion"] = Field(
        description="The unit of `range`; a clause's durations or proportions are converted to it."
    )
    range: tuple[float, float] | None = Field(
        None,
        description="The values the sources accept, low and high, in `unit`; none: no figure is established, and "
        "any stated gets `outside` (which must then be unsupported).",
    )
    outside: Literal["inaccurate", "unsupported"] = Field(
        "inaccurate",
        description="The status of a value outside the range: inaccurate (the sources say otherwise) or "
        "unsupported (they give no such figure).",
    )
    compare: Literal["high", "low", "range"] = Field(
        "range",
        description="high: claims state a maximum, and the largest value stated is compared ('up to five days'); "
        "low: claims state a minimum, and the smallest is compared ('wait at least two months'); "
        "range: the stated value or range must lie inside.",
    )
    supports: bool = Field(True, description="A value inside the range is supported (false: no verdict).")
    about_page: bool = Field(
        False,
        description="The subject may be named by the page's title or section heading instead of the clause "
        "('Trying again after a miscarriage' over 'Wait at least two months before trying again').",
    )
    implied_by: list[Text] = Field(
        default_factory=list,
        description="Patterns that name the subject without its name: 'before trying again' is after a loss.",
    )
    statement: Text = Field(description="What the sources say, in plain words: the correction of a wrong number.")
    reason: Text | None = Field(None, description="Why a number outside the range is wrong (default: the statement).")
    sources: Phrases = Field(description="Source ids from sources.toml; never invent one.")
    when: list[Text] = Field(default_factory=list, description="Patterns one of which must occur in the clause.")
    unless: list[Text] = Field(default_factory=list, description="Patterns none of which may occur in the clause.")
    examples: list[Text] = Field(default_factory=list, description="Sentences the measure judges wrong.")
    counterexamples: list[Text] = Field(default_factory=list, description="Sentences it must not flag.")


class FactsFile(_Strict):
    topic: Id
    facts: list[FactEntry] = Field(min_length=1)
    measures: list[MeasureEntry] = Field(default_factory=list)


class RelationEntry(_Strict):
    """A relation sentences state between a subject and an object, and the words that state it."""

    description: Text
    subjects: Phrases = Field(description="Concept kinds that can be its subject.")
    objects: list[Text] = Field(
        default_factory=list, description="Concept kinds that can be its object; none: the relation has no object."
    )
    openings: list[Text] = Field(
        default_factory=list,
        description="Patterns that, at the start of a clause, state the relation (imperatives: 'lie still').",
    )
    cues: list[Text] = Field(
        default_factory=list,
        description="Patterns, one of which must stand between subject and object; none: the two together state it.",
    )
    passive: list[Text] = Field(
        default_factory=list, description="Patterns for the object-first form ('miscarriage caused by stress')."
    )
    after: list[Text] = Field(
        default_factory=list,
        description="Patterns that, right after the object, state the relation when no cue stands between "
        "('relaxed couples conceive faster', 'makes getting pregnant difficult').",
    )
    enumerations: list[Text] = Field(
        default_factory=list,
        description="Patterns that, just before the object, make the subjects listed right after it each stand in "
        "the relation to it ('There are *two kinds of* syringe insemination, ICI and IUI').",
    )
    closings: list[Text] = Field(
        default_factory=list,
        description="Patterns that, right after a subject named after the object, close the clause and state the "
        "relation ('Because an inflamed womb stops embryos implanting, anti-inflammatory foods *help*').",
    )
    unnamed: list[Text] = Field(
        default_factory=list,
        description="Patterns that state the relation with its object left unsaid ('lying still helps you relax, "
        "*which can only help*'); such a claim is judged only when every fact on its subject and this relation is "
        "unestablished, and only in a sentence or page holding one of `unnamed_context`.",
    )
    unnamed_context: list[Text] = Field(
        default_factory=list,
        description="Patterns one of which the sentence or what the page is about must hold for an `unnamed` "
        "claim to be read (what the unsaid object is: conceiving).",
    )
    avoided: list[Text] = Field(
        default_factory=list,
        description="Patterns that, between subject and object, state the relation when the clause tells the reader "
        "to avoid the subject (discourse.avoidance): 'Avoid heavy lifting *so* the embryo can implant'.",
    )
    breaks: list[Text] = Field(
        default_factory=list,
        description="Patterns that end the relation's reach before an object ('through the cervix', 'sperm swim').",
    )
    denials: list[Text] = Field(
        default_factory=list, description="Patterns that, between subject and object, deny this relation only."
    )
    warnings: list[Text] = Field(
        default_factory=list,
        description="Patterns anywhere after the subject that make the clause a warning against the relation.",
    )
    context: list[Text] = Field(
        default_factory=list,
        description="Patterns one of which the sentence must hold for the relation to be read (keeps advice on topic).",
    )
    hedged_claims: bool = Field(
        False,
        description="A hedged claim ('may help') still counts as the claim: benefits, yes; risks and causes, no.",
    )
    recipients: list[Text] = Field(
        default_factory=list,
        description="Patterns that, ending just before the object, make a time modifier there name who the claim is "
        "for rather than date it ('offered to *women after* two miscarriages').",
    )
    window: int = Field(12, ge=1, le=40, description="At most this many words from subject to object.")


class DiscourseEntry(_Strict):
    """Cues that change what a clause asserts."""

    denial: Phrases = Field(description="Between subject and object: the claim is denied ('not', 'never').")
    denial_before: Phrases = Field(
        description="Anywhere before the subject in its clause: the claim is denied ('no evidence that')."
    )
    denial_after: list[Text] = Field(
        default_factory=list,
        description="Right after the relation's last concept: the claim is denied ('the washing *is not necessary*').",
    )
    not_denials: list[Text] = Field(
        default_factory=list, description="Idioms with a negative word that deny nothing ('not only')."
    )
    hedge: Phrases = Field(description="The claim is offered as possible, not asserted ('may', 'might').")
    belief: Phrases = Field(description="The claim is reported as someone's belief ('many people think').")
    voices: list[Text] = Field(
        default_factory=list,
        description="Before a belief cue: a particular voice relaying the claim as true ('my acupuncturist *claims "
        "that*', 'celebrity nutritionist ... said that'): the claim is judged as stated, but only a flag is given "
        "(a relayed claim gets no green check), unless a `past_beliefs` cue makes it a belief given up.",
    )
    past_beliefs: list[Text] = Field(
        default_factory=list, description="A belief given up ('doctors *used to* think'): no voice makes it a claim."
    )
    contrast: Phrases = Field(description="Just before a concept: it is the contrast, not the subject ('unlike').")
    time_modifiers: list[Text] = Field(
        default_factory=list, description="Just before an object: it dates the claim ('after a loss'), not its object."
    )
    hindrances: list[Text] = Field(
        default_factory=list,
        description="Just before an object: a verb it completes ('stop you from'): no time modifier there dates it.",
    )
    modifiers: list[Text] = Field(
        default_factory=list,
        description="Just before a concept: it modifies another ('after insemination'), so is the subject only alone.",
    )
    indications: list[Text] = Field(
        default_factory=list,
        description="Just before a condition: it names who a claim is for ('for', 'with', 'if she has had'), for "
        "`rules_cover_kinds`.",
    )
    avoidance: list[Text] = Field(
        default_factory=list,
        description="Before the subject in its clause part: the reader is told to avoid it ('avoid', 'cut out'), "
        "for a relation's `avoided` cues.",
    )
    clause_breaks: Phrases = Field(
        description="Regular expressions (on the text) where one clause ends and another begins."
    )
    break_marks: list[Text] = Field(
        default_factory=list,
        description="Strings one of which every clause break holds (';', 'but', ','): a sentence without is not split.",
    )
    anaphors: Phrases = Field(description="Openings that refer to what the text was about ('it', 'this method').")
    ellipses: list[Text] = Field(
        default_factory=list,
        description="Patterns that, right after a clause's only subject and ending it, repeat what the clause before "
        "claimed of another subject ('It's a myth that stress causes miscarriage, but heavy lifting *definitely "
        "can*'): the claim is read again with this subject (denied by a negation in them, hedged by a hedge).",
    )
    not_anaphors: list[Text] = Field(
        default_factory=list, description="Openings that look like an anaphor but are not ('it is important')."
    )
    topic_kinds: list[Text] = Field(
        default_factory=list,
        description="Concept kinds that put a sentence on a topic the facts cover (procedure, condition): only there "
        "is an attributed claim the facts do not back called unsupported.",
    )
    covered_kinds: list[Text] = Field(
        default_factory=list,
        description="Concept kinds a backed clause must be about: a clause naming one no backed relation is about "
        "is not supported ('a syringe at home can be the answer' to unexplained infertility).",
    )
    rules_cover_kinds: list[Text] = Field(
        default_factory=list,
        description="Concept kinds a pattern rule's supported verdict must cover: a clause naming one as who the claim "
        "is for (after an `indications` cue) outside what the rule matched, the rule naming none, is not backed "
        "('Home ICI is the smart move for guys with a low count').",
    )


class RelationsFile(_Strict):
    relations: dict[Id, RelationEntry] = Field(min_length=1)
    discourse: DiscourseEntry


FILES: dict[str, type[BaseModel]] = {
    "relations.toml": RelationsFile,
    "concepts.toml": ConceptsFile,
    "facts.toml": FactsFile,
}


def json_schemas() -> dict[str, dict]:
    """The JSON Schema of each knowledge file kind, by file name."""
    return {name: model.model_json_schema() for name, model in FILES.items()}
