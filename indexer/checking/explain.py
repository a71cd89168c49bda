"""Why a sentence got its label, and whether the knowledge base's own examples still hold (`sourcecheck kb ...`).

`explain` lists the concepts a sentence names, the relations read in each clause, the facts and rules that
judged each clause, and the verdict; `self_test` runs every rule's and fact's examples and counterexamples.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..knowledge.base import KnowledgeBase
from .evidence import FLAGGED, Checker, most_severe

ASSERTED = {"true": "supported", "false": "inaccurate", "unestablished": "unsupported"}


def explain(checker: Checker, sentence: str, referent: str = "") -> dict:
    """The sentence's verdict and how it was reached, as plain data (JSON-ready)."""
    text = checker.resolve(sentence, referent)
    verdict = checker.check(sentence, referent=referent)
    _, clauses = checker.judge(text)
    reader = checker.kb.reader
    out_clauses = []
    for clause in clauses:
        line, feats = checker.prepare(clause.text)
        concepts = [
            {"concept": m.concept.id, "kind": m.concept.kind, "words": line[m.start : m.end].strip()}
            for m in (reader.mentions(line, feats) if reader else [])
        ]
        verdicts = [{"by": c.id, "status": c.status, "reason": c.reason} for c in clause.found]
        status = most_severe(c.status for c in clause.found) if clause.found else ""
        out_clauses.append(
            {
                "clause": clause.text,
                "concepts": concepts,
                "relations": [r.describe() for r in clause.readings],
                "verdicts": verdicts,
                "status": status or ("unverified" if checker.is_claim(clause.text) else "no_claim"),
            }
        )
    return {
        "sentence": sentence,
        "read_as": text,
        "clauses": out_clauses,
        "verdict": verdict.as_dict(),
    }


def explanation_text(report: dict) -> str:
    """`explain`'s report for a terminal."""
    lines = [f"Sentence: {report['sentence']}"]
    if report["read_as"] != report["sentence"]:
        lines.append(f"Read as:  {report['read_as']}")
    for number, clause in enumerate(report["clauses"], 1):
        lines.append(f"Clause {number}: {clause['clause']}")
        concepts = ", ".join(f"{c['concept']} ({c['kind']}: '{c['words']}')" for c in clause["concepts"])
        lines.append(f"  concepts:  {concepts or 'none'}")
        lines.append(f"  relations: {'; '.join(clause['relations']) or 'none'}")
        for v in clause["verdicts"]:
            lines.append(f"  {v['status']:<11} by {v['by']}: {v['reason']}")
        lines.append(f"  clause verdict: {clause['status']}")
    verdict = report["verdict"]
    lines.append(f"Verdict: {verdict['status']}" + (f" ({verdict['rule']})" if verdict["rule"] else ""))
    if verdict["reason"]:
        lines.append(f"  why: {verdict['reason']}")
    if verdict["correction"]:
        lines.append(f"  correction: {verdict['correction']}")
    for source in verdict["sources"]:
        lines.append(f"  source: {source['publisher']}, {source['title']}, {source['url']}")
    return "\n".join(lines)


@dataclass
class SelfTest:
    """What a knowledge base's own examples and counterexamples give."""

    checked: int = 0
    failures: list[str] = field(default_factory=list)


def self_test(kb: KnowledgeBase, topic: str | None = None) -> SelfTest:
    """Run every rule's, fact's and measure's examples (they must get its verdict) and counterexamples (they must
    not be flagged by it)."""
    checker = Checker(kb)
    result = SelfTest()
    for rule in kb.rules:
        if topic and rule.topic != topic:
            continue
        for sentence in rule.examples:
            result.checked += 1
            got = checker.check(sentence)
            if got.status != rule.status:
                result.failures.append(f"rule {rule.id}: example got {got.status} ({got.rule or '-'}): {sentence}")
        for sentence in rule.counterexamples:
            result.checked += 1
            if rule.id in [r.id for r in checker.matching_rules(sentence)]:
                result.failures.append(f"rule {rule.id}: counterexample matched: {sentence}")
    for fact in kb.reader.facts if kb.reader else ():
        if topic and fact.topic != topic:
            continue
        for sentence in fact.examples:
            result.checked += 1
            got = checker.check(sentence)
            if got.status != ASSERTED[fact.truth]:
                result.failures.append(f"fact {fact.id}: example got {got.status} ({got.rule or '-'}): {sentence}")
        for sentence in fact.counterexamples:
            result.checked += 1
            _, clauses = checker.judge(sentence)
            if any(c.id == fact.id and c.status in FLAGGED for clause in clauses for c in clause.found):
                result.failures.append(f"fact {fact.id}: counterexample flagged: {sentence}")
    for measure in kb.reader.measures if kb.reader else ():
        if topic and measure.topic != topic:
            continue
        for sentence in measure.examples:  # a measure's examples state a wrong (or unsourced) number
            result.checked += 1
            got = checker.check(sentence)
            _, clauses = checker.judge(sentence)
            found = {(c.id, c.status) for clause in clauses for c in clause.found}
            if got.status != measure.outside or (measure.id, measure.outside) not in found:
                got_rule = got.rule or "-"
                result.failures.append(f"measure {measure.id}: example got {got.status} ({got_rule}): {sentence}")
        for sentence in measure.counterexamples:
            result.checked += 1
            _, clauses = checker.judge(sentence)
            if any(c.id == measure.id and c.status in FLAGGED for clause in clauses for c in clause.found):
                result.failures.append(f"measure {measure.id}: counterexample flagged: {sentence}")
    return result
