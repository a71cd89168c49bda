import pytest

from indexer import load_document, split_passages, split_sentences
from indexer.language.passages import MAX_SENTENCES


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Dr. Smith saw her. She was fine.", 2),
        ("Explained Zev Williams, M.D., Ph.D., as head of the department. Then he left.", 2),
        ("Some foods, e.g. fish, are fine. Others are not.", 2),
        ("IUI vs. ICI is a common question. The answer is clear.", 2),
        ("About 15.5% of cases. Not more.", 2),
        ("1. Restore your physical and mental health first.", 1),
    ],
)
def test_sentence_splitting_handles_abbreviations(text, count):
    sentences = split_sentences(text)
    assert len(sentences) == count, [s.text for s in sentences]
    for s in sentences:
        assert text[s.start : s.end] == s.text


def test_offsets_shift_into_document():
    sentences = split_sentences("One. Two.", offset=100)
    assert [(s.start, s.end) for s in sentences] == [(100, 104), (105, 109)]


def test_passages_respect_sections_and_size(seeds_dir):
    for path in sorted(seeds_dir.glob("*.txt")):
        doc = load_document(path)
        passages = split_passages(doc)
        assert passages, path
        headings = {doc.text[b.start : b.end]: b for b in doc.blocks if b.kind == "heading"}
        for n, passage in enumerate(passages, 1):
            assert passage.position == n and passage.id == f"{doc.id}.p{n}"
            assert 1 <= len(passage.sentences) <= MAX_SENTENCES
            assert doc.text[passage.start : passage.end].startswith(passage.sentences[0].text)
            for s in passage.sentences:
                assert doc.text[s.start : s.end] == s.text
            if passage.heading:
                # the passage lies after its heading, never across another heading
                heading_block = headings[passage.heading]
                assert heading_block.end < passage.start
                between = [b for b in doc.blocks if heading_block.end < b.start < passage.start]
                assert all(b.kind == "paragraph" for b in between)


def test_heading_starts_a_new_passage(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text("Title\n\nFirst section line one. Line two.\n\nNext Section\n\nSecond section text.")
    passages = split_passages(load_document(path))
    assert [(p.heading, len(p.sentences)) for p in passages] == [("", 2), ("Next Section", 1)]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Miscarriage is common. . . . It is not your fault.", ["Miscarriage is common.", "It is not your fault."]),
        ("... Then it ended. !!! ???", ["... Then it ended."]),  # Punkt's own sentence: debris only when alone
        ("Rest. \u2026 \u2014 Walk. \u2026", ["Rest.", "\u2026 \u2014 Walk."]),
        ("1. Rest first.", ["1. Rest first."]),
        (". . . . .", []),
    ],
)
def test_text_without_letters_or_digits_is_not_a_sentence(text, sentences):
    found = split_sentences(text, offset=10)
    assert [s.text for s in found] == sentences
    assert all(text[s.start - 10 : s.end - 10] == s.text for s in found)


def test_debris_paragraphs_give_no_passage_and_offsets_stay_true(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text("Title\n\nFirst part. . . . Still first.\n\n* * *\n\nSecond part.")
    doc = load_document(path)
    passages = split_passages(doc)
    assert [[s.text for s in p.sentences] for p in passages] == [["First part.", "Still first."], ["Second part."]]
    assert [p.id for p in passages] == [f"{doc.id}.p1", f"{doc.id}.p2"]
    assert "* * *" in doc.text  # still shown in the document, just not checked
    for p in passages:
        for s in p.sentences:
            assert doc.text[s.start : s.end] == s.text
