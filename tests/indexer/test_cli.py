import json
import subprocess
import sys

from indexer.cli import main


def test_build_then_search_json(runner, tmp_path, seeds_dir):
    index_dir = tmp_path / "ix"
    result = runner.invoke(main, ["build", str(seeds_dir), "--index-dir", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert "Indexed 5 documents" in result.output
    result = runner.invoke(main, ["search", "IUI", "--index-dir", str(index_dir), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"query", "total", "suggestion", "results"}
    top = data["results"][0]
    assert set(top) >= {"passage_id", "doc_id", "title", "heading", "text", "snippet", "score", "status", "sentences"}
    assert top["status"] == "inaccurate"
    flagged = [s for s in top["sentences"] if s["status"] == "inaccurate"]
    assert flagged[0]["correction"] and flagged[0]["sources"][0]["url"].startswith("http")


def test_index_dir_from_environment(runner, tmp_path, seeds_dir, monkeypatch):
    monkeypatch.setenv("SOURCECHECK_INDEX_DIR", str(tmp_path / "env-ix"))
    assert runner.invoke(main, ["build", str(seeds_dir)]).exit_code == 0
    result = runner.invoke(main, ["search", "tampons", "--status", "supported"])
    assert result.exit_code == 0 and "[SUPPORTED]" in result.output


def test_check_jsonl_marks_the_conflation(runner, seeds_dir):
    result = runner.invoke(main, ["check", str(seeds_dir / "000_71f14f984e23f40f.txt"), "--format", "jsonl"])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.output.splitlines()]
    keys = {"doc", "passage_id", "sentence", "start", "end", "status", "rule", "reason", "correction", "sources"}
    assert all(keys <= set(r) for r in rows)
    conflation = next(r for r in rows if r["sentence"].startswith("Intra cervical insemination, also known as"))
    assert conflation["status"] == "inaccurate" and conflation["rule"] == "ici-called-iui"
    assert conflation["doc"] == "000_71f14f984e23f40f.txt"
    assert conflation["sources"][0]["url"].startswith("http")


def test_user_mistakes_print_error_and_exit_1(runner, tmp_path):
    cases = [
        ["build", str(tmp_path / "missing")],
        ["search", "ici", "--index-dir", str(tmp_path / "no-index")],
        ["check", str(tmp_path / "missing.txt")],
        ["build", "seeds", "--index-dir", str(tmp_path / "ix"), "--knowledge-dir", str(tmp_path)],
    ]
    for args in cases:
        result = runner.invoke(main, args)
        assert result.exit_code == 1, (args, result.output)
        assert result.output.startswith("Error: ") or "Error: " in result.output
        assert "Traceback" not in result.output


def test_broken_rule_file_names_file_and_rule(runner, tmp_path):
    from indexer.knowledge.base import DEFAULT_DIR

    kb = tmp_path / "kb"
    kb.mkdir()
    for name in ("sources.toml", "terms.toml"):
        (kb / name).write_text((DEFAULT_DIR / name).read_text())
    (kb / "broken.toml").write_text(
        '[[rules]]\nid = "bad-rule"\nstatus = "inaccurate"\npatterns = ["{nope}"]\n'
        'reason = "r"\ncorrection = "c"\nsources = ["mayo-iui"]\n'
    )
    result = runner.invoke(main, ["check", "seeds", "--knowledge-dir", str(kb)])
    assert result.exit_code == 1
    assert "broken.toml" in result.output and "bad-rule" in result.output and "nope" in result.output


def test_importing_indexer_does_not_import_flask():
    code = "import sys, indexer, indexer.cli; assert 'flask' not in sys.modules, 'flask imported'; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
