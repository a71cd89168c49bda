"""`python -m bench.flag_rate` on a tiny corpus in MedQuAD's layout: counts, the rules behind flags, errors."""

from __future__ import annotations

import gzip
import json

from bench import flag_rate

RECORDS = [
    {"id": "a", "title": "What is X?", "text": "Studies show that cigarette smoking increases the risk of cancer."},
    {"id": "b", "title": "What helps?", "text": "Studies have shown that yoga helps couples conceive."},
    {"id": "c", "title": "IUI", "text": "ICI, also known as intrauterine insemination, is easy. It can help couples."},
]


def _corpus(tmp_path):
    path = tmp_path / "documents.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write("\n".join(json.dumps(r) for r in RECORDS) + "\n")
    return path


def test_measure_counts_flags_by_rule(tmp_path):
    result = flag_rate.measure(_corpus(tmp_path))
    assert result["documents"] == 3 and result["sentences"] == 4
    assert result["flagged"] == 2 and result["flag_rate"] == 0.5  # the risk-factor summary is not flagged
    assert {r["rule"]: r["flagged"] for r in result["rules"]} == {"ici-called-iui": 1, "vague-attribution": 1}
    examples = {r["rule"]: r["examples"] for r in result["rules"]}
    assert examples["vague-attribution"] == ["Studies have shown that yoga helps couples conceive."]
    assert "flagged inaccurate or unsupported: 2 (50.000%)" in flag_rate.as_text(result)


def test_limit_speed_and_a_missing_corpus(tmp_path, capsys):
    corpus = _corpus(tmp_path)
    assert flag_rate.measure(corpus, limit=1)["sentences"] == 1
    assert flag_rate.main(["--corpus", str(corpus), "--speed", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["sentences"] == 4
    assert flag_rate.main(["--corpus", str(tmp_path / "none.gz")]) == 1
    assert "corpus not found" in capsys.readouterr().err
