"""Claims read as relations between concepts (issue 12): every fact against its own examples and counterexamples,
clause-by-clause verdicts, and the declared shape of the concept, fact and relation files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer import FLAGGED, Checker, KnowledgeBaseError, default_knowledge_base, load_knowledge_base
from indexer.checking.explain import ASSERTED  # what a fact gives a sentence asserting its relation
from indexer.knowledge.base import DEFAULT_DIR

KB = default_knowledge_base()
CHECKER = Checker(KB)
FACTS = KB.reader.facts


def _cases(kind: str):
    return [pytest.param(f, text, id=f"{f.id}:{i}") for f in FACTS for i, text in enumerate(getattr(f, kind))]


def _fact_ids(sentence: str) -> dict[str, str]:
    _, clauses = CHECKER.judge(sentence)
    return {c.id: c.status for clause in clauses for c in clause.found}


@pytest.mark.parametrize(("fact", "sentence"), _cases("examples"))
def test_fact_judges_its_examples(fact, sentence):
    assert _fact_ids(sentence).get(fact.id) == ASSERTED[fact.truth]
    assert CHECKER.check(sentence).status == ASSERTED[fact.truth]


@pytest.mark.parametrize(("fact", "sentence"), _cases("counterexamples"))
def test_fact_leaves_its_counterexamples(fact, sentence):
    assert _fact_ids(sentence).get(fact.id) in (None, "supported")


def test_every_fact_cites_a_real_source_and_says_what_is_true():
    for fact in FACTS:
        assert fact.sources and all(s.url.startswith(("https://", "http://")) for s in fact.sources), fact.id
        assert fact.statement.endswith("."), fact.id


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        # a true fragment does not vouch for the rest of the sentence
        ("In IUI, sperm is placed in the cervical canal or the uterus to raise the chance of pregnancy.", "inaccurate"),
        ("Artificial insemination, or IUI, involves placing sperm directly into the cervix or uterus.", "inaccurate"),
        # the contrast is not the subject
        ("ICI, unlike IUI, places sperm at the cervix.", "supported"),
        ("Unlike IUI, which places sperm in the uterus, ICI places it at the cervix.", "supported"),
        ("ICI places sperm at the cervix rather than in the uterus.", "supported"),
        # a denied error states the fact; one clause's denial does not cover the next
        ("IUI must be done in a clinic, not at home.", "supported"),
        ("The sample is washed in a lab before it is placed at the cervix.", "inaccurate"),
        (
            "Home insemination is sometimes mistakenly called IUI, but it actually places sperm in the vagina.",
            "supported",
        ),
    ],
)
def test_clause_by_clause(sentence, status):
    assert CHECKER.check(sentence).status == status


def test_a_later_clause_naming_a_procedure_keeps_the_sentence_from_a_green_check():
    # the second clause says they are one procedure without a claim word the checker knows ("are simply IUI"), of
    # a subject it cannot resolve ("all of them"): the first clause's backing does not cover it
    check = Checker().check(
        "At-home ICI is a cheaper version of the same procedure, because all of them are simply IUI done elsewhere."
    )
    assert check.status == "unverified"
    assert Checker().check("At-home ICI is a cheaper version of the procedure.").status != "unverified"


def test_a_relayed_claim_is_neither_backed_nor_corrected_by_the_relaying_and_a_voice_s_is_judged():
    # "claims that" relays the conflation; it does not correct it, so no green check (nor a flag)
    assert Checker().check("Some websites claim that ICI is the same as IUI.").status == "unverified"
    # a particular voice relays it as true: judged as stated, and only ever flagged
    assert Checker().check("Dr Blake claims that ICI is the same as IUI.").status == "inaccurate"
    relayed = Checker().check("My midwife friend says that ICI is a kind of artificial insemination.")
    assert relayed.status != "supported"
    assert Checker().check("My doctor used to think that bed rest prevents miscarriage.").status == "unverified"
    # a correction cue still corrects it
    assert Checker().check("It is a myth that ICI is the same as IUI.").status == "supported"


def test_a_clause_that_only_repeats_the_claim_before_of_another_subject_makes_it_of_that_subject():
    check = Checker().check("It's a myth that stress causes miscarriage, but heavy lifting definitely can.")
    assert (check.status, check.rule) == ("inaccurate", "everyday-activities-do-not-cause-miscarriage")
    # a passive clause naming a cause and no object: the object is the clause before's
    carried = Checker().check(
        "Most miscarriages are caused by chromosome problems, but a good number are triggered by stress at work."
    )
    assert (carried.status, carried.rule) == ("inaccurate", "stress-does-not-cause-miscarriage")
    # denied by the words that repeat it
    assert Checker().check("ICI places sperm at the cervix, but IUI does not.").status == "supported"


def test_a_denial_in_one_clause_does_not_cover_the_next():
    sentence = (
        "Nothing can promise that insemination prevents another miscarriage, "
        "but research suggests it improves the odds."
    )
    assert CHECKER.check(sentence).status in ("inaccurate", "unsupported")


@pytest.fixture()
def kb_dir(tmp_path) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIR, folder)
    return folder


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace('truth = "false"', 'truth = "maybe"', 1), "truth"),
        (lambda t: t.replace('subject = "ici"', 'subject = "no-such-concept"', 1), "no-such-concept"),
        (lambda t: t.replace('relation = "same-as"', 'relation = "no-such-relation"', 1), "no-such-relation"),
        (lambda t: t.replace('sources = ["nice-cg156-iui", "mayo-iui"]', 'sources = ["made-up"]', 1), "made-up"),
        (lambda t: t.replace("[[facts]]", "[[facts]]\ncolour = 'red'", 1), "colour"),
    ],
)
def test_a_broken_facts_file_names_the_file_and_the_problem(kb_dir, edit, message):
    path = kb_dir / "insemination" / "facts.toml"
    path.write_text(edit(path.read_text()))
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(kb_dir)
    assert str(path) in str(caught.value) and message in str(caught.value)


def test_a_fact_must_join_the_kinds_its_relation_joins(kb_dir):
    path = kb_dir / "insemination" / "facts.toml"
    path.write_text(path.read_text().replace('object = "iui"', 'object = "uterus"', 1))
    with pytest.raises(KnowledgeBaseError, match="joins"):
        load_knowledge_base(kb_dir)


def test_knowledge_files_change_the_fingerprint(kb_dir):
    before = load_knowledge_base(kb_dir).fingerprint
    path = kb_dir / "insemination" / "concepts.toml"
    path.write_text(path.read_text() + "\n# an edit\n")
    assert load_knowledge_base(kb_dir).fingerprint != before


def test_a_fact_with_when_judges_only_its_case_and_the_general_fact_the_rest():
    """Progesterone after bleeding and a previous loss (NICE) is backed; progesterone for everyone is not."""
    case = "For women with bleeding who have had a miscarriage before, progesterone can prevent a miscarriage."
    general = "Progesterone treatment prevents miscarriage."
    assert CHECKER.check(case).rule == "progesterone-for-bleeding-after-loss"
    assert CHECKER.check(case).status == "supported"
    assert CHECKER.check(general).rule == "progesterone-not-for-every-pregnancy"
    assert CHECKER.check(general).status == "unsupported"


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("Research shows ICI lifts the mood of women who have miscarried.", "unsupported"),
        (
            "A 2019 systematic review in Human Reproduction Update found ICI and IUI rates closer than people think.",
            "unsupported",
        ),
        (
            "According to the American Pregnancy Association, you may have a higher risk of another loss if your body "
            "isn't ready.",
            "unsupported",
        ),
        # backed or contradicted claims keep their verdict; off-topic claims are not ours to call unsupported
        ("Several experts and health bodies say to wait about two weeks before sex.", "supported"),
        ("Studies show that cigarette smoking increases the risk of anal cancer.", "unverified"),
        ("Kop et al. (2022) found that IUI led to more live births than ICI.", "supported"),
        ("Research has not shown that ICI lifts the mood of women who have miscarried.", "unverified"),
    ],
)
def test_an_attributed_claim_the_facts_do_not_cover_is_unsupported_on_their_topics_only(sentence, status):
    assert CHECKER.check(sentence).status == status


def test_the_chance_of_a_harm_is_not_the_chance_of_pregnancy():
    # "chance" names the chance of pregnancy only when nothing follows that says of what: a green check from
    # "IUI raises the chance of pregnancy" on a claim about miscarriage is the worst failure there is
    assert Checker().check("IUI increases the chance of a miscarriage.").status != "supported"
    check = Checker().check("Fertility drugs raise the chance of having twins or triplets.")
    assert (check.status, check.rule) == ("supported", "fertility-drugs-raise-multiples")
    assert Checker().check("Women over 35 face a higher chance of miscarriage.").status == "supported"
    assert Checker().check("IUI raises the chance of pregnancy.").rule == "iui-raises-pregnancy-chance"


def test_a_wrong_figure_for_the_risk_after_one_loss_and_a_wrong_threshold_for_recurrent_loss_are_inaccurate():
    check = Checker().check("Once you've had a miscarriage, your chance of having another is about 50 percent.")
    assert (check.status, check.rule) == ("inaccurate", "recurrence-after-one-loss")
    assert Checker().check("After one miscarriage, the risk of another is about 14 percent.").status == "supported"
    check = Checker().check("You're only classed as having recurrent miscarriage after five losses.")
    assert (check.status, check.rule) == ("inaccurate", "rpl-wrong-definition")


def test_a_harm_named_with_its_risk_word_is_what_the_verb_before_it_causes():
    check = Checker().check("Stimulated IUI carries no extra risk of twins compared with a natural cycle.")
    assert (check.status, check.rule) == ("inaccurate", "fertility-drugs-raise-multiples")
    check = Checker().check("Getting pregnant too soon after a loss puts the next baby at risk.")
    assert (check.status, check.rule) == ("inaccurate", "conceiving-soon-does-not-raise-risk")
    assert Checker().check("Stimulated IUI carries a higher risk of twins.").status == "supported"


def test_an_apposition_names_what_a_procedure_is():
    check = Checker().check("She conceived through intrauterine insemination, the ICI method she did on her sofa.")
    assert (check.status, check.rule) == ("inaccurate", "iui-is-not-ici")
    check = Checker().check("We offer IUI, the most affordable assisted reproductive technology treatment.")
    assert (check.status, check.rule) == ("inaccurate", "insemination-not-art")
    # a plain list names several procedures, not one
    assert Checker().check("We offer ICI, IUI and IVF.").status not in FLAGGED


def test_the_condition_first_and_the_procedure_called_the_answer_last_is_what_it_is_for():
    sentence = "If you've been told your infertility is 'unexplained', a syringe at home can be the answer."
    check = Checker().check(sentence)
    assert (check.status, check.rule) == ("unsupported", "home-insemination-not-for-infertility")


def test_her_own_loss_is_a_pregnancy_loss_and_a_miscarriage_after_a_procedure_called_rare_is_corrected():
    sentence = 'The star claimed her own loss was caused by "carrying my heavy camera bag at a festival."'
    check = Checker().check(sentence)
    assert (check.status, check.rule) == ("inaccurate", "everyday-activities-do-not-cause-miscarriage")
    check = Checker().check("Another says miscarriage after IUI is so rare that it is not worth covering tests.")
    assert (check.status, check.rule) == ("inaccurate", "miscarriage-rare")
    # "your loss of smell" is no pregnancy loss
    sentence = "See your doctor if you think something serious has caused your loss of smell."
    assert Checker().check(sentence).status not in FLAGGED
