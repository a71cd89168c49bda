"""Discourse across sentences (issue 12): list items read with their lead-in, headings that make claims checked."""

from __future__ import annotations

from indexer import FLAGGED, Checker, check_document
from indexer.documents.loading import document_from_text
from indexer.language.passages import split_passages

CHECKER = Checker()

PAGE = """Insemination at home

Home insemination can help if you have:
- recurrent miscarriage
- unexplained infertility

Things that will not cause a miscarriage include:
- exercise
- stress

## Why ICI is the same as IUI

Intracervical insemination places sperm at the cervix. Many couples try it at home.

## Causes of miscarriage

Most miscarriages are caused by chromosome problems in the baby.
"""


def _checks(text: str, kind: str = "markdown") -> dict[str, tuple[str, str]]:
    doc = document_from_text(text, "page", kind=kind)
    return {c.text: (c.status, c.rule) for p in check_document(doc, CHECKER).passages for c in p.checks}


def test_list_items_are_read_with_their_lead_in():
    checks = _checks(PAGE)
    assert checks["recurrent miscarriage"][0] == "inaccurate"  # insemination does not treat recurrent loss
    assert checks["unexplained infertility"][0] == "unsupported"
    # "Things that will not cause a miscarriage include: stress" reads "stress will not cause a miscarriage"
    assert checks["stress"] == ("supported", "miscarriage-everyday-causes")
    assert checks["exercise"][0] == "supported"


def test_the_same_items_without_a_lead_in_claim_nothing():
    checks = _checks("Notes\n\n- recurrent miscarriage\n- stress\n")
    assert checks["recurrent miscarriage"][0] not in ("inaccurate", "unsupported", "supported")


def test_list_items_in_plain_text_are_text_not_headings():
    doc = document_from_text("Risks\n\nRisk factors\n\nYou may be at risk if:\n- you smoke\n- you are over 35\n", "t")
    assert [b.kind for b in doc.blocks] == ["heading", "paragraph", "paragraph", "paragraph"]  # the title is "Risks"


def test_a_heading_making_a_flagged_claim_is_a_checked_passage_and_a_topic_heading_is_not():
    doc = document_from_text(PAGE, "page", kind="markdown")
    checked = check_document(doc, CHECKER)
    heading_checks = [c for p in checked.passages for c in p.checks if c.text == "Why ICI is the same as IUI"]
    assert [c.status for c in heading_checks] == ["inaccurate"]
    assert not any(c.text == "Causes of miscarriage" for p in checked.passages for c in p.checks)
    # the heading's passage sits in its own section, and the passages after it keep their section heading
    ids = [p.id for p in checked.passages]
    assert len(ids) == len(set(ids))
    first = next(p for p in checked.passages if p.checks[0].text == "Why ICI is the same as IUI")
    assert first.heading == "Why ICI is the same as IUI"
    assert doc.text[first.start : first.end] == "Why ICI is the same as IUI"
    assert len(split_passages(doc)) == len(checked.passages) - 1


def test_advice_is_a_claim_on_a_page_about_conceiving_and_not_elsewhere():
    guide = (
        "How to do intracervical insemination at home\n\nDraw the sample into the syringe.\n\n"
        "Stay lying down for at least 15 minutes afterwards.\n"
    )
    first_aid = (
        "First aid for fainting\n\nHelp the person to the floor.\n\n"
        "Stay lying down for at least 15 minutes afterwards.\n"
    )
    assert _checks(guide)["Stay lying down for at least 15 minutes afterwards."] == (
        "unsupported",
        "lying-down-advice-not-shown",
    )
    assert _checks(first_aid)["Stay lying down for at least 15 minutes afterwards."][0] not in (
        "unsupported",
        "inaccurate",
        "supported",
    )


def test_a_measure_may_take_its_subject_from_the_page_title():
    page = (
        "Trying again after a miscarriage\n\nMost providers recommend waiting at least two months before "
        "trying again.\n\nWait two weeks before having sex.\n"
    )
    checks = _checks(page)
    assert checks["Most providers recommend waiting at least two months before trying again."] == (
        "inaccurate",
        "trying-again-wait",
    )
    assert checks["Wait two weeks before having sex."][1] != "trying-again-wait"
    other = "Trying again after IVF\n\nMost clinics recommend waiting at least two months before trying again.\n"
    assert _checks(other)["Most clinics recommend waiting at least two months before trying again."][1] != (
        "trying-again-wait"
    )


def test_it_opening_a_later_clause_is_the_clause_before_s_subject():
    # "it" in the second clause is IUI: the fact that IUI needs no fertility drugs judges it
    check = CHECKER.check("IUI alone doesn't work; it has to be combined with induction so that more eggs develop.")
    assert (check.status, check.rule) == ("inaccurate", "iui-does-not-require-stimulation")
    # the same clause about no named procedure states nothing the facts judge
    assert CHECKER.check("Some people say it has to be combined with induction.").status not in FLAGGED
    # a comparison in the later clause is not a claim that the two are one procedure
    assert CHECKER.check("Home insemination can work, but it is less effective than IUI or IVF.").status not in FLAGGED


def test_a_relation_may_be_stated_right_after_its_object():
    relaxed = CHECKER.check("Couples who manage to relax conceive faster.")
    assert (relaxed.status, relaxed.rule) == ("unsupported", "relaxation-not-shown")
    tilted = CHECKER.check("My doctor said my retroverted uterus could make getting pregnant difficult.")
    assert (tilted.status, tilted.rule) == ("inaccurate", "tilted-uterus-conception")
    # without the completing word the two concepts side by side state nothing
    assert CHECKER.check("Couples who manage to relax conceive.").status not in FLAGGED
    denied = CHECKER.check("Relaxing will not help you conceive faster.")
    assert denied.status == "supported"


def test_a_benefit_left_unsaid_is_read_on_conceiving_and_judged_only_when_unproven():
    unsaid = CHECKER.check("Lying still with your legs up helps you relax, which can only help.")
    assert (unsaid.status, unsaid.rule) == ("unsupported", "relaxation-not-shown")
    harmless = CHECKER.check("Lying with your legs up certainly can't hurt.")
    assert (harmless.status, harmless.rule) == ("unsupported", "lying-down-not-shown")
    # nothing says the unsaid object is conceiving: a yoga class on any page
    assert CHECKER.check("Yoga can only help.").status not in FLAGGED
    # a harm named after "can't hurt" is a claim about it, not a benefit left unsaid
    assert CHECKER.check("Relaxing with your legs up will not hurt the baby.").rule != "relaxation-not-shown"
    # on a page about conceiving the page says what it helps
    page = "Home insemination: what helps\n\nNobody knows for sure, but yoga can only help.\n"
    assert _checks(page)["Nobody knows for sure, but yoga can only help."] == ("unsupported", "relaxation-not-shown")
    other = "Back pain\n\nNobody knows for sure, but yoga can only help.\n"
    assert _checks(other)["Nobody knows for sure, but yoga can only help."][0] not in FLAGGED


def test_a_risk_left_unsaid_is_read_on_a_page_about_pregnancy():
    sentence = "And I would keep coffee to one small cup, because any more than that doubles your risk."
    check = CHECKER.check(sentence, about="miscarriage")
    assert (check.status, check.rule) == ("unsupported", "caffeine-risk-overstated")
    assert CHECKER.check(sentence).status not in FLAGGED  # a risk of what? nothing on the page says


def test_a_closing_it_is_the_condition_the_page_is_about_and_that_is_the_clause_before_s_subject():
    told = 'She told us: "I had been doing spin classes every morning, and my doctor said that was what caused it."'
    check = CHECKER.check(told, about="miscarriage")
    assert (check.status, check.rule) == ("inaccurate", "everyday-activities-do-not-cause-miscarriage")
    assert CHECKER.check("Heavy lifting caused it.").status not in FLAGGED  # caused what? the page does not say
    assert CHECKER.check("Nobody knows what caused it.", about="miscarriage").status not in FLAGGED


def test_an_instruction_without_a_verb_is_advice():
    check = CHECKER.check("Also legs up the wall for 20 minutes, my RE said it's the single most important thing.")
    assert (check.status, check.rule) == ("unsupported", "lying-down-advice-not-shown")
    # the subject must open the clause: here it is what someone did
    assert CHECKER.check("My legs up the wall for 20 minutes.").status not in FLAGGED


def test_a_modal_right_before_an_outcome_named_by_what_happens_states_the_relation():
    saved = CHECKER.check("Bed rest after bleeding in early pregnancy can save the pregnancy.")
    assert (saved.status, saved.rule) == ("unsupported", "bed-rest-does-not-save-pregnancy")
    loosened = CHECKER.check("Intense workouts in the first trimester can shake the embryo loose.")
    assert loosened.status == "inaccurate"
    assert CHECKER.check("Bed rest can't save the pregnancy.").status == "supported"
    # the modal must stand right before the object: here it belongs to another verb
    assert CHECKER.check("Bed rest can be boring when you are trying to save the pregnancy.").status not in FLAGGED


def test_a_trick_sold_by_how_it_moves_the_sperm_is_unproven_and_denying_it_is_not_advice():
    pulled = CHECKER.check("Climaxing after insemination creates contractions that pull sperm into the womb.")
    assert (pulled.status, pulled.rule) == ("unsupported", "orgasm-moves-sperm-not-shown")
    denied = CHECKER.check("Lying down after insemination does not help sperm reach the cervix.")
    assert denied.status == "supported"  # "Lying ..." opening a denial is not the imperative "Lie down"
    advice = CHECKER.check("Lie down for 20 minutes after insemination to help sperm reach the cervix.")
    assert advice.status == "unsupported"


def test_a_destination_coordinated_after_getting_past_a_place_is_where_the_sperm_go():
    canal = "The whole point of IUI is getting the sperm past the vagina and into the cervical canal."
    assert CHECKER.check(canal).status == "inaccurate"  # IUI places sperm in the uterus, not the canal
    assert CHECKER.check("IUI gets the sperm past the cervix and into the uterus.").status == "supported"
    # "through ... and into": the sperm travel on their own, so ICI does not put them in the uterus
    travel = "With ICI the sperm go through the cervix and into the uterus on their own."
    assert CHECKER.check(travel).status not in FLAGGED


def test_an_answer_to_a_yes_or_no_question_claims_or_denies_what_it_asks():
    faq = """# Can stress cause a miscarriage?

Yes, especially severe stress in the first trimester.

# Does bed rest prevent miscarriage?

No. Rest is fine, but it does not change the outcome.

Can ICI put sperm in the uterus? No, it places sperm at the cervix.

Is stress bad for you? It can be, in many ways.
"""
    checks = _checks(faq)
    assert checks["Yes, especially severe stress in the first trimester."][0] == "inaccurate"
    assert checks["No. Rest is fine, but it does not change the outcome."][0] == "supported"
    # the answer's "No," denies the question, not what the answer goes on to say
    assert checks["No, it places sperm at the cervix."][0] == "supported"
    assert checks["It can be, in many ways."][0] == "no_claim"  # not a yes or no: nothing is read into it


def test_both_opening_a_later_clause_is_the_clause_before_s_procedure():
    sentence = "At-home ICI is a cheaper version of the same procedure, because both are simply IUI done elsewhere."
    check = CHECKER.check(sentence)
    assert (check.status, check.rule) == ("inaccurate", "home-insemination-is-not-iui")
    # "both" before a name is not an anaphor: the two are named
    assert CHECKER.check("Both ICI and IUI can be done with donor sperm.").status not in FLAGGED


def test_an_attributed_claim_is_unsupported_on_a_page_about_a_topic_the_facts_cover():
    sentence = "Our trainers swear that saving up for ten days before her fertile window triples your odds."
    assert CHECKER.check(sentence).status == "unverified"  # odds of what? the sentence names no topic
    check = CHECKER.check(sentence, about="intracervical insemination")
    assert (check.status, check.rule) == ("unsupported", "attributed-unchecked-claim")
    assert CHECKER.check(sentence, about="asthma").status == "unverified"


def test_an_attribution_in_a_clause_a_fact_backs_does_not_flag_the_clause_after_it():
    sentence = (
        "Many common vaginal lubricants have been shown to reduce sperm motility, "
        "so couples trying to conceive may want to avoid them."
    )
    assert CHECKER.check(sentence, about="intracervical insemination").status not in FLAGGED
    # a finding of no effect, reported as careful pages do, leans on no one
    assert CHECKER.check("Newer studies found no extra risk in conceiving sooner.", about="miscarriage").status not in (
        FLAGGED
    )


def test_an_instruction_after_an_opening_phrase_of_time_is_advice():
    check = CHECKER.check("After inseminating, lie back with your hips on a cushion for half an hour.")
    assert (check.status, check.rule) == ("unsupported", "lying-down-advice-not-shown")
    # a clause that only opens with a time phrase and gives no instruction advises nothing
    assert CHECKER.check("After inseminating, many women lie back and relax.").rule != "lying-down-advice-not-shown"


def test_an_outcome_named_by_what_is_done_to_it_then_the_means_is_a_benefit_claim():
    check = CHECKER.check('She told fans she "healed her womb" with a daily vaginal steam.')
    assert (check.status, check.rule) == ("unsupported", "remedies-womb-recovery-not-shown")
    # "with" far from the outcome names no means of it
    assert CHECKER.check("The resulting damage can cause migraines, often with visual auras.").status not in FLAGGED


def test_a_subject_named_again_as_a_description_does_not_hide_the_claim_made_of_it_earlier():
    check = CHECKER.check(
        "Stress shuts down the reproductive system, which is why so many stressed women cannot conceive."
    )
    assert (check.status, check.rule) == ("unsupported", "stress-infertility-not-shown")


def test_a_remedy_vouched_for_by_its_result_is_a_benefit_claim():
    check = CHECKER.check("Honestly, relaxing is exactly what got us our BFP.")
    assert (check.status, check.rule) == ("unsupported", "relaxation-not-shown")
    check = CHECKER.check("I relaxed and got my BFP, so relaxing really does work.")
    assert (check.status, check.rule) == ("unsupported", "relaxation-not-shown")
    assert CHECKER.check("Yoga really does work.").status not in FLAGGED  # works for what? nothing says
