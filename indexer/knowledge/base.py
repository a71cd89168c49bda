"""The knowledge base: authoritative sources, terms, topics and rules, loaded from TOML and validated.

Layout of a knowledge folder (`indexer/knowledge/data/` by default):
    sources.toml      [sources.<id>] publisher, title, url, note?
    terms.toml        [concepts.<name>] phrases = [...], synonym = bool; [[clarifications]] terms, title, note, sources
    <topic>.toml      topic, title, kind ("topic" or "generic"), summary, query; [[rules]]:
        id, status (inaccurate | unsupported | supported), reason, correction (inaccurate rules), sources,
        patterns (see `patterns`; any one matching fires the rule), unless (none may match), context (one must),
        negation_veto (default true: a nearby "not"/"unlike"/"myth" takes the claim back), needs_no_citation,
        negated_status ("supported" by default for a topic rule that flags: the denied claim states the fact),
        only_unchecked (a generic rule that judges only sentences no fact or topic rule covers), examples,
        counterexamples, negated_examples (all checked by tests/indexer/test_rules.py).
Every rule that labels a sentence cites at least one source; a broken file raises KnowledgeBaseError naming the
file, the rule id and what is wrong.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import KnowledgeBaseError
from .facts import compile_patterns, knowledge_files, load_reader
from .patterns import Pattern
from .relations import RelationReader

DEFAULT_DIR = Path(__file__).parent / "data"
STATUSES = ("inaccurate", "unsupported", "unverified", "supported", "no_claim")
RULE_STATUSES = ("inaccurate", "unsupported", "supported")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_RESERVED = {"sources.toml", "terms.toml"}
_NOT_RULES = {"relations.toml"}  # read by facts
_RULE_FIELDS = {
    "id",
    "status",
    "patterns",
    "unless",
    "context",
    "negation_veto",
    "needs_no_citation",
    "reason",
    "correction",
    "sources",
    "examples",
    "counterexamples",
    "negated_status",
    "negated_examples",
    "only_unchecked",
}


@dataclass(frozen=True)
class Source:
    id: str
    publisher: str
    title: str
    url: str
    note: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"publisher": self.publisher, "title": self.title, "url": self.url}


@dataclass(frozen=True)
class Rule:
    id: str
    topic: str
    kind: str  # "topic" rules outrank "generic" detectors
    status: str
    reason: str
    correction: str
    sources: tuple[Source, ...]
    patterns: tuple[Pattern, ...]
    unless: tuple[Pattern, ...]
    context: tuple[Pattern, ...]  # at least one must also occur in the sentence (keeps a rule on its topic)
    negation_veto: bool
    needs_no_citation: bool
    examples: tuple[str, ...]
    counterexamples: tuple[str, ...]
    # A topic rule's flagged claim, negated or quoted to be corrected ("ICI does not place sperm in the uterus"),
    # states the fact the rule's reason explains: that sentence gets this status ("" to leave it unlabelled).
    negated_status: str = ""
    negated_examples: tuple[str, ...] = ()
    # A generic detector that judges only what no fact or topic rule covers: "Research shows X" is unsupported
    # when X is a claim the knowledge base neither backs nor contradicts, and says nothing against a backed X.
    only_unchecked: bool = False


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    kind: str
    summary: str
    rules: tuple[Rule, ...]
    query: str  # search terms that find passages on this topic


@dataclass(frozen=True)
class Clarification:
    terms: tuple[str, ...]  # concept names; the note shows when a query mentions any of them
    title: str
    note: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class KnowledgeBase:
    sources: dict[str, Source]
    concepts: dict[str, tuple[str, ...]]
    synonyms: tuple[tuple[str, ...], ...]  # groups of interchangeable search phrases
    clarifications: tuple[Clarification, ...]
    topics: tuple[Topic, ...]
    fingerprint: str  # changes whenever any knowledge file changes: cached checks are redone
    special: dict[str, Pattern] = field(default_factory=dict)
    reader: RelationReader | None = None  # concepts, relations and facts (relations.toml, <topic>/ folders)

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(rule for topic in self.topics for rule in topic.rules)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise KnowledgeBaseError(f"{path}: cannot read: {e}") from e


def _require(table: dict[str, Any], key: str, kind: type, where: str) -> Any:
    value = table.get(key)
    if value is None:
        raise KnowledgeBaseError(f"{where}: missing field '{key}'")
    if not isinstance(value, kind) or (isinstance(value, str | list) and not value):
        raise KnowledgeBaseError(f"{where}: field '{key}' must be a non-empty {kind.__name__}")
    return value


def _strings(value: Any, where: str, key: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise KnowledgeBaseError(f"{where}: field '{key}' must be a list of non-empty strings")
    return value


def _load_sources(path: Path) -> dict[str, Source]:
    sources = {}
    for sid, table in _load_toml(path).get("sources", {}).items():
        where = f"{path}: source {sid}"
        url = _require(table, "url", str, where)
        if not url.startswith(("https://", "http://")):
            raise KnowledgeBaseError(f"{where}: url must start with http:// or https://")
        sources[sid] = Source(
            sid,
            _require(table, "publisher", str, where),
            _require(table, "title", str, where),
            url,
            table.get("note", ""),
        )
    if not sources:
        raise KnowledgeBaseError(f"{path}: no [sources.<id>] tables")
    return sources


def _cite(ids: Any, sources: dict[str, Source], where: str) -> tuple[Source, ...]:
    cited = []
    for sid in _strings(ids, where, "sources"):
        if sid not in sources:
            raise KnowledgeBaseError(f"{where}: unknown source '{sid}'")
        cited.append(sources[sid])
    return tuple(cited)


def _load_rule(table: dict, topic: Topic | dict, ctx: dict, where: str) -> Rule:
    status = _require(table, "status", str, where)
    if status not in RULE_STATUSES:
        raise KnowledgeBaseError(f"{where}: status '{status}' must be one of {', '.join(RULE_STATUSES)}")
    correction = table.get("correction", "")
    if status == "inaccurate" and not correction:
        raise KnowledgeBaseError(f"{where}: an inaccurate rule needs a 'correction'")
    sources = _cite(table.get("sources"), ctx["sources"], where)
    if not sources:
        raise KnowledgeBaseError(f"{where}: a rule needs at least one source (no citation, no label)")
    patterns = _strings(table.get("patterns"), where, "patterns")
    if not patterns:
        raise KnowledgeBaseError(f"{where}: missing field 'patterns'")
    flags_topic = topic["kind"] == "topic" and status in ("inaccurate", "unsupported")
    flags_topic = flags_topic and bool(table.get("negation_veto", True))  # a claim that cannot be denied
    negated_status = table.get("negated_status", "supported" if flags_topic else "")
    if negated_status not in ("", "supported"):
        raise KnowledgeBaseError(f'{where}: negated_status must be "supported" or ""')
    if negated_status and not flags_topic:
        raise KnowledgeBaseError(f"{where}: negated_status applies only to a topic rule that flags a claim")
    unknown = sorted(set(table) - _RULE_FIELDS)
    if unknown:
        raise KnowledgeBaseError(f"{where}: unknown field(s) {', '.join(unknown)}")
    return Rule(
        id=table["id"],
        topic=topic["id"],
        kind=topic["kind"],
        status=status,
        reason=_require(table, "reason", str, where),
        correction=correction,
        sources=sources,
        patterns=compile_patterns(patterns, ctx["concepts"], where, "pattern"),
        unless=compile_patterns(_strings(table.get("unless"), where, "unless"), ctx["concepts"], where, "unless"),
        context=compile_patterns(_strings(table.get("context"), where, "context"), ctx["concepts"], where, "context"),
        negation_veto=bool(table.get("negation_veto", True)),
        needs_no_citation=bool(table.get("needs_no_citation", False)),
        examples=tuple(_strings(table.get("examples"), where, "examples")),
        counterexamples=tuple(_strings(table.get("counterexamples"), where, "counterexamples")),
        negated_status=negated_status,
        negated_examples=tuple(_strings(table.get("negated_examples"), where, "negated_examples")),
        only_unchecked=bool(table.get("only_unchecked", False)),
    )


def _load_topic(path: Path, ctx: dict, seen: set[str]) -> Topic:
    data = _load_toml(path)
    head = {"id": data.get("topic") or path.stem, "kind": data.get("kind", "topic")}
    if head["kind"] not in ("topic", "generic"):
        raise KnowledgeBaseError(f"{path}: kind must be 'topic' or 'generic'")
    rules = []
    for i, table in enumerate(data.get("rules", []), 1):
        rid = table.get("id")
        if not isinstance(rid, str) or not _ID.match(rid):
            raise KnowledgeBaseError(f"{path}: rule #{i}: 'id' must be lower-case letters, digits and hyphens")
        if rid in seen:
            raise KnowledgeBaseError(f"{path}: rule {rid}: duplicate rule id")
        seen.add(rid)
        rules.append(_load_rule(table, head, ctx, f"{path}: rule {rid}"))
    if not rules:
        raise KnowledgeBaseError(f"{path}: no [[rules]]")
    return Topic(
        head["id"],
        data.get("title", head["id"]),
        head["kind"],
        data.get("summary", ""),
        tuple(rules),
        data.get("query", ""),
    )


def _expand_references(phrases: list[str], concepts: dict[str, list[str]], where: str) -> list[str]:
    """A phrase "{other}" stands for every phrase of a concept defined earlier in the file."""
    out = []
    for phrase in phrases:
        if phrase.startswith("{") and phrase.endswith("}"):
            name = phrase[1:-1]
            if name not in concepts:
                raise KnowledgeBaseError(f"{where}: unknown concept {phrase} (define it earlier in the file)")
            out.extend(concepts[name])
        else:
            out.append(phrase)
    return out


def _load_terms(path: Path, sources: dict[str, Source]) -> tuple[dict, tuple, tuple]:
    data = _load_toml(path)
    concepts: dict[str, list[str]] = {}
    synonyms = []
    for name, table in data.get("concepts", {}).items():
        where = f"{path}: concept {name}"
        phrases = _strings(table.get("phrases"), where, "phrases")
        if not phrases:
            raise KnowledgeBaseError(f"{where}: missing field 'phrases'")
        concepts[name] = _expand_references(phrases, concepts, where)
        if table.get("synonym"):
            synonyms.append(tuple(p for p in phrases if "*" not in p))
    clarifications = []
    for i, table in enumerate(data.get("clarifications", []), 1):
        where = f"{path}: clarification #{i}"
        terms = tuple(_strings(table.get("terms"), where, "terms"))
        unknown = [t for t in terms if t not in concepts]
        if not terms or unknown:
            raise KnowledgeBaseError(f"{where}: 'terms' must name known concepts (unknown: {unknown})")
        cited = _cite(table.get("sources"), sources, where)
        if not cited:
            raise KnowledgeBaseError(f"{where}: a clarification needs at least one source")
        clarifications.append(
            Clarification(terms, _require(table, "title", str, where), _require(table, "note", str, where), cited)
        )
    return concepts, tuple(synonyms), tuple(clarifications)


def _fingerprint(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update("/".join(path.parts[-2:]).encode() + b"\0" + path.read_bytes())  # folder/name: topics reuse names
    return digest.hexdigest()[:16]


SPECIAL_CONCEPTS = ("negation", "contrast", "debunk", "citation", "medical", "claim")
OPTIONAL_SPECIAL_CONCEPTS = ("report",)  # used when terms.toml has them


def load_knowledge_base(directory: str | Path | None = None) -> KnowledgeBase:
    """Load and validate every knowledge file in `directory` (default: the package's own)."""
    folder = Path(directory) if directory else DEFAULT_DIR
    if not folder.is_dir():
        raise KnowledgeBaseError(f"{folder}: knowledge folder not found")
    for required in _RESERVED:
        if not (folder / required).is_file():
            raise KnowledgeBaseError(f"{folder / required}: required knowledge file is missing")
    sources = _load_sources(folder / "sources.toml")
    concepts, synonyms, clarifications = _load_terms(folder / "terms.toml", sources)
    missing = [c for c in SPECIAL_CONCEPTS if c not in concepts]
    if missing:
        raise KnowledgeBaseError(f"{folder / 'terms.toml'}: missing concepts the checker needs: {missing}")
    ctx = {"sources": sources, "concepts": concepts}
    files = sorted(p for p in folder.glob("*.toml") if p.name not in _RESERVED | _NOT_RULES)
    seen: set[str] = set()
    topics = tuple(_load_topic(path, ctx, seen) for path in files)
    special = {
        name: compile_patterns([f"{{{name}}}"], concepts, f"{folder / 'terms.toml'}", "concept")[0]
        for name in (*SPECIAL_CONCEPTS, *(c for c in OPTIONAL_SPECIAL_CONCEPTS if c in concepts))
    }
    reader = load_reader(folder, concepts, sources)
    fingerprinted = [folder / "sources.toml", folder / "terms.toml", *files, *knowledge_files(folder)]
    return KnowledgeBase(
        sources=sources,
        concepts={k: tuple(v) for k, v in concepts.items()},
        synonyms=synonyms,
        clarifications=clarifications,
        topics=topics,
        fingerprint=_fingerprint(fingerprinted),
        special=special,
        reader=reader,
    )


@lru_cache(maxsize=4)
def default_knowledge_base() -> KnowledgeBase:
    """The package's knowledge base, loaded once per process."""
    return load_knowledge_base()
