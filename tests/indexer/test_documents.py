import os
from pathlib import Path

import pytest

from indexer import (
    Checker,
    DocumentError,
    check_document,
    document_from_text,
    load_corpus,
    load_document,
    split_passages,
)
from indexer.documents import loading as documents
from indexer.documents.loading import corpus_files, decode


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


TABLE_ROWS = [
    "ICI, where sperm goes: directly into the uterus. IUI, where sperm goes: near the cervix.",
    "ICI, success per cycle: 10-15%. IUI, success per cycle: 10-20%.",
]


def test_a_markdown_table_row_is_a_paragraph_whose_cells_name_their_row_and_column(tmp_path):
    page = (
        "# ICI or IUI\n\n| | ICI | IUI |\n|---|:---:|---|\n| Where sperm goes | directly into the **uterus** | near the"
        " cervix |\n| Success per cycle | 10-15% | 10-20% |\n\n| Myth | Fact |\n|---|---|\n"
        "| Stress causes miscarriage. | Stress does not cause miscarriage. |\nAfter the table.\n"
    )
    doc = load_document(write(tmp_path, "page.md", page))
    assert doc.text.split("\n\n") == [
        *TABLE_ROWS,
        "Myth: Stress causes miscarriage. Fact: Stress does not cause miscarriage.",  # statements, not labels
        "After the table.",
    ]
    assert [b.kind for b in doc.blocks] == ["paragraph"] * 4


def test_an_html_table_row_is_a_paragraph_whose_cells_name_their_row_and_column(tmp_path):
    html = (
        "<html><head><title>ICI or IUI</title></head><body><p>How they compare.</p><table><thead><tr><th></th>"
        "<th>ICI</th><th>IUI</th></tr></thead><tbody><tr><td>Where sperm goes</td><td>directly into the <b>uterus"
        "</b></td><td>near the cervix</td></tr><tr><td>Success per cycle</td><td><p>10-15%</p></td><td>10-20%"
        "</td></tr></tbody></table><p>After the table.</p><table><tr><td>Step one</td><td>Wash the syringe"
    )
    doc = load_document(write(tmp_path, "page.html", html))
    # a table without a header row reads "label: cell"; one never closed still counts
    assert doc.text.split("\n\n") == [
        "How they compare.",
        *TABLE_ROWS,
        "After the table.",
        "Step one: Wash the syringe.",
    ]


def test_an_faq_button_asking_a_question_is_the_heading_its_answer_is_read_with(tmp_path):
    html = (
        "<html><head><title>FAQ</title></head><body><nav><button>Menu?</button></nav><div><button>Can stress"
        " cause a miscarriage?</button><div><p>Yes, especially severe stress.</p></div><button>Read more</button>"
        "</div></body></html>"
    )
    doc = load_document(write(tmp_path, "faq.html", html))
    assert doc.text == "Can stress cause a miscarriage?\n\nYes, especially severe stress."
    assert [b.kind for b in doc.blocks] == ["heading", "paragraph"]
    checks = [c for p in check_document(doc, Checker()).passages for c in p.checks]
    assert [(c.text, c.status) for c in checks] == [("Yes, especially severe stress.", "inaccurate")]


def test_a_table_cell_is_checked_with_its_row_label_and_column_header(tmp_path):
    page = "# ICI or IUI\n\n| | ICI | IUI |\n|---|---|---|\n| Where sperm goes | into the uterus | near the cervix |\n"
    checked = check_document(load_document(write(tmp_path, "page.md", page)), Checker())
    statuses = {c.text: c.status for p in checked.passages for c in p.checks}
    assert statuses == {
        "ICI, where sperm goes: into the uterus.": "inaccurate",
        "IUI, where sperm goes: near the cervix.": "inaccurate",
    }


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


def test_symbolic_links_inside_a_folder_are_skipped_naming_them(tmp_path):
    outside = tmp_path / "instance"
    outside.mkdir()
    (outside / "secret_key").write_text("s3cr3t-k3y value")
    (outside / "notes.txt").write_text("Notes\n\nPrivate notes about IUI.")
    docs = tmp_path / "docs"
    docs.mkdir()
    write(docs, "good.txt", "Good\n\nMiscarriage is common.")
    (docs / "key.txt").symlink_to(outside / "secret_key")
    (docs / "linked").symlink_to(outside, target_is_directory=True)
    (docs / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    (docs / "sub").mkdir()
    (docs / "sub" / "again.html").symlink_to(docs / "good.txt")
    items = list(load_corpus([docs]))
    assert [d.id for d in items if not isinstance(d, DocumentError)] == ["good"]
    skipped = {e.path: e.reason for e in items if isinstance(e, DocumentError)}
    names = [str(docs / n) for n in ("linked", "dangling.md", "key.txt", os.path.join("sub", "again.html"))]
    assert skipped == dict.fromkeys(names, documents.LINK_SKIPPED)
    assert not any("s3cr3t" in str(i) or "Private" in str(i) for i in items)


def test_a_symbolic_link_given_itself_is_followed(tmp_path):
    target = write(tmp_path, "real.txt", "Real\n\nMiscarriage is common.")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    [doc] = list(load_corpus([link]))
    assert doc.text == "Miscarriage is common."


def test_a_file_swapped_for_a_link_after_the_walk_is_not_read(tmp_path):
    secret = write(tmp_path, "secret.txt", "Secret\n\nThe key is s3cr3t.")
    docs = tmp_path / "docs"
    docs.mkdir()
    write(docs, "post.txt", "Post\n\nMiscarriage is common.")
    [source] = list(corpus_files([docs]))
    (docs / "post.txt").unlink()
    (docs / "post.txt").symlink_to(secret)  # between finding the file and reading it
    with pytest.raises(DocumentError) as err:
        source.load()
    assert err.value.reason == documents.LINK_SKIPPED


def test_a_file_listed_twice_is_loaded_once(tmp_path):
    path = write(tmp_path, "post.txt", "Post\n\nMiscarriage is common.")
    assert [s.doc_id for s in corpus_files([tmp_path, path])] == ["post"]


def test_colliding_names_get_distinct_ids_and_a_warning_naming_both(tmp_path):
    first = write(tmp_path, "My Post.txt", "One\n\nMiscarriage is common.")
    second = write(tmp_path, "my-post.txt", "Two\n\nICI is not IUI.")
    (tmp_path / "b").mkdir()
    third = write(tmp_path / "b", "my_post.md", "# Three\n\nStress does not cause miscarriage.")
    fourth = write(tmp_path / "b", "My-Post.txt", "Four\n\nRest helps.")
    sources = {s.path: s for s in corpus_files([tmp_path])}
    assert sources[first].doc_id == "my-post" and sources[third].doc_id == "my_post"
    other = sources[second].doc_id
    assert other.startswith("my-post-") and len({other, sources[fourth].doc_id, "my-post"}) == 3
    assert sources[second].warnings == (
        f"{second}: its name gives the id 'my-post', which {first} has; it was given the id '{other}'",
    )
    assert str(first) in sources[fourth].warnings[0] and str(fourth) in sources[fourth].warnings[0]
    assert sources[second].load().warnings == sources[second].warnings
    # the same corpus gives the same ids every time
    assert {s.path: s.doc_id for s in corpus_files([tmp_path])} == {p: s.doc_id for p, s in sources.items()}


def test_files_keep_the_ids_of_the_previous_build(tmp_path):
    old = write(tmp_path, "my-post.txt", "Old\n\nMiscarriage is common.")
    new = write(tmp_path, "My Post.txt", "New\n\nICI is not IUI.")  # sorts first: by name order it would win
    previous = {"my-post": os.path.abspath(old), "gone": os.path.abspath(tmp_path / "gone.txt")}
    sources = {s.path: s for s in corpus_files([tmp_path], previous)}
    assert sources[old].doc_id == "my-post" and not sources[old].warnings
    assert sources[new].doc_id != "my-post" and str(old) in sources[new].warnings[0]
