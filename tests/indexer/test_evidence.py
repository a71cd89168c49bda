"""The checker's behaviour beyond single rules: denial, contrast, questions, citations, precedence, robustness."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import FLAGGED, STATUSES, Checker, default_knowledge_base

CHECKER = Checker(default_knowledge_base())


def status(sentence: str) -> str:
    return CHECKER.check(sentence).status


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the same claim, asserted, denied, contrasted and debunked
        ("ICI is the same as IUI.", "inaccurate"),
        ("ICI is not the same as IUI.", "supported"),
        ("ICI, unlike IUI, places sperm at the cervix.", "supported"),
        ("It is a myth that ICI is the same as IUI.", "supported"),
        ("Stress causes miscarriage.", "inaccurate"),
        ("Stress does not cause miscarriage.", "supported"),
        ("Contrary to popular belief, stress does not cause miscarriage.", "supported"),
        # "not only X but also Y" still asserts X
        ("ICI not only places sperm into the uterus but also costs little.", "inaccurate"),
        # a negation in an earlier clause does not deny a later claim
        ("While there is no guarantee, ICI is the same as IUI.", "inaccurate"),
        # "no matter" is not a denial
        ("The risk of another miscarriage stays the same no matter how many losses you have had.", "inaccurate"),
        # questions assert nothing
        ("Is ICI the same as IUI?", "no_claim"),
        ("Can stress cause a miscarriage?", "no_claim"),
        # a medical claim the knowledge base does not cover, and a sentence with no claim at all
        ("Folic acid before pregnancy lowers the risk of neural tube defects.", "unverified"),
        # a risk factor the knowledge base holds as a fact (HSE: smoking raises the risk)
        ("Smoking during pregnancy increases the risk of miscarriage.", "supported"),
        ("We are so sorry for your loss.", "no_claim"),
    ],
)
def test_context_decides_the_verdict(sentence, expected):
    assert status(sentence) == expected


def test_a_checkable_citation_clears_a_vague_attribution():
    assert status("Studies have shown that yoga helps couples conceive.") == "unsupported"
    assert status("A 2019 study by Smith et al. showed that yoga helps couples conceive.") != "unsupported"
    assert status("According to the NHS, counselling helps people cope with grief after a miscarriage.") == "supported"


def test_risk_factor_statements_are_not_vague_benefit_claims():
    """Reputable summaries say "studies show that smoking increases the risk": not a flag (MedQuAD precision)."""
    assert status("Studies show that cigarette smoking increases the risk of anal cancer.") not in FLAGGED
    assert status("When clinical trials show that a new treatment is better, it may become standard.") not in FLAGGED


def test_topic_rules_outrank_generic_detectors():
    check = CHECKER.check(
        "Studies have shown that ICI can increase the chances of pregnancy for couples with recurrent miscarriage."
    )
    assert (check.status, check.rule) == ("inaccurate", "insemination-treats-rpl")


def test_most_severe_topic_rule_wins():
    sentence = "It is fine to use tampons straight away after a miscarriage, even while you are still bleeding."
    statuses = {v.status for v in CHECKER.verdicts(sentence)}
    assert CHECKER.check(sentence).status == "inaccurate" and len(statuses) >= 1


def test_a_flag_carries_reason_correction_and_sources():
    check = CHECKER.check("Intra cervical insemination, also known as intrauterine insemination (ICI), is a treatment.")
    assert check.status == "inaccurate" and check.rule == "ici-called-iui"
    assert check.reason and check.correction and check.topic == "insemination"
    assert any("nice.org.uk" in s.url for s in check.sources)


def test_a_denied_claim_is_supported_without_a_correction():
    check = CHECKER.check("ICI does not place sperm into the uterus.")
    assert check.status == "supported" and check.rule == "ici-sperm-in-uterus" and check.correction == ""


def test_facts_stay_on_their_topic():
    """A rule's context keeps miscarriage sources off unrelated text (MedQuAD showed these)."""
    for sentence in (
        "In most cases, the cause of rhabdomyosarcoma is not known.",
        "Most often, Down syndrome is caused by an extra chromosome 21.",
        "People with CVID are highly susceptible to infection from bacteria.",
    ):
        assert CHECKER.check(sentence).rule == "", sentence


def test_offsets_are_kept():
    check = CHECKER.check("ICI is the same as IUI.", 10, 33)
    assert (check.start, check.end) == (10, 33)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_on_any_text(text):
    assert CHECKER.check(text).status in STATUSES


def test_hostile_inputs():
    for text in ("", " ", "?" * 1000, "ICI " * 5000, "\u200b\u202e IUI", "n't n't n't", "(" * 500 + "IUI"):
        assert CHECKER.check(text).status in STATUSES


def test_an_opening_it_is_read_with_what_came_before():
    assert CHECKER.resolve("It can help couples heal after a miscarriage.", "ICI") == (
        "ICI can help couples heal after a miscarriage."
    )
    assert CHECKER.resolve("Additionally, this procedure offers hope.", "ICI") == "Additionally, ICI offers hope."
    assert CHECKER.resolve("It is important to rest.", "ICI") == "It is important to rest."  # no referent there
    assert CHECKER.resolve("It can help couples heal after a miscarriage.") == (
        "It can help couples heal after a miscarriage."
    )
    assert CHECKER.referent_after("One option is intracervical insemination.") == "intracervical insemination"
    assert CHECKER.referent_after("It can also help.", "ICI") == "ICI"  # carried along a chain of "It"s
    assert CHECKER.referent_after("Rest matters.", "ICI") == ""
    assert CHECKER.referent_after("Counselling helps.", "") == ""


def test_documents_are_checked_with_that_context(tmp_path):
    from indexer import check_document, load_document
    from indexer.checking.analysis import VerdictCache

    sentence = "It can also help couples heal after a miscarriage."
    (tmp_path / "a.txt").write_text(f"A\n\nICI is a simple procedure. {sentence}\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(f"B\n\nCounselling is available. {sentence}\n", encoding="utf-8")
    cache = VerdictCache(CHECKER)
    verdicts = {}
    for name in ("a.txt", "b.txt"):
        checked = check_document(load_document(tmp_path / name), cache)
        verdicts[name] = next(c for p in checked.passages for c in p.checks if c.text == sentence)
    assert verdicts["a.txt"].status == "unsupported"  # about ICI
    assert verdicts["b.txt"].status not in FLAGGED  # not about a procedure: the cache must not reuse the flag
    assert verdicts["a.txt"].text == sentence  # the verdict keeps the sentence as written


# The checker's shortcuts (a pattern index, the word prefilter before the referent regex) must give exactly what
# the plain algorithm gives: every rule in order, judged on the first of its patterns that matches.
def reference_verdicts(checker: Checker, sentence: str) -> list:
    line, feats = checker.prepare(sentence)
    out = []
    for rule in checker._rules:
        match = next((m for p in rule.patterns if (m := p.search(line, feats)) is not None), None)
        verdict = None if match is None else checker._verdict(rule, match, line, feats, sentence)
        if verdict is not None:
            out.append(verdict)
    return out


def reference_referent_after(sentence: str, referent: str = "") -> str:
    """The referent found the slow way: every concept's names run over the line, no feature index."""
    reader = CHECKER.kb.reader
    line, _ = CHECKER.prepare(sentence)
    found = sorted(
        (
            (m.start(), m.start() - m.end(), n, c)
            for n, c in enumerate(reader.concepts.values())
            for m in c.names.regex.finditer(line)
        ),
    )
    kept, end = [], -1
    for start, negative_length, _, concept in found:
        if start >= end:
            kept.append(concept)
            end = start - negative_length
    named = next((c for c in kept if c.referent), None)
    if named is not None:
        return named.label.split(" (")[0]
    return referent if referent and reader.discourse.anaphor.match(sentence) else ""


RULE_SENTENCES = [
    s for rule in CHECKER.kb.rules for s in (*rule.examples, *rule.counterexamples, *rule.negated_examples)
]
RULE_WORDS = sorted({w for s in RULE_SENTENCES for w in s.split()})


def test_rule_examples_get_the_reference_verdicts():
    for sentence in RULE_SENTENCES:
        assert CHECKER.verdicts(sentence) == reference_verdicts(CHECKER, sentence), sentence


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(RULE_WORDS), min_size=1, max_size=30))
def test_sentences_of_rule_words_get_the_reference_verdicts(words):
    sentence = " ".join(words)
    assert CHECKER.verdicts(sentence) == reference_verdicts(CHECKER, sentence)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "It",
                "This procedure",
                "ICI",
                "iui",
                "Home insemination",
                "fertility massage",
                "helps",
                "In\u017fEMINATION",
                "\u0131c\u0131",
                "\u0130C\u0130",
                "ici.",
                "rest",
                "musici",
                "\u00e9",
            ]
        )
        | st.sampled_from(RULE_WORDS),
        max_size=8,
    ),
    st.sampled_from(["", "ICI", "insemination"]),
)
def test_referent_matches_the_reference(words, referent):
    sentence = " ".join(words)
    assert CHECKER.referent_after(sentence, referent) == reference_referent_after(sentence, referent)


def test_a_verdict_moved_to_other_offsets_keeps_every_other_field():
    from dataclasses import fields, replace

    from indexer.checking.evidence import SentenceCheck

    values = {f.name: f"value of {f.name}" for f in fields(SentenceCheck)}
    check = SentenceCheck(**{**values, "start": 1, "end": 2})
    assert check.at(10, 20) == replace(check, start=10, end=20)
