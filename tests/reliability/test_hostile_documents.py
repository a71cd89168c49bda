"""Hostile documents: the build never crashes, skips bad files with a clear reason, and indexes the rest."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer import (
    Checker,
    DocumentError,
    Library,
    SearchRequest,
    build_index,
    check_document,
    load_document,
)
from indexer.documents import loading as documents
from indexer.documents.html_text import html_blocks
from indexer.index.build import open_catalog

from .figures import record

GOOD = "Good document\n\nMiscarriage ends about 10-20% of known pregnancies.\n"
NASTY_HTML = "<div>" * 5000 + "<p>Deep <b>text" + "</i></span>" * 300 + "<script>never" + "<!-- unclosed"


def nasty_files(folder: Path) -> dict[str, str]:
    """Writes the nasty corpus; returns file name -> what should happen ("skip" or "index")."""
    expected = {}

    def put(name, data, outcome):
        (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())
        expected[name] = outcome

    put("good.txt", GOOD, "index")
    put("random.txt", os.urandom(4096), "skip")
    put("nul.txt", b"Title\n\nSome text\x00 with a NUL byte.", "skip")
    put("invalid-utf8.txt", b"Title\n\nCaf\xe9 \xff\xfe text that is not UTF-8.", "index")
    put("utf16.txt", "Title\n\nUTF-16 text about miscarriage.".encode("utf-16"), "index")
    put("zero-width.txt", "Ti\u200btle\n\nICI\u200b is\u200d the same as IUI.\u202e reversed \u202c text.", "index")
    rtl = "# \u05e9\u05dc\u05d5\u05dd\n\n\u0645\u0631\u062d\u0628\u0627 miscarriage \u05e2\u05d1\u05e8\u05d9\u05ea."
    put("rtl.md", rtl, "index")
    put("nested.html", NASTY_HTML, "index")
    put("empty.html", "<html><script>only script</script></html>", "skip")
    put("huge-line.txt", b"Title\n\n" + b"word " * (10 * 1024 * 1024 // 5), "skip")  # 10 MB on one line
    return expected


def test_nasty_corpus_builds_and_skips_with_reasons(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    expected = nasty_files(docs)
    (docs / "loop-a.txt").symlink_to(docs / "loop-b.txt")
    (docs / "loop-b.txt").symlink_to(docs / "loop-a.txt")
    instance = tmp_path / "instance"  # what the review found served: a link to the web app's secret key
    instance.mkdir()
    (instance / "secret_key").write_text("5ecret-key-value")
    (instance / "private.txt").write_text("Private\n\nmiscarriage notes 5ecret")
    (docs / "key.txt").symlink_to(instance / "secret_key")
    (docs / "instance").symlink_to(instance, target_is_directory=True)
    summary = build_index([docs], tmp_path / "ix")
    skipped = {Path(e.path).name: e.reason for e in summary.skipped}
    for name, outcome in expected.items():
        assert (name in skipped) == (outcome == "skip"), (name, skipped.get(name))
    links = ["loop-a.txt", "loop-b.txt", "key.txt", "instance"]
    assert {name: skipped.get(name) for name in links} == dict.fromkeys(links, documents.LINK_SKIPPED)
    assert Library(tmp_path / "ix").search(SearchRequest("5ecret")).total == 0
    builds = open_catalog(tmp_path / "ix")
    stored = b"".join(builds.documents(builds.current()).lines()).decode()
    assert "5ecret" not in stored and "Private" not in stored
    assert all(reason for reason in skipped.values())
    assert summary.documents == sum(1 for o in expected.values() if o == "index")
    assert Library(tmp_path / "ix").search(SearchRequest("miscarriage")).total >= 1
    record("hostile_documents", "nasty_files_tried", len(expected) + len(links))
    record("hostile_documents", "nasty_files_skipped_with_reason", len(skipped))
    record("hostile_documents", "nasty_files_indexed", summary.documents)


def test_fifty_megabyte_file_is_skipped_without_reading_it(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text(GOOD)
    with open(docs / "huge.txt", "wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: 50 MB without using the disk
    summary = build_index([docs], tmp_path / "ix")
    assert summary.documents == 1
    assert [(Path(e.path).name, "too large" in e.reason) for e in summary.skipped] == [("huge.txt", True)]
    record("hostile_documents", "nasty_files_tried")
    record("hostile_documents", "nasty_files_skipped_with_reason")


def test_file_vanishing_during_build_is_skipped(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(3):
        (docs / f"doc{n}.txt").write_text(GOOD)

    def vanish(_path):
        target = docs / "doc2.txt"
        if target.exists():
            target.unlink()

    summary = build_index([docs], tmp_path / "ix", progress=vanish)
    assert summary.documents == 2
    assert [Path(e.path).name for e in summary.skipped] == ["doc2.txt"]
    record("hostile_documents", "files_vanished_mid_build")


def test_unreadable_file_is_skipped(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text(GOOD)
    os.mkfifo(docs / "pipe.txt")  # not a regular file: reading would block forever
    summary = build_index([docs], tmp_path / "ix")
    assert summary.documents == 1
    assert [Path(e.path).name for e in summary.skipped] == ["pipe.txt"]
    record("hostile_documents", "nasty_files_tried")
    record("hostile_documents", "nasty_files_skipped_with_reason")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000))
def test_loading_any_bytes_returns_a_document_or_a_clear_error(tmp_path, data):
    path = tmp_path / "fuzz.txt"
    path.write_bytes(data)
    record("hostile_documents", "random_byte_files_tried")
    try:
        doc = load_document(path)
    except DocumentError as e:
        assert "fuzz.txt" in str(e) and e.reason
        record("hostile_documents", "random_byte_files_refused_with_reason")
        return
    check_document(doc)


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=2000))
def test_html_extraction_never_raises(text):
    html_blocks("<html><body>" + text)
    record("hostile_documents", "html_inputs_tried")


@settings(max_examples=300, deadline=None)
@given(sentence=st.text(max_size=600))
def test_checker_never_raises(sentence):
    check = Checker().check(sentence)
    record("hostile_documents", "checker_sentences_tried")
    assert check.status in ("inaccurate", "unsupported", "unverified", "supported", "no_claim")
    if check.status in ("inaccurate", "unsupported", "supported"):
        assert check.rule and check.reason and check.sources


@pytest.mark.parametrize("name", ["doc.md", "doc.html", "doc.txt"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=1500))
def test_any_text_document_is_indexable_or_skipped(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    record("hostile_documents", "text_documents_tried")
    try:
        doc = load_document(path)
    except DocumentError as e:
        assert e.reason
        return
    checked = check_document(doc)
    for passage in checked.passages:
        for s in passage.checks:
            assert doc.text[s.start : s.end] == s.text


def within(seconds: float, work):
    """`work()`'s result; fails the test if it is still running after `seconds` (a stall, not a speed target)."""
    out = []
    thread = threading.Thread(target=lambda: out.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    return out[0]


@pytest.mark.parametrize("megabytes", [1.9, 4.9])
def test_a_file_of_full_stops_is_skipped(tmp_path, megabytes):
    # ". " repeated was 950,000 sentences at 1.9 MB: a 45 s page, a 133 MB API answer, a build of minutes and GB
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text(GOOD)
    (docs / "dots.txt").write_text(". " * int(megabytes * 1_000_000 / 2))
    summary = within(120, lambda: build_index([docs], tmp_path / "ix"))
    assert [(Path(e.path).name, e.reason) for e in summary.skipped] == [
        ("dots.txt", "no words to check (only punctuation and symbols)")
    ]
    assert summary.documents == 1
    record("hostile_documents", "nasty_files_tried")
    record("hostile_documents", "nasty_files_skipped_with_reason")


@pytest.mark.parametrize("megabytes", [1.9, 4.9])
def test_a_file_of_endless_sentences_is_cut_at_the_limit(tmp_path, megabytes):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text(GOOD)
    (docs / "endless.txt").write_text("Ok. " * int(megabytes * 1_000_000 / 4))
    summary = within(120, lambda: build_index([docs], tmp_path / "ix"))
    limit = documents.MAX_DOCUMENT_SENTENCES
    assert summary.documents == 2 and not summary.skipped
    [warning] = summary.warnings
    assert warning.startswith(f"{docs / 'endless.txt'}: too many sentences (the limit is {limit:,} sentences")
    # the work and the size one document causes are bounded by the limit, whatever the file's size
    builds = open_catalog(tmp_path / "ix")
    stored = builds.documents(builds.current())
    assert sum(stored.entries()["endless"][1].values()) == limit  # its sentences per status
    assert len(stored.line("endless")) < 2_000_000  # bytes of its stored line: text, blocks, passages, verdicts
    assert summary.passages <= limit
    record("hostile_documents", "oversized_documents_cut_with_warning")
