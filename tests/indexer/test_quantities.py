"""Numbers in claims (issue 12): durations and proportions parsed from text, and measures judging them."""

from __future__ import annotations

import pytest

from indexer import Checker, default_knowledge_base
from indexer.knowledge.quantities import Quantity, judge, parse

CHECKER = Checker(default_knowledge_base())


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("sperm last two to three days at most", 0.0, 3.0, "duration"),
        ("about a day and a half after sex", 1.5, 1.5, "duration"),
        ("48-72 hours", 2.0, 3.0, "duration"),
        ("around 1 in 4 known pregnancies", 0.25, 0.25, "proportion"),
        ("a one-in-ten to one-in-five chance", 0.1, 0.2, "proportion"),
        ("in 5% or fewer of pregnancies", 0.0, 0.05, "proportion"),
        ("about 10 to 20 percent of known pregnancies", 0.1, 0.2, "proportion"),
        ("a quarter of all pregnancies", 0.25, 0.25, "proportion"),
    ],
)
def test_quantities_are_read_with_their_unit_and_bounds(text, low, high, unit):
    (quantity,) = parse(text)
    assert (round(quantity.low, 4), round(quantity.high, 4), quantity.unit) == (low, high, unit)


def test_no_quantity_in_words_that_only_look_like_one():
    assert parse("one in a million") == []
    assert parse("sperm can live more than 2 days")[0].open_ended


def test_judging_a_quantity_against_a_range():
    def q(low, high):
        return Quantity(low, high, "duration", 0, 0)

    assert judge(q(0, 5), (4, 7), "high") == "supported"  # "up to five days"
    assert judge(q(2, 3), (4, 7), "high") == "inaccurate"  # "two to three days"
    assert judge(q(0.1, 0.2), (0.08, 0.2), "range") == "supported"
    assert judge(q(0.25, 0.25), (0.08, 0.2), "range") == "inaccurate"
    assert judge(q(0, 0.5), (0.1, 0.55), "range") is None  # "up to half": straddles the range


@pytest.mark.parametrize(
    ("sentence", "status", "rule"),
    [
        ("Sperm can only survive 48 hours inside you.", "inaccurate", "sperm-survival"),
        ("Sperm can survive for up to five days in fertile cervical mucus.", "supported", "sperm-survival"),
        (
            "Around 25 percent of confirmed pregnancies end in miscarriage.",
            "inaccurate",
            "miscarriage-rate-known-pregnancies",
        ),
        ("Miscarriage happens in about 4 percent of pregnancies.", "inaccurate", "miscarriage-rate-all-pregnancies"),
        # a reported belief, a table of figures and a parasite's eggs are not the measures' claims
        ("More than half of respondents thought miscarriage happens in 5% of pregnancies or fewer.", None, None),
        (
            "Abnormality of the menstrual cycle 90% Anemia 90% Nausea 90% Spontaneous abortion in pregnancy 7.5%",
            None,
            None,
        ),
        ("Pinworm eggs can survive in the indoor environment for 2 to 3 weeks.", None, None),
    ],
)
def test_measures_judge_the_numbers_sentences_state(sentence, status, rule):
    check = CHECKER.check(sentence)
    if status is None:
        assert check.rule not in [m.id for m in CHECKER.kb.reader.measures]
    else:
        assert (check.status, check.rule) == (status, rule)
        assert check.sources
        if status == "inaccurate":
            assert check.correction


def test_every_measure_judges_its_examples_and_leaves_its_counterexamples():
    """What `sourcecheck kb test` runs, for the measures (the facts' and rules' cases have their own tests)."""
    from indexer.checking.explain import self_test

    failures = [f for f in self_test(CHECKER.kb).failures if f.startswith("measure ")]  # examples: `outside`
    assert failures == []
    assert all(m.examples and m.counterexamples for m in CHECKER.kb.reader.measures)


def test_a_wait_is_judged_by_its_smallest_value():
    assert judge(Quantity(60.8, 60.8, "duration", 0, 0, open_ended=True), (0, 42), "low") == "inaccurate"
    assert judge(Quantity(14, 14, "duration", 0, 0), (0, 42), "low") == "supported"


def test_a_measure_without_a_range_calls_any_figure_unsupported_unless_a_study_is_named():
    assert CHECKER.check("Expect roughly a one-in-ten to one-in-five chance per ICI cycle.").status == "unsupported"
    assert CHECKER.check("Our IUI success rate is 60% per cycle.").status == "unsupported"
    assert CHECKER.check("IUI achieves about a 10 to 20 percent pregnancy rate per cycle.").status not in (
        "unsupported",
        "inaccurate",
    )
    named = "Kop et al. (2022) found ICI led to pregnancy in 5% of cycles."
    assert CHECKER.check(named).rule != "ici-success-figures"


def test_a_measure_without_a_range_must_say_its_figures_are_unsupported(tmp_path):
    import shutil

    from indexer import KnowledgeBaseError, load_knowledge_base
    from indexer.knowledge.base import DEFAULT_DIR

    folder = tmp_path / "kb"
    shutil.copytree(DEFAULT_DIR, folder)
    facts = folder / "insemination" / "facts.toml"
    text = facts.read_text()
    start = text.index('id = "ici-success-figures"')
    entry = text[start:].replace('outside = "unsupported"', 'outside = "inaccurate"', 1)
    facts.write_text(text[:start] + entry)
    with pytest.raises(KnowledgeBaseError, match="ici-success-figures: a measure without a range"):
        load_knowledge_base(folder)
