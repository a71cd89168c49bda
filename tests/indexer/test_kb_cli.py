"""`sourcecheck kb lint | test | explain | schema` through the real CLI (issue 12)."""

from __future__ import annotations

import json
import shutil

import pytest

from indexer.cli import main
from indexer.knowledge.base import DEFAULT_DIR
from indexer.knowledge.schema import json_schemas


@pytest.fixture()
def kb_copy(tmp_path):
    folder = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIR, folder)
    return folder


def test_lint_counts_what_it_loaded(runner):
    result = runner.invoke(main, ["kb", "lint"])
    assert result.exit_code == 0, result.output
    assert "OK:" in result.stdout and "facts" in result.stdout and "concepts" in result.stdout


def test_lint_names_the_broken_file(runner, kb_copy):
    facts = kb_copy / "insemination" / "facts.toml"
    facts.write_text(facts.read_text().replace('truth = "false"', 'truth = "perhaps"', 1))
    result = runner.invoke(main, ["kb", "lint", "--knowledge-dir", str(kb_copy)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and str(facts) in result.output and "truth" in result.output


def test_the_shipped_knowledge_passes_its_own_examples(runner):
    result = runner.invoke(main, ["kb", "test"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("0 failed")


def test_a_fact_whose_example_no_longer_holds_fails_kb_test(runner, kb_copy):
    facts = kb_copy / "insemination" / "facts.toml"
    text = facts.read_text()
    marker = 'id = "iui-not-at-home"\nsubject = "iui"\nrelation = "done-at"\nobject = "home"\ntruth = "false"'
    assert marker in text
    facts.write_text(text.replace(marker, marker.replace('"false"', '"true"')))
    result = runner.invoke(main, ["kb", "test", "insemination", "--knowledge-dir", str(kb_copy)])
    assert result.exit_code == 1
    assert "fact iui-not-at-home: example got inaccurate" in result.stdout  # a rule still flags it


def test_kb_test_refuses_an_unknown_topic(runner):
    result = runner.invoke(main, ["kb", "test", "no-such-topic"])
    assert result.exit_code == 1 and "Error: no topic 'no-such-topic'" in result.output


def test_explain_shows_concepts_relations_facts_and_each_clause(runner):
    sentence = (
        "In IUI, sperm is placed in the cervical canal or the uterus, but research suggests it improves the odds."
    )
    result = runner.invoke(main, ["kb", "explain", sentence, "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    first, second = report["clauses"]
    assert {c["concept"] for c in first["concepts"]} >= {"iui", "cervical-canal", "uterus"}
    assert any("places-sperm-in the cervical canal" in r for r in first["relations"])
    assert {"by": "iui-not-at-cervix", "status": "inaccurate"}.items() <= first["verdicts"][1].items() or any(
        v["by"] == "iui-not-at-cervix" and v["status"] == "inaccurate" for v in first["verdicts"]
    )
    assert first["status"] == "inaccurate" and second["status"] == "unsupported"
    assert report["verdict"]["status"] == "inaccurate" and report["verdict"]["sources"]
    text = runner.invoke(main, ["kb", "explain", sentence]).stdout
    assert "Clause 2:" in text and "Verdict: inaccurate (iui-not-at-cervix)" in text and "source: NICE" in text


def test_explain_reads_an_opening_it_with_the_referent(runner):
    result = runner.invoke(
        main, ["kb", "explain", "It puts the sperm straight into the womb.", "--referent", "syringe insemination"]
    )
    assert result.exit_code == 0
    assert "Read as:  syringe insemination puts the sperm" in result.stdout
    assert "Verdict: inaccurate" in result.stdout


def test_the_shipped_json_schemas_match_the_models(runner, tmp_path):
    """The schema files editors validate against are written from the models, so they cannot drift."""
    for name, schema in json_schemas().items():
        shipped = DEFAULT_DIR / "schema" / name.replace(".toml", ".schema.json")
        assert json.loads(shipped.read_text()) == schema, f"{shipped} is stale: run 'sourcecheck kb schema'"
    result = runner.invoke(main, ["kb", "schema", "--out", str(tmp_path)])
    assert result.exit_code == 0 and len(list(tmp_path.glob("*.schema.json"))) == 3


def test_every_knowledge_file_points_its_editor_at_its_schema():
    for path in [
        DEFAULT_DIR / "relations.toml",
        *DEFAULT_DIR.glob("*/concepts.toml"),
        *DEFAULT_DIR.glob("*/facts.toml"),
    ]:
        first = path.read_text().splitlines()[0]
        assert first.startswith("#:schema "), path
        assert (path.parent / first.split(maxsplit=1)[1]).resolve().is_file(), path
