"""Parallel builds: worker processes each write a segment; the result is the same library as a one-process build."""

from __future__ import annotations

import multiprocessing

import pytest
from searchbackend import WHOOSH, document_lines, stored_builds

from indexer import (
    BuildError,
    Document,
    DocumentError,
    Library,
    SearchRequest,
    SourceText,
    build_index_from,
    current_build,
    document_from_text,
    open_index,
)
from indexer.engine.pins import internals
from indexer.index import pipeline as pipeline_module


@pytest.fixture()
def parallel(monkeypatch):
    """Use worker processes even for a small corpus."""
    monkeypatch.setattr(pipeline_module, "SERIAL_BELOW", 0)


def store_lines(root) -> list[dict]:
    return document_lines(root)


def test_parallel_build_equals_serial_build(tmp_path, paragraphs, parallel):
    sources = paragraphs
    two = build_index_from(sources, tmp_path / "two", procs=2)
    one = build_index_from(sources, tmp_path / "one", procs=1)
    assert (two.documents, two.passages, two.sentences) == (one.documents, one.passages, one.sentences)
    assert store_lines(tmp_path / "two") == store_lines(tmp_path / "one")  # same documents, same order
    for q in ("miscarriage", "IUI", "stress after loss"):
        a, b = Library(tmp_path / "two").search(SearchRequest(q)), Library(tmp_path / "one").search(SearchRequest(q))
        assert a.total == b.total > 0
        assert [round(h.score, 6) for h in a.hits] == [round(h.score, 6) for h in b.hits]
    if WHOOSH:
        segments = 2 if internals() else 1  # one a worker; whoosh's own writer merges the workers' parts into one
        assert len(Library(tmp_path / "two")._searcher().leaf_searchers()) == segments
        assert (current_build(tmp_path / "two") / "vocabulary.json").is_file()


def test_unchanged_documents_are_reused_by_workers(tmp_path, paragraphs, parallel):
    sources = paragraphs
    build_index_from(sources, tmp_path / "ix", procs=2)
    changed = [sources[0].__class__(sources[0].text + " Extra words.", sources[0].doc_id, sources[0].title)]
    again = build_index_from(changed + sources[1:], tmp_path / "ix", procs=2)
    assert again.reused == again.documents - 1
    assert Library(tmp_path / "ix").search(SearchRequest("extra words")).total >= 1


class Exploding:
    """A source whose loading fails with an unexpected error (a bug, not a bad document)."""

    doc_id = "boom"

    def load(self):
        raise RuntimeError("loader bug")


def test_a_failing_worker_fails_the_build_and_keeps_the_previous_index(tmp_path, paragraphs, parallel):
    sources = paragraphs
    build_index_from(sources, tmp_path / "ix", procs=2)
    before = current_build(tmp_path / "ix")
    with pytest.raises(BuildError, match="loader bug"):
        build_index_from([*sources, Exploding()], tmp_path / "ix", procs=2)
    assert current_build(tmp_path / "ix") == before
    assert stored_builds(tmp_path / "ix") == [before]
    assert not multiprocessing.active_children()


def test_documents_texts_and_skipped_items_in_one_build(tmp_path):
    doc = document_from_text("Miscarriage is common.\n\nMost people recover.", "plain", title="A note")
    sources = [
        doc,
        SourceText("<h1>Page</h1><p>ICI places sperm at the cervix.</p>", "page", kind="html"),
        DocumentError("missing.txt", "no such file or folder"),
        SourceText("   ", "blank"),
    ]
    summary = build_index_from(sources, tmp_path / "ix")
    assert summary.documents == 2
    assert sorted(e.path for e in summary.skipped) == ["blank", "missing.txt"]
    store = open_index(tmp_path / "ix")[2]
    assert store.get("plain").document.title == "A note"
    assert store.get("page").document.title == "Page"
    assert store.checksum("plain") == doc.checksum


def test_document_from_text_is_cleaned_like_a_file(tmp_path):
    text = "Title line\n\nLeave a reply\n\nA paragraph about IUI."
    (tmp_path / "same.txt").write_text(text)
    from indexer import load_document

    from_file = load_document(tmp_path / "same.txt")
    from_text = document_from_text(text, "same")
    assert (from_text.title, from_text.text, from_text.blocks) == (from_file.title, from_file.text, from_file.blocks)
    assert isinstance(from_text, Document)
    with pytest.raises(ValueError, match="kind"):
        document_from_text(text, "x", kind="pdf")
