from pathlib import Path

import pytest

from indexer import DocumentError, document_from_text, documents, load_corpus, load_document, split_passages
from indexer.documents import decode


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def test_seed_debris_is_cleaned(seeds_dir):
    doc = load_document(seeds_dir / "000_71f14f984e23f40f.txt")
    assert doc.title.startswith("The Emotional Toll of Recurrent Pregnancy Loss")
    assert "Blog Post" not in doc.title and "**" not in doc.title
    assert "**" not in doc.text
    assert "Summary:" not in doc.text
    headings = [doc.text[b.start : b.end] for b in doc.blocks if b.kind == "heading"]
    assert "In Conclusion" in headings


def test_repeated_title_and_leave_a_reply_are_dropped(seeds_dir):
    doc = load_document(seeds_dir / "001_d7974330d13c9b64.txt")
    assert doc.text.count("The Road to Recovery: How Intra Cervical Insemination") == 0
    assert "Leave a Reply" not in doc.text
    assert doc.title == "The Road to Recovery: How Intra Cervical Insemination Can Help After Miscarriage"


def test_blocks_point_into_cleaned_text(seeds_dir):
    for path in sorted(seeds_dir.glob("*.txt")):
        doc = load_document(path)
        assert doc.text == "\n\n".join(doc.text[b.start : b.end] for b in doc.blocks)


def test_document_id_is_stable_and_from_file_name(seeds_dir, tmp_path):
    first = load_document(seeds_dir / "002_60823bb5e3f73861.txt")
    copy = write(
        tmp_path, "002_60823bb5e3f73861.txt", (seeds_dir / "002_60823bb5e3f73861.txt").read_bytes() + b"\nMore."
    )
    assert first.id == load_document(copy).id == "002_60823bb5e3f73861"


def test_markdown_title_and_links(tmp_path):
    path = write(
        tmp_path,
        "page.md",
        "# Trying again\n\nRead [the NHS page](https://nhs.uk) **today**.\n\n## Timing\n\nWait two weeks.\n",
    )
    doc = load_document(path)
    assert doc.title == "Trying again"
    assert "Read the NHS page today." in doc.text
    assert [b.kind for b in doc.blocks] == ["paragraph", "heading", "paragraph"]


def test_html_drops_scripts_navigation_and_takes_title(tmp_path):
    html = (
        "<html><head><title>Miscarriage facts</title><script>alert('x')</script></head><body>"
        "<nav>Home | About</nav><h1>Miscarriage facts</h1><h2>How common</h2>"
        "<p>About 1 in 8 known pregnancies end in miscarriage.</p><footer>Copyright</footer></body></html>"
    )
    doc = load_document(write(tmp_path, "page.html", html))
    assert doc.title == "Miscarriage facts"
    assert "alert" not in doc.text and "Home | About" not in doc.text and "Copyright" not in doc.text
    assert doc.text == "How common\n\nAbout 1 in 8 known pregnancies end in miscarriage."


def test_cp1252_fallback_warns(tmp_path):
    path = write(tmp_path, "old.txt", "Title\n\nIt\x92s common \x96 about 15%.".encode("latin-1"))
    doc = load_document(path)
    assert "It\u2019s common \u2013 about 15%." in doc.text
    assert doc.warnings and "cp1252" in doc.warnings[0] and "old.txt" in doc.warnings[0]


def test_utf16_with_bom(tmp_path):
    path = write(tmp_path, "wide.txt", "Title\n\nMiscarriage is common.".encode("utf-16"))
    assert load_document(path).text == "Miscarriage is common."


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"   \n", "empty file"),
        ("binary.txt", b"\x00\x01\x02PNG", "binary"),
        ("image.png", b"\x89PNG", "unsupported file type"),
    ],
)
def test_bad_files_are_skipped_with_reason(tmp_path, name, data, reason):
    path = write(tmp_path, name, data)
    with pytest.raises(DocumentError) as err:
        load_document(path)
    assert name in str(err.value) and reason in str(err.value)


def test_size_limit(tmp_path):
    path = write(tmp_path, "big.txt", "Title\n\n" + "word " * 1000)
    with pytest.raises(DocumentError, match="too large"):
        load_document(path, max_bytes=100)


def test_corpus_skips_bad_files_and_keeps_the_rest(tmp_path, seeds_dir):
    write(tmp_path, "good.txt", "Title\n\nMiscarriage is common.")
    write(tmp_path, "empty.txt", "")
    items = list(load_corpus([tmp_path, tmp_path / "missing"]))
    docs = [i for i in items if not isinstance(i, DocumentError)]
    errors = [i for i in items if isinstance(i, DocumentError)]
    assert [d.id for d in docs] == ["good"]
    assert {Path(e.path).name for e in errors} == {"empty.txt", "missing"}


def test_decode_rejects_random_binary():
    with pytest.raises(DocumentError):
        decode(bytes(range(1, 32)) * 200, "x.txt")


# Hardening (issue 11): bidi controls, debris-only documents, one document's bound, symbolic links, id collisions.

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("rtl.txt", f"Safe\u202e title{BIDI}\n\nWhat\u2067 now\n\nIt is \u202egnp.exe\u202c common. Really."),
        ("rtl.md", f"# Safe\u202e title{BIDI}\n\n## What\u2067 now\n\nIt is \u202egnp.exe\u202c common. Really."),
        (
            "rtl.html",
            f"<title>Safe&#x202e; title{BIDI}</title><h2>What&#8295; now</h2>"
            "<p>It is \u202egnp.exe&#x202C; common. Really.</p>",
        ),
    ],
    ids=["text", "markdown", "html"],
)
def test_bidi_controls_are_stripped_from_title_headings_and_text(tmp_path, name, data):
    doc = load_document(write(tmp_path, name, data))
    assert doc.title == "Safe title"
    assert not any(c in doc.text for c in BIDI)
    assert doc.text == "What now\n\nIt is gnp.exe common. Really."
    assert doc.text == "\n\n".join(doc.text[b.start : b.end] for b in doc.blocks)
    for passage in split_passages(doc):
        for s in passage.sentences:
            assert doc.text[s.start : s.end] == s.text


def test_bidi_marks_are_kept(tmp_path):
    # left-to-right and right-to-left marks open nothing that could spill over the page; RTL text needs them
    doc = load_document(write(tmp_path, "marks.txt", "Title\n\n\u05e9\u05dc\u05d5\u05dd\u200f 5 \u200eok."))
    assert "\u200f" in doc.text and "\u200e" in doc.text


def test_an_explicit_title_loses_bidi_controls_too():
    assert document_from_text("Miscarriage is common.", "d", title="\u202eTitle\u2069").title == "Title"


@pytest.mark.parametrize(
    "body",
    [". " * 5000, "* * *\n\n- - -\n\n\u2026", "!!! ??? ...", "\u2014 \u2022 \u00b7"],
    ids=["full-stops", "separators", "marks", "symbols"],
)
def test_a_document_without_letters_or_digits_is_skipped(tmp_path, body):
    with pytest.raises(DocumentError) as err:
        load_document(write(tmp_path, "dots.txt", body))
    assert err.value.reason == "no words to check (only punctuation and symbols)"
    assert "dots.txt" in str(err.value)


def test_a_long_document_is_cut_at_the_sentence_limit_with_a_warning(tmp_path):
    limit = documents.MAX_DOCUMENT_SENTENCES
    path = write(tmp_path, "long.txt", "Long one\n\n" + "Miscarriage is common. " * (limit + 500))
    doc = load_document(path)
    sentences = [s for p in split_passages(doc) for s in p.sentences]
    assert len(sentences) == limit
    assert doc.text == ("Miscarriage is common. " * limit).rstrip()
    assert doc.warnings == (
        f"{path}: too many sentences (the limit is {limit:,} sentences and headings); only the first "
        f"{len(doc.text):,} characters of its text were checked and indexed",
    )


def test_the_sentence_limit_counts_headings_and_never_splits_more(tmp_path):
    limit = documents.MAX_DOCUMENT_SENTENCES
    lines = [
        f"Heading {n}\n\nOk. Fine! Why? Done e.g. here. It is 2.5 mg. Dr. Who. Ph.D. students" for n in range(limit)
    ]
    doc = load_document(write(tmp_path, "many.txt", "Title\n\n" + "\n\n".join(lines)))
    assert doc.warnings and "many.txt: too many sentences" in doc.warnings[0]
    headings = sum(b.kind == "heading" for b in doc.blocks)
    sentences = sum(len(p.sentences) for p in split_passages(doc))
    assert headings + sentences <= limit
    assert doc.text == "\n\n".join(doc.text[b.start : b.end] for b in doc.blocks)


def test_a_document_at_the_limit_is_whole(tmp_path):
    limit = documents.MAX_DOCUMENT_SENTENCES
    doc = load_document(write(tmp_path, "full.txt", "Title\n\n" + "Miscarriage is common. " * (limit - 1) + "Last"))
    assert not doc.warnings and doc.text.endswith("common. Last")
    assert sum(len(p.sentences) for p in split_passages(doc)) == limit
