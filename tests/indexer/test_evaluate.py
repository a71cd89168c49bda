"""`indexer.checking.evaluate` and `sourcecheck eval`: the scores, the errors, the quality on the label sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.checking.evaluate import LabelFileError, evaluate_labels, read_labels
from indexer.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _write(path: Path, rows: list) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def small(tmp_path) -> Path:
    """Four sentences whose verdicts are known: two right, one missed flag, one false flag."""
    return _write(
        tmp_path / "labels.jsonl",
        [
            {"doc": "d", "sentence": "ICI is the same as IUI.", "label": "inaccurate"},
            {"doc": "d", "sentence": "We are so sorry for your loss.", "label": "no_claim"},
            {"doc": "d", "sentence": "We are thinking of you.", "label": "unsupported"},
            {"doc": "d", "sentence": "Stress causes miscarriage.", "label": "supported"},
        ],
    )


def test_scores_are_computed_from_the_confusion(small):
    report = evaluate_labels(small)
    data = report.as_dict()
    assert data["sentences"] == 4 and data["accuracy"] == 0.5
    flagged = data["flagged"]
    assert (flagged["flagged_gold"], flagged["flagged_predicted"]) == (2, 2)
    assert flagged["precision"] == 0.5 and flagged["recall"] == 0.5
    assert flagged["sound"] == 2 and flagged["sound_flagged"] == 1 and flagged["sound_flagged_rate"] == 0.5
    assert data["confusion"]["supported"]["inaccurate"] == 1
    assert data["confusion"]["unsupported"]["no_claim"] == 1
    inaccurate = data["per_status"]["inaccurate"]
    assert inaccurate["precision"] == 0.5 and inaccurate["recall"] == 1.0 and inaccurate["f1"] == pytest.approx(2 / 3)
    assert [m["line"] for m in data["misses"]] == [3, 4]


def test_text_report_lists_scores_confusion_and_misses(small):
    text = evaluate_labels(small).as_text()
    assert "precision 0.500, recall 0.500" in text
    assert "Confusion (rows: label, columns: checker)" in text
    assert "FLAG line 4: supported -> inaccurate (miscarriage-everyday-causes): Stress causes miscarriage." in text


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("{not json", "line 2: not valid JSON"),
        ('["a list"]', "line 2: expected an object"),
        ('{"doc": "d", "sentence": "x"}', "line 2: 'label' must be a non-empty string"),
        ('{"doc": "d", "sentence": "x", "label": "wrong"}', "line 2: label 'wrong' must be one of"),
    ],
)
def test_a_bad_line_names_the_file_and_line(tmp_path, line, problem):
    path = _write(tmp_path / "bad.jsonl", [{"doc": "d", "sentence": "s", "label": "no_claim"}, line])
    with pytest.raises(LabelFileError, match=problem) as caught:
        read_labels(path)
    assert str(path) in str(caught.value)


def test_missing_or_empty_label_files(tmp_path):
    with pytest.raises(LabelFileError, match="cannot read"):
        read_labels(tmp_path / "none.jsonl")
    with pytest.raises(LabelFileError, match="no labels"):
        read_labels(_write(tmp_path / "empty.jsonl", [""]))


def test_with_docs_a_sentence_is_scored_as_checked_in_its_document(tmp_path):
    path = _write(tmp_path / "l.jsonl", [{"doc": SEED_ICI, "sentence": ICI_SENTENCE, "label": "inaccurate"}])
    assert evaluate_labels(path, SEEDS).as_dict()["accuracy"] == 1.0


def test_with_docs_a_missing_document_or_sentence_is_an_error(tmp_path):
    missing_doc = _write(tmp_path / "a.jsonl", [{"doc": "nope.txt", "sentence": "x", "label": "no_claim"}])
    with pytest.raises(LabelFileError, match=r"a.jsonl: line 1: document 'nope.txt' not found"):
        evaluate_labels(missing_doc, SEEDS)
    missing_sentence = _write(tmp_path / "b.jsonl", [{"doc": SEED_ICI, "sentence": "Not there.", "label": "no_claim"}])
    with pytest.raises(LabelFileError, match=r"b.jsonl: line 1: sentence not found in document"):
        evaluate_labels(missing_sentence, SEEDS)


def test_cli_eval_text_and_json(runner, small):
    result = runner.invoke(main, ["eval", str(small)])
    assert result.exit_code == 0 and "Misses (2)" in result.output
    result = runner.invoke(main, ["eval", str(small), "--format", "json"])
    assert json.loads(result.output)["flagged"]["recall"] == 0.5


def test_cli_eval_error_is_one_line(runner, tmp_path):
    result = runner.invoke(main, ["eval", str(_write(tmp_path / "x.jsonl", ["{oops"]))])
    assert result.exit_code == 1 and result.output.startswith("Error: ") and "line 1" in result.output


# --- quality on the label sets (issue 2 item 5, issue 5 targets) -------------------------------------------------

SEED_ICI = "000_71f14f984e23f40f.txt"
ICI_SENTENCE = (
    "Intra cervical insemination, also known as intrauterine insemination (ICI), is a fertility treatment that "
    "involves placing sperm directly into the cervix to increase the chances of fertilization."
)


@pytest.mark.parametrize(
    ("labels", "docs", "min_recall", "max_sound_flagged"),
    [
        ("seeds_labels.jsonl", SEEDS, 0.9, 0.05),  # the seeds, checked in their documents
        ("dev_labels.jsonl", None, 0.9, 0.05),  # written for issue 5 and tuned on
        # held-out sets: each was scored blind once (figures in EVALUATION.md); held to the hidden set's targets
        ("heldout_labels.jsonl", None, 0.8, 0.10),
        ("heldout2_labels.jsonl", None, 0.8, 0.10),
        ("heldout3_labels.jsonl", None, 0.8, 0.10),
    ],
)
def test_label_set_targets(labels, docs, min_recall, max_sound_flagged):
    flagged = evaluate_labels(DATA / labels, docs).flagged()
    assert flagged["recall"] >= min_recall, flagged
    assert flagged["sound_flagged_rate"] <= max_sound_flagged, flagged


def test_label_sets_have_reasons_and_enough_sentences():
    sets = (
        ("seeds_labels.jsonl", 160),
        ("dev_labels.jsonl", 150),
        ("heldout_labels.jsonl", 80),
        ("heldout2_labels.jsonl", 60),
        ("heldout3_labels.jsonl", 60),
    )
    for name, minimum in sets:
        rows = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line]
        assert len(rows) >= minimum and all(r.get("reason") for r in rows), name
        assert len({r["sentence"] for r in rows}) == len(rows), f"duplicate sentences in {name}"


def test_fresh3_set_is_found_in_its_pages():
    """The third fresh set is blind: only its shape is tested, never the checker's scores on it. Every labelled
    sentence must still be found in its page as the product splits it (evaluate_labels raises otherwise)."""
    rows = [json.loads(line) for line in (DATA / "fresh3_labels.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 300 and all(r.get("reason") for r in rows)
    assert len({(r["doc"], r["sentence"]) for r in rows}) == len(rows)
    assert 12 <= len({r["doc"] for r in rows}) == len(list((DATA / "fresh3").glob("*.md"))) <= 14
    evaluate_labels(DATA / "fresh3_labels.jsonl", DATA / "fresh3")


def test_fresh4_set_is_found_in_its_pages():
    """The fourth fresh set is a development set (its pages may be read and tuned on), but no score is asserted on
    it here either: only its shape. Every labelled sentence must be found in its page as the product splits it
    (evaluate_labels raises otherwise)."""
    rows = [json.loads(line) for line in (DATA / "fresh4_labels.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 300 and all(r.get("reason") for r in rows)
    assert len({(r["doc"], r["sentence"]) for r in rows}) == len(rows)
    assert 12 <= len({r["doc"] for r in rows}) == len(list((DATA / "fresh4").glob("*.md"))) <= 14
    evaluate_labels(DATA / "fresh4_labels.jsonl", DATA / "fresh4")


def test_seed_ici_iui_conflation_is_inaccurate_with_correction_and_source(runner):
    """Issue 2's done-criterion, through the CLI the criterion names."""
    result = runner.invoke(main, ["check", *sorted(str(p) for p in SEEDS.glob("*.txt")), "--format", "jsonl"])
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.output.splitlines()]
    conflation = next(r for r in records if r["sentence"] == ICI_SENTENCE)
    assert conflation["status"] == "inaccurate" and conflation["correction"]
    assert any(s["url"].startswith("https://") for s in conflation["sources"])
    labels = {
        json.loads(line)["sentence"]: json.loads(line)["label"]
        for line in (DATA / "seeds_labels.jsonl").read_text(encoding="utf-8").splitlines()
    }
    facts = [r for r in records if labels.get(r["sentence"]) == "supported"]  # the seeds' sound facts
    assert len(facts) >= 30 and not [r["sentence"] for r in facts if r["status"] in ("inaccurate", "unsupported")]
    flagged = {r["sentence"] for r in records if r["status"] in ("inaccurate", "unsupported")}
    assert sum(label in ("inaccurate", "unsupported") for s, label in labels.items() if s in flagged) >= 40
