"""Every knowledge-base rule against its own examples, counterexamples and denied examples, and the shape of its
explanations (issue 5: plain reasons, a one-sentence correction, real sources)."""

from __future__ import annotations

import re

import pytest

from indexer import Checker, default_knowledge_base

KB = default_knowledge_base()
CHECKER = Checker(KB)
RULES = KB.rules


def _cases(kind: str):
    return [
        pytest.param(rule, text, id=f"{rule.id}:{i}") for rule in RULES for i, text in enumerate(getattr(rule, kind))
    ]


@pytest.mark.parametrize(("rule", "sentence"), _cases("examples"))
def test_rule_labels_its_examples(rule, sentence):
    check = CHECKER.check(sentence)
    assert rule.id in [r.id for r in CHECKER.matching_rules(sentence)]
    assert check.status == rule.status, f"{check.rule} decided it"


@pytest.mark.parametrize(("rule", "sentence"), _cases("counterexamples"))
def test_rule_leaves_its_counterexamples(rule, sentence):
    assert rule.id not in [r.id for r in CHECKER.matching_rules(sentence)]


@pytest.mark.parametrize(("rule", "sentence"), _cases("negated_examples"))
def test_denied_claim_is_supported_by_the_rule(rule, sentence):
    """Negating or debunking a flagged claim states the fact: the rule supports the sentence instead."""
    verdicts = [(v.rule.id, v.status) for v in CHECKER.verdicts(sentence)]
    assert (rule.id, "supported") in verdicts
    assert CHECKER.check(sentence).status not in ("inaccurate", "unsupported")


def test_every_rule_has_examples():
    assert [r.id for r in RULES if not r.examples] == []
    assert [r.id for r in RULES if r.status != "supported" and not r.counterexamples] == []


def test_every_flagging_topic_rule_has_a_denied_example():
    missing = [r.id for r in RULES if r.negated_status and not r.negated_examples]
    assert missing == []


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_explanations_are_plain_and_sourced(rule):
    for text in (rule.reason, rule.correction):
        for sentence in filter(None, re.split(r"(?<=[.!?])\s+", text)):
            assert len(sentence.split()) <= 45, f"long sentence in {rule.id}: {sentence}"
        assert not re.search(r"\b(your fault|you should have|careless|irresponsible)\b", text, re.I)
    if rule.status == "inaccurate":
        assert len(re.findall(r"[.!?](?:\s|$)", rule.correction)) == 1, "a correction is one sentence"
    assert rule.sources and all(s.url.startswith(("https://", "http://")) for s in rule.sources)


def test_acronyms_in_reasons_are_glossed_somewhere_in_the_rule():
    """A reader meets "ICI" or "RPL" with its meaning: the reason or correction spells it out or says what it does."""
    glossed = {"ICI": "cervix", "IUI": "uterus", "IVF": "egg", "RPL": "pregnancy loss", "PTSD": "stress"}
    for rule in RULES:
        text = f"{rule.reason} {rule.correction}"
        for acronym, gloss in glossed.items():
            if re.search(rf"\b{acronym}\b", text):
                assert gloss in text, f"{rule.id} uses {acronym} without saying what it is"


def test_disagreement_is_cited_both_ways_and_neither_side_flagged():
    """WHO's six months versus newer evidence: one supported rule cites both and says they differ."""
    rule = KB.rule("trying-again-timing")
    cited = {s.id for s in rule.sources}
    assert {"who-birth-spacing", "plos-2022-interval"} <= cited
    assert rule.status == "supported" and "differ" in rule.reason
    for sentence in (
        "The World Health Organization recommends waiting at least six months after a miscarriage before trying again.",
        "Newer studies found no extra risk when women conceived within six months of a miscarriage.",
    ):
        assert CHECKER.check(sentence).status == "supported"


def test_every_reference_section_is_covered():
    """Each section of medical-facts.md (a-i) has rules that support and rules that flag."""
    topics = {t.id: t for t in KB.topics}
    expected = {
        "a": [
            "ici-called-iui",
            "iui-sperm-in-uterus",
            "artificial-insemination-umbrella",
            "home-insemination-called-iui",
        ],
        "b": ["rpl-definition", "rpl-wrong-definition"],
        "c": ["miscarriage-definition", "miscarriage-how-common", "miscarriage-everyday-causes"],
        "d": ["insemination-treats-rpl", "rpl-workup"],
        "e": ["iui-more-effective-than-ici", "ici-beats-natural-conception", "natural-conception-odds"],
        "f": ["avoid-sex-tampons-two-weeks", "sex-tampons-straight-away"],
        "g": ["relaxation-improves-outcome", "stress-not-linked-to-outcome"],
        "h": ["psychological-impact-figures", "psychological-impact-denied", "support-after-miscarriage"],
        "i": ["trying-again-timing", "recurrence-odds", "recurrence-odds-overstated"],
    }
    for section, ids in expected.items():
        assert all(KB.rule(i) is not None for i in ids), section
    assert "insemination" in topics and "recovery" in topics
