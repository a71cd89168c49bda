from pathlib import Path

import pytest

from indexer import DocumentError, load_corpus, load_document
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
    copy = write(tmp_path, "002_60823bb5e3f73861.txt", (seeds_dir / "002_60823bb5e3f73861.txt").read_bytes() + b"\nMore.")
    assert first.id == load_document(copy).id == "002_60823bb5e3f73861"


def test_markdown_title_and_links(tmp_path):
    path = write(tmp_path, "page.md", "# Trying again\n\nRead [the NHS page](https://nhs.uk) **today**.\n\n## Timing\n\nWait two weeks.\n")
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
