"""A tiny run of the benchmark harness, end to end: build, library vs FTS5, nDCG, HTTP under gunicorn, report.

No timing is asserted: only that every figure is produced, consistent and written out.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import pytest
from pgserver import pg_bin

from bench import corpus as medquad_corpus
from bench import run
from bench.metrics import documents_by_best_passage, ndcg, percentile

# Queries for the seed posts, and which paragraphs answer them. A paragraph is judged relevant (grade 1) when it
# names the query's subject: a plain rule, enough to exercise the nDCG plumbing (not a claim about quality).
QUERIES = {
    "1": ("intracervical insemination", "cervical insemination"),
    "2": ("sex after miscarriage", "sex"),
    "3": ("grief counselling", "counsel"),
    "4": ("tampons bleeding", "tampon"),
}


def seed_corpus(seeds_dir: Path, folder: Path) -> Path:
    """The seed posts in MedQuAD's layout: one document per paragraph, with queries and judgments."""
    folder.mkdir()
    records, qrels = [], []
    for path in sorted(seeds_dir.glob("*.txt")):
        title, *paragraphs = [line.strip() for line in path.read_text().splitlines() if line.strip()]
        for n, text in enumerate(paragraphs, 1):
            doc = f"{path.stem}_{n}.txt"
            records.append({"id": doc, "source": "seeds", "url": "", "focus": "", "title": title, "text": text})
            qrels += [f"{qid}\t{doc}\t1\n" for qid, (_, subject) in QUERIES.items() if subject in text.lower()]
    with gzip.open(folder / "documents.jsonl.gz", "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in records)
    (folder / "queries.tsv").write_text("".join(f"{qid}\t{q}\n" for qid, (q, _) in QUERIES.items()))
    (folder / "qrels.tsv").write_text("".join(qrels))
    return folder


def needs_postgres() -> None:
    """PostgreSQL's binaries must be here for the PostgreSQL column (skipped locally without them, not in CI)."""
    if pg_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed, and CI must benchmark it: scripts/setup.sh installs it")
        pytest.skip("PostgreSQL is not installed")


def tiny_run(corpus: Path, tmp_path: Path, sizes: str, http: bool, postgres: bool = False) -> dict:
    argv = [
        "--corpus",
        str(corpus),
        "--sizes",
        sizes,
        "--rounds",
        "1",
        "--duration",
        "1",
        "--workers",
        "1",
        "--connections",
        "2",
        "--out",
        str(tmp_path / "r.json"),
        "--plot",
        str(tmp_path / "r.png"),
        "--report",
        str(tmp_path / "BENCHMARKS.md"),
        "--work",
        str(tmp_path / "work"),
    ]
    return run.main(argv + ([] if http else ["--no-http"]) + ([] if postgres else ["--no-postgres"]))


def test_tiny_run_produces_every_figure(tmp_path, seeds_dir):
    if not shutil.which("wrk"):
        pytest.fail("wrk is not installed: scripts/setup.sh installs it")
    needs_postgres()
    corpus = seed_corpus(seeds_dir, tmp_path / "corpus")
    results = tiny_run(corpus, tmp_path, "20,1000", http=True, postgres=True)
    assert json.loads((tmp_path / "r.json").read_text()) == results
    small, everything = results["sizes"]
    assert 0 < small["build"]["documents"] <= 20 < everything["build"]["documents"]  # a few paragraphs are debris
    for size in results["sizes"]:
        build, query = size["build"], size["query"]
        assert build["passages"] > 0 and build["passages_per_s"] > 0 and build["peak_rss_total_mb"] > 0
        assert query["fts5"]["build"]["passages"] == build["passages"]  # the baselines index the same passages
        assert query["tantivy"]["build"]["passages"] == build["passages"]
        pg = size["postgres_build"]  # the same corpus built on PostgreSQL, as a whole process
        assert (pg["documents"], pg["passages"]) == (build["documents"], build["passages"])
        assert pg["database_mb"] > 0 and pg["process"]["wall_s"] > 0 and "index_mb" not in pg
        for engine in ("library", "postgres", "fts5", "tantivy"):
            assert query[engine]["n"] == len(QUERIES)
            assert 0 <= query[engine]["ndcg@10"] <= 1 and query[engine]["queries"] > 0
            assert query[engine]["p50_ms"] <= query[engine]["p95_ms"] <= query[engine]["p99_ms"]
        assert [h["backend"] for h in size["http"]] == ["whoosh", "postgres"]
        for served in size["http"]:
            for page in ("api", "html"):
                assert served[page]["requests"] > 0 and not any(served[page]["errors"].values())
            assert served["worker_rss_mb"] and served["first_request_s"] >= 0
            assert served["claims_sync"]["claims_added"] > 0 and served["claims_sync"]["seconds"] > 0
    assert {t["target"] for t in results["targets"]} >= {"build incl. checking, passages/s", "library p50 / FTS5 p50"}
    report = (tmp_path / "BENCHMARKS.md").read_text()
    assert "python -m bench --corpus" in report and "/api/v1/search" in report and "tantivy (BM25" in report
    assert "Sourcecheck on PostgreSQL" in report and "| postgres | 1 | /api/v1/search |" in report
    assert (tmp_path / "r.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_grown_corpus_is_measured_with_copies_mapped_back(tmp_path, seeds_dir):
    needs_postgres()
    corpus = seed_corpus(seeds_dir, tmp_path / "corpus")
    one, two = tiny_run(corpus, tmp_path, "6,6x2", http=False, postgres=True)["sizes"]
    assert (one["copies"], two["copies"]) == (1, 2)
    assert two["build"]["documents"] == 2 * one["build"]["documents"]
    assert two["build"]["passages"] == 2 * one["build"]["passages"] == two["postgres_build"]["passages"]
    for size in (one, two):
        process = size["build"]["process"]
        assert process["wall_s"] > 0 and process["cpu_s"] > 0 and process["maxrss_mb"] > 0
        assert size["build"]["documents_per_s_process"] > 0
        assert size["query"]["depth"] == 100 * size["copies"]
    for engine in ("fts5", "tantivy"):  # documents with at least one passage
        assert 0 < one["query"][engine]["build"]["documents"] <= one["build"]["documents"]
        assert two["query"][engine]["build"]["documents"] == 2 * one["query"][engine]["build"]["documents"]
    for engine in ("library", "postgres", "fts5", "tantivy"):
        # identical copies: mapped back to their originals, each engine ranks the same documents as at 1x
        assert two["query"][engine]["ndcg@10"] == one["query"][engine]["ndcg@10"]
    report = (tmp_path / "BENCHMARKS.md").read_text()
    assert f"| {one['build']['documents']} x2 | {two['build']['passages']} |" in report
    assert (tmp_path / "r.png").stat().st_size > 10_000


def test_corpus_copies_and_sizes(tmp_path, seeds_dir):
    folder = seed_corpus(seeds_dir, tmp_path / "corpus")
    originals = [r["doc_id"] for r in medquad_corpus.load(4, folder).records()]
    grown = [r["doc_id"] for r in medquad_corpus.load(4, folder, copies=3).records()]
    assert grown[: len(originals)] == originals and len(grown) == 3 * len(originals) == len(set(grown))
    assert [medquad_corpus.original_id(d) for d in grown] == originals * 3
    assert medquad_corpus.original_id("ghr_0000804_sec2-2") == "ghr_0000804_sec2-2"  # a MedQuAD repeat, no copy
    assert medquad_corpus.parse_size("16407x8") == (16407, 8) and medquad_corpus.parse_size("500") == (500, 1)
    for bad in ("x8", "16407x", "0", "10x0", "ten"):
        with pytest.raises(ValueError, match="--sizes"):
            medquad_corpus.parse_size(bad)


def test_report_keeps_text_outside_its_markers(tmp_path, seeds_dir):
    corpus = seed_corpus(seeds_dir, tmp_path / "corpus")
    (tmp_path / "BENCHMARKS.md").write_text("# Benchmarks\n\nNotes kept.\n")
    tiny_run(corpus, tmp_path, "10", http=False)
    first = (tmp_path / "BENCHMARKS.md").read_text()
    tiny_run(corpus, tmp_path, "10", http=False)
    second = (tmp_path / "BENCHMARKS.md").read_text()
    assert first.startswith("# Benchmarks\n\nNotes kept.\n") and second.count("bench:begin") == 1


@pytest.mark.skipif(not (medquad_corpus.corpus_dir() / "documents.jsonl.gz").is_file(), reason="MedQuAD is not here")
def test_medquad_subsets_hold_every_judged_document():
    corpus = medquad_corpus.load(500)
    ids = {r["doc_id"] for r in corpus.records()}
    judged = {d for grades in corpus.qrels.values() for d in grades}
    assert len(ids) == 500 and judged <= ids
    assert len(corpus.queries) == 200


def test_metrics():
    assert percentile([1, 2, 3, 4], 50) == 2.5 and percentile([5], 99) == 5
    assert documents_by_best_passage(["a", "b", "a", "c"]) == ["a", "b", "c"]
    assert ndcg(["a", "b"], {"a": 3, "b": 1}) == 1.0
    assert ndcg(["b", "a"], {"a": 3, "b": 1}) < 1.0
    assert ndcg(["x"], {"a": 2}) == 0.0
