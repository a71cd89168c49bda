"""Loading relations.toml and each topic folder's concepts.toml and facts.toml into a `RelationReader`.

Files are validated against their declared models (`schema`); a broken file raises KnowledgeBaseError
naming the file, the entry and what is wrong.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import KnowledgeBaseError
from .claims import Concept, Discourse, Fact, Relation
from .patterns import Pattern, PatternError, compile_pattern
from .quantities import UNITS, Measure
from .relations import RelationReader
from .schema import ConceptsFile, FactsFile, RelationsFile

RELATIONS_FILE = "relations.toml"
CONCEPTS_FILE = "concepts.toml"
FACTS_FILE = "facts.toml"
# Openers an anaphor may follow ("Also, it ..."): discourse markers, not topic words.
_OPENERS = (
    r"(?:(?:additionally|also|furthermore|moreover|however|in addition|plus|and|but|so|importantly|finally|"
    r"in conclusion|in summary|overall|ultimately|firstly|secondly|lastly|besides|what's more)\s*,?\s+)?"
)


def _validated(path: Path, model: type[BaseModel]) -> Any:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise KnowledgeBaseError(f"{path}: cannot read: {e}") from e
    try:
        return model.model_validate(data)
    except ValidationError as e:
        problems = "; ".join(f"{'.'.join(map(str, err['loc'])) or 'file'}: {err['msg']}" for err in e.errors()[:5])
        raise KnowledgeBaseError(f"{path}: {problems}") from e


def _phrases(phrases: list[str], concepts: dict[str, list[str]], where: str) -> Pattern:
    try:
        return compile_pattern("(" + "|".join(phrases) + ")", concepts)
    except PatternError as e:
        raise KnowledgeBaseError(f"{where}: {e}") from e


def compile_patterns(
    patterns: list[str], concepts: dict[str, list[str]], where: str, key: str = "pattern"
) -> tuple[Pattern, ...]:
    """Each pattern compiled; KnowledgeBaseError naming `where`, the field (`key`) and the pattern if one is bad."""
    out = []
    for pattern in patterns:
        try:
            out.append(compile_pattern(pattern, concepts))
        except PatternError as e:
            raise KnowledgeBaseError(f"{where}: {key} {pattern!r}: {e}") from e
    return tuple(out)


def _regex(alternatives: list[str], where: str) -> str:
    for alternative in alternatives:
        try:
            re.compile(alternative)
        except re.error as e:
            raise KnowledgeBaseError(f"{where}: {alternative!r} is not a regular expression: {e}") from e
    return "|".join(f"(?:{a})" for a in alternatives)


def load_relations(path: Path, terms: dict[str, list[str]]) -> tuple[dict[str, Relation], Discourse]:
    data: RelationsFile = _validated(path, RelationsFile)
    relations = {}
    for rid, entry in data.relations.items():
        where = f"{path}: relation {rid}"
        relations[rid] = Relation(
            rid,
            entry.description,
            frozenset(entry.subjects),
            frozenset(entry.objects),
            compile_patterns(entry.cues, terms, where),
            compile_patterns(entry.passive, terms, where),
            compile_patterns(entry.breaks, terms, where),
            compile_patterns(entry.denials, terms, where),
            entry.window,
            compile_patterns(entry.warnings, terms, where),
            compile_patterns(entry.openings, terms, where),
            entry.hedged_claims,
            compile_patterns(entry.context, terms, where),
            compile_patterns(entry.after, terms, where),
            compile_patterns(entry.avoided, terms, where),
            compile_patterns(entry.closings, terms, where),
            compile_patterns(entry.enumerations, terms, where),
            compile_patterns(entry.recipients, terms, where),
            compile_patterns(entry.unnamed, terms, where),
            compile_patterns(entry.unnamed_context, terms, where),
        )
    d, where = data.discourse, f"{path}: discourse"
    anaphor = rf"^\s*{_OPENERS}(?P<anaphor>{_regex(d.anaphors, where)})\b"
    if d.not_anaphors:
        anaphor += rf"(?!\s+(?:{_regex(d.not_anaphors, where)})\b)"
    discourse = Discourse(
        denial=_phrases(d.denial, terms, f"{where}.denial"),
        denial_before=_phrases(d.denial_before, terms, f"{where}.denial_before"),
        not_denials=_phrases(d.not_denials, terms, f"{where}.not_denials") if d.not_denials else None,
        denial_after=compile_patterns(d.denial_after, terms, f"{where}.denial_after"),
        hedge=_phrases(d.hedge, terms, f"{where}.hedge"),
        belief=_phrases(d.belief, terms, f"{where}.belief"),
        voices=_phrases(d.voices, terms, f"{where}.voices") if d.voices else None,
        ellipses=compile_patterns(d.ellipses, terms, f"{where}.ellipses"),
        past_beliefs=_phrases(d.past_beliefs, terms, f"{where}.past_beliefs") if d.past_beliefs else None,
        contrast=_phrases(d.contrast, terms, f"{where}.contrast"),
        modifiers=_phrases(d.modifiers, terms, f"{where}.modifiers") if d.modifiers else None,
        time_modifiers=_phrases(d.time_modifiers, terms, f"{where}.time_modifiers") if d.time_modifiers else None,
        hindrances=_phrases(d.hindrances, terms, f"{where}.hindrances") if d.hindrances else None,
        avoidance=_phrases(d.avoidance, terms, f"{where}.avoidance") if d.avoidance else None,
        indications=_phrases(d.indications, terms, f"{where}.indications") if d.indications else None,
        clause_breaks=re.compile(_regex(d.clause_breaks, f"{where}.clause_breaks"), re.I),
        anaphor=re.compile(anaphor, re.I),
        break_marks=tuple(d.break_marks),
        topic_kinds=frozenset(d.topic_kinds),
        covered_kinds=frozenset(d.covered_kinds),
        rules_cover_kinds=frozenset(d.rules_cover_kinds),
    )
    return relations, discourse


def topic_folders(folder: Path) -> list[Path]:
    """Topic folders: sub-folders holding a concepts.toml or a facts.toml, in name order."""
    return sorted(
        p for p in folder.iterdir() if p.is_dir() and ((p / CONCEPTS_FILE).is_file() or (p / FACTS_FILE).is_file())
    )


def knowledge_files(folder: Path) -> list[Path]:
    """Every file the relation reader is built from (for the knowledge base's fingerprint)."""
    files = [folder / RELATIONS_FILE] if (folder / RELATIONS_FILE).is_file() else []
    for topic in topic_folders(folder):
        files += [p for p in (topic / CONCEPTS_FILE, topic / FACTS_FILE) if p.is_file()]
    return files


def load_reader(folder: Path, terms: dict[str, list[str]], sources: dict) -> RelationReader | None:
    """The relation reader of a knowledge folder, or None when it has no relations.toml."""
    if not (folder / RELATIONS_FILE).is_file():
        return None
    relations, discourse = load_relations(folder / RELATIONS_FILE, terms)
    concepts: dict[str, Concept] = {}
    facts: list[Fact] = []
    pending: list[tuple[Path, str, FactsFile]] = []
    for topic in topic_folders(folder):
        if (topic / CONCEPTS_FILE).is_file():
            path = topic / CONCEPTS_FILE
            for cid, entry in _validated(path, ConceptsFile).concepts.items():
                if cid in concepts:
                    raise KnowledgeBaseError(f"{path}: concept {cid}: defined twice (also in {concepts[cid].topic})")
                concepts[cid] = Concept(
                    cid,
                    topic.name,
                    entry.kind,
                    entry.label or entry.names[0],
                    _phrases(entry.names, terms, f"{path}: concept {cid}: names"),
                    tuple(entry.facts_from),
                    entry.referent,
                    entry.weak,
                )
        if (topic / FACTS_FILE).is_file():
            pending.append((topic / FACTS_FILE, topic.name, _validated(topic / FACTS_FILE, FactsFile)))
    for cid, concept in concepts.items():
        unknown = [c for c in concept.facts_from if c not in concepts]
        if unknown:
            raise KnowledgeBaseError(
                f"{folder}/{concept.topic}/{CONCEPTS_FILE}: concept {cid}: unknown facts_from {unknown}"
            )
    seen: set[str] = set()
    measures: list[Measure] = []
    for path, _folder, data in pending:
        for entry in data.facts:
            facts.append(_fact(entry, data.topic, path, concepts, relations, sources, seen, terms))
        measures += [_measure(entry, data.topic, path, concepts, sources, seen, terms) for entry in data.measures]
    return RelationReader(concepts, relations, tuple(facts), discourse, tuple(measures))


def _measure(entry, topic: str, path: Path, concepts, sources, seen: set[str], terms) -> Measure:
    where = f"{path}: measure {entry.id}"
    if entry.id in seen:
        raise KnowledgeBaseError(f"{where}: duplicate fact id")
    seen.add(entry.id)
    if entry.subject not in concepts:
        raise KnowledgeBaseError(f"{where}: subject '{entry.subject}' is not a known concept")
    if entry.range is None and entry.outside != "unsupported":
        raise KnowledgeBaseError(f'{where}: a measure without a range must set outside = "unsupported"')
    low, high = entry.range or (0.0, 0.0)
    if low > high:
        raise KnowledgeBaseError(f"{where}: range [{low}, {high}] runs backwards")
    unknown = [s for s in entry.sources if s not in sources]
    if unknown:
        raise KnowledgeBaseError(f"{where}: unknown source(s) {unknown}")
    family, factor = UNITS[entry.unit]
    return Measure(
        entry.id,
        topic,
        entry.subject,
        compile_patterns(entry.cues, terms, where, "cue"),
        family,
        (low * factor, high * factor) if entry.range is not None else None,
        entry.compare,
        entry.statement,
        entry.reason or entry.statement,
        tuple(sources[s] for s in entry.sources),
        entry.supports,
        entry.about_page,
        entry.outside,
        compile_patterns(entry.when, terms, where, "when"),
        compile_patterns(entry.unless, terms, where, "unless"),
        tuple(entry.examples),
        tuple(entry.counterexamples),
        compile_patterns(entry.implied_by, terms, where, "implied_by"),
    )


def _fact(entry, topic: str, path: Path, concepts, relations, sources, seen: set[str], terms) -> Fact:
    where = f"{path}: fact {entry.id}"
    if entry.id in seen:
        raise KnowledgeBaseError(f"{where}: duplicate fact id")
    seen.add(entry.id)
    for field in ("subject", "object"):
        value = getattr(entry, field)
        if value is not None and value not in concepts:
            raise KnowledgeBaseError(f"{where}: {field} '{value}' is not a known concept")
    relation = relations.get(entry.relation)
    if relation is None:
        raise KnowledgeBaseError(f"{where}: relation '{entry.relation}' is not in {RELATIONS_FILE}")
    if (entry.object is None) != relation.unary:
        need = "has no object" if relation.unary else "needs an object"
        raise KnowledgeBaseError(f"{where}: relation {entry.relation} {need}")
    object_kind = concepts[entry.object].kind if entry.object else None
    if concepts[entry.subject].kind not in relation.subjects or (object_kind and object_kind not in relation.objects):
        raise KnowledgeBaseError(
            f"{where}: relation {entry.relation} joins {sorted(relation.subjects)} to {sorted(relation.objects)}, "
            f"not {concepts[entry.subject].kind} to {object_kind}"
        )
    unknown = [s for s in entry.sources if s not in sources]
    if unknown:
        raise KnowledgeBaseError(f"{where}: unknown source(s) {unknown}")
    return Fact(
        entry.id,
        topic,
        entry.subject,
        entry.relation,
        entry.object,
        entry.truth,
        entry.statement,
        entry.reason or entry.statement,
        tuple(sources[s] for s in entry.sources),
        tuple(entry.examples),
        tuple(entry.counterexamples),
        compile_patterns(entry.unless, terms, where),
        compile_patterns(entry.when, terms, where),
        entry.hedged_claims,
    )
