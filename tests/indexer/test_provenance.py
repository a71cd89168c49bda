"""Document provenance: read from front matter, HTML metadata and a manifest beside the documents, validated,
kept in the store and on hits, and part of what decides whether a build's documents can be reused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from searchbackend import edit_manifest

from indexer import Library, SearchRequest, SourceText, build_index, build_index_from, document_from_text
from indexer.documents.loading import CLEANING_VERSION, load_corpus
from indexer.documents.provenance import Provenance, front_matter, normal_date

POST = """---
url: https://example.org/iui
publisher: "Example Clinic"
author: 'Dr Jane Roe'
date: 5 March 2024
layout: post
tags:
  - fertility
secretfrontmatterword: hidden
---
# IUI explained

Intrauterine insemination places washed sperm in the uterus. Many people try it more than once.
"""

PAGE = """<html><head><title>Folic acid</title>
<link rel="canonical" href="https://site.example/folic">
<meta property="og:url" content="https://site.example/og">
<meta property="og:site_name" content="Site Example">
<meta name="author" content="A. Writer">
<meta property="article:modified_time" content="2023-02-01T09:00:00+01:00">
<meta property="article:published_time" content="2022-07-01T23:30:00-05:00">
</head><body><h1>Folic acid</h1><p>Folic acid before conception reduces the risk of neural tube defects.</p>
<time datetime="2020-01-01">Long ago</time></body></html>"""


def _doc(text: str, kind: str = "markdown", **kw):
    return document_from_text(text, "d", f"d.{'html' if kind == 'html' else 'md'}", kind, **kw)


def test_front_matter_gives_the_fields_and_is_removed_before_cleaning():
    doc = _doc(POST)
    assert doc.source == Provenance("https://example.org/iui", "Example Clinic", "Dr Jane Roe", "2024-03-05")
    assert doc.title == "IUI explained"
    assert "---" not in doc.text and "secretfrontmatterword" not in doc.text and "layout" not in doc.text
    assert doc.warnings == ()


def test_front_matter_in_a_text_file():
    doc = document_from_text("---\npublisher: NHS\n---\nA title\n\nSome text about IUI.", "t", "t.txt", "text")
    assert doc.source.as_dict() == {"publisher": "NHS"}
    assert doc.title == "A title"


@pytest.mark.parametrize(
    "text",
    [
        "---\nThis opening rule is followed by prose, not keys.\n---\nMore text.",
        "Some text first.\n---\nurl: https://example.org\n---\n",
        "---\nurl: https://example.org\nnever closed, so this is text\n",
        "----\nurl: https://example.org\n----\nText.",
    ],
)
def test_text_that_is_not_front_matter_is_kept(text):
    keys, rest = front_matter(text)
    assert keys == {} and rest == text


def test_html_metadata_canonical_site_name_author_and_published_time():
    doc = _doc(PAGE, "html")
    # the canonical link before og:url; the published time before the modified one and <time>; its own day kept
    assert doc.source == Provenance("https://site.example/folic", "Site Example", "A. Writer", "2022-07-01")


def test_html_falls_back_to_og_url_modified_time_then_time_element():
    page = PAGE.replace('<link rel="canonical" href="https://site.example/folic">', "")
    page = page.replace('<meta property="article:published_time" content="2022-07-01T23:30:00-05:00">', "")
    assert (_doc(page, "html").source.url, _doc(page, "html").source.date) == ("https://site.example/og", "2023-02-01")
    page = page.replace('<meta property="article:modified_time" content="2023-02-01T09:00:00+01:00">', "")
    assert _doc(page, "html").source.date == "2020-01-01"


def test_missing_fields_are_absent():
    doc = _doc("# Title\n\nText about IUI.")
    assert not doc.source and doc.source.as_dict() == {} and doc.source.citation() == ""
    assert _doc("---\nauthor: Someone\n---\n# T\n\nText.").source.as_dict() == {"author": "Someone"}


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2024-03-05", "2024-03-05"),
        ("2024-03-05T10:00:00Z", "2024-03-05"),
        ("2024-03-05T23:30:00-05:00", "2024-03-05"),
        ("2024/03/05", "2024-03-05"),
        ("5 March 2024", "2024-03-05"),
        ("March 5, 2024", "2024-03-05"),
        ("Mar 5 2024", "2024-03-05"),
        ("2024-02-30", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_dates_are_normalised_to_iso_days(value, day):
    assert normal_date(value) == day


@pytest.mark.parametrize(
    ("line", "field", "shown"),
    [
        ("url: javascript:alert(1)", "url", "'javascript:alert(1)' is not an http(s) address"),
        ("url: /relative/page", "url", "is not an http(s) address"),
        ("url: data:text/html,<script>alert(1)</script>", "url", "is not an http(s) address"),
        ("url: https://", "url", "is not an http(s) address"),
        ("date: 31/31/2024", "date", "'31/31/2024' is not a date"),
    ],
)
def test_bad_values_are_dropped_with_a_warning_naming_the_file_and_field(line, field, shown):
    doc = _doc(f"---\n{line}\npublisher: Kept\n---\n# T\n\nText about IUI.")
    assert doc.source.as_dict() == {"publisher": "Kept"}
    (warning,) = doc.warnings
    assert warning.startswith("d.md: in its front matter: " + field) and shown in warning and "dropped" in warning


def test_hostile_names_are_kept_as_text_without_controls():
    doc = _doc(
        '---\npublisher: <script>alert("x")</script>\u202e\x07 Evil\nauthor: "' + "A" * 500 + '"\n---\n# T\n\nText.'
    )
    assert doc.source.publisher == '<script>alert("x")</script> Evil'  # escaping is the renderer's job
    assert len(doc.source.author) == 200


def test_a_source_given_with_the_text_wins_field_by_field():
    doc = _doc(POST, source={"publisher": "Given", "url": "ftp://nope", "date": "2021-01-02"})
    assert doc.source == Provenance("https://example.org/iui", "Given", "Dr Jane Roe", "2021-01-02")
    assert any("in the source given: url 'ftp://nope'" in w for w in doc.warnings)


def _corpus(tmp_path: Path, manifest_name: str | None = "sources.json", manifest=None) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "post.md").write_text(POST)
    (docs / "page.html").write_text(PAGE)
    (docs / "plain.txt").write_text("Plain post\n\nIUI is one way to try to conceive with donor sperm.\n")
    if manifest_name:
        (docs / manifest_name).write_text(json.dumps(manifest or {}))
    return docs


def _loaded(docs: Path) -> dict:
    return {d.id: d for d in load_corpus([docs])}


def test_the_manifest_wins_over_the_file_field_by_field(tmp_path):
    manifest = {"post.md": {"publisher": "Manifest Pub", "date": "2020-12-31"}, "plain.txt": {"author": "Ann"}}
    docs = _loaded(_corpus(tmp_path, manifest=manifest))
    assert docs["post"].source == Provenance("https://example.org/iui", "Manifest Pub", "Dr Jane Roe", "2020-12-31")
    assert docs["plain"].source.as_dict() == {"author": "Ann"}
    assert docs["page"].source.publisher == "Site Example"  # not in the manifest: the page's own


def test_manifest_json_is_read_when_there_is_no_sources_json(tmp_path):
    docs = _corpus(tmp_path, "manifest.json", {"plain.txt": {"url": "http://old.example/plain"}})
    assert _loaded(docs)["plain"].source.url == "http://old.example/plain"
    (docs / "sources.json").write_text(json.dumps({"plain.txt": {"url": "https://new.example/plain"}}))
    assert _loaded(docs)["plain"].source.url == "https://new.example/plain"  # sources.json comes first


def test_bad_manifest_values_and_entries_are_warnings(tmp_path):
    manifest = {
        "post.md": {"url": "javascript:alert(1)", "date": "soon", "publisher": 7},
        "plain.txt": "not an object",
        "missing.md": {"url": "https://x.example"},
    }
    docs = _corpus(tmp_path, manifest=manifest)
    loaded = _loaded(docs)
    assert loaded["post"].source.url == "https://example.org/iui"  # the manifest's bad url: the file's own is used
    assert loaded["post"].source.publisher == "Example Clinic"
    warnings = [w for d in loaded.values() for w in d.warnings]
    where = f"{docs / 'post.md'}: in {docs / 'sources.json'}"
    assert f"{where}: url 'javascript:alert(1)' is not an http(s) address; it was dropped" in warnings
    assert f"{where}: date 'soon' is not a date (use YYYY-MM-DD); it was dropped" in warnings
    assert f"{where}: publisher is not text; it was dropped" in warnings
    assert any("the entry for 'plain.txt' is not an object" in w for w in warnings)
    assert any("'missing.md' names no document" in w for w in warnings)


def test_a_manifest_that_is_not_json_is_a_warning_and_the_build_goes_on(tmp_path):
    docs = _corpus(tmp_path, manifest=None)
    (docs / "sources.json").write_text("{not json")
    summary = build_index([docs], tmp_path / "index")
    assert summary.documents == 3
    assert any("sources.json: not valid JSON" in w for w in summary.warnings)


def test_a_linked_manifest_is_not_followed(tmp_path):
    docs = _corpus(tmp_path, manifest_name=None)
    (tmp_path / "elsewhere.json").write_text(json.dumps({"plain.txt": {"author": "Linked"}}))
    (docs / "sources.json").symlink_to(tmp_path / "elsewhere.json")
    loaded = _loaded(docs)
    assert not loaded["plain"].source
    assert any("not read" in w for d in loaded.values() for w in d.warnings)


def test_provenance_reaches_hits_documents_and_summaries_and_front_matter_is_not_indexed(tmp_path):
    docs = _corpus(tmp_path, manifest={"plain.txt": {"publisher": "Plain Pub"}})
    build_index([docs], tmp_path / "index")
    with Library(tmp_path / "index") as library:
        page = library.search(SearchRequest("insemination"))
        post = next(h for h in page.hits if h.doc_id == "post")
        assert post.source.url == "https://example.org/iui"
        assert post.as_dict()["source"] == {
            "url": "https://example.org/iui",
            "publisher": "Example Clinic",
            "author": "Dr Jane Roe",
            "date": "2024-03-05",
        }
        assert library.passage(post.passage_id).source == post.source
        assert library.document("page").document.source.author == "A. Writer"
        summaries = {d["id"]: d for d in library.documents()}
        assert summaries["plain"]["source"] == {"publisher": "Plain Pub"}
        assert library.search(SearchRequest("secretfrontmatterword")).total == 0
        assert library.search(SearchRequest("layout")).total == 0


def test_a_changed_manifest_reaches_the_next_build_while_checks_are_reused(tmp_path):
    docs = _corpus(tmp_path, manifest={"plain.txt": {"publisher": "First"}})
    build_index([docs], tmp_path / "index")
    (docs / "sources.json").write_text(json.dumps({"plain.txt": {"publisher": "Second"}}))
    summary = build_index([docs], tmp_path / "index")
    assert summary.reused == 3  # the files are unchanged: their checks are reused, their provenance is not
    with Library(tmp_path / "index") as library:
        assert library.document("plain").document.source.publisher == "Second"
        assert library.document_summary("plain")["source"] == {"publisher": "Second"}


def test_a_build_from_before_provenance_is_not_reused(tmp_path):
    assert CLEANING_VERSION >= 3  # front matter removal changed what a file becomes
    docs = _corpus(tmp_path, manifest_name=None)
    build_index([docs], tmp_path / "index")
    edit_manifest(tmp_path / "index", cleaning=2)
    assert build_index([docs], tmp_path / "index").reused == 0


def test_source_texts_carry_a_source(tmp_path):
    sources = [SourceText("Title\n\nIUI is one way to conceive.", "given", source={"url": "https://given.example"})]
    build_index_from(sources, tmp_path / "index")
    with Library(tmp_path / "index") as library:
        assert library.document("given").document.source.as_dict() == {"url": "https://given.example"}
