import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import load_document, split_passages, split_sentences
from indexer.passages import MAX_SENTENCES


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


# Sentence boundaries must be NLTK Punkt's exactly: the fast decisions in `passages._Punkt` are checked against an
# unmodified Punkt tokenizer with the same parameters.
_PIECES = [
    "disease", "The", "the", "it", "Dr", "dr", "e.g", "U.S", "etc", "vs", "al", "J", "a", "No", "2010", "1.5", "15%",
    "3", "ICI", "Smith", "na\u00efve", "\u00c9tude", ".", "..", "...", ". . .", "?", "!", "?!", ",", ";", ":", "(", ")",
    '"', "'", "-", "--", "\u2013", "\u201c", "\u201d", "\u2019", "[", "]", "*", "1.", "a)", "\u2022",
]
_GAPS = ["", " ", " ", " ", "  ", "\n", "\t", "\u00a0"]


def _reference_tokenizer():
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    from indexer.passages import ABBREVIATIONS

    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_GAPS)), max_size=30))
def test_sentence_spans_are_punkts(pieces):
    from indexer.passages import _tokenizer

    text = "".join(piece + gap for piece, gap in pieces)
    assert list(_tokenizer().span_tokenize(text)) == list(_reference_tokenizer().span_tokenize(text))


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(_PIECES) | st.from_regex(r"[A-Za-z]{1,6}", fullmatch=True),
    st.sampled_from([". ", "? ", "! ", ".", "?", ". \n", ".  "]),
    st.sampled_from(_PIECES) | st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=6),
)
def test_boundary_decisions_are_punkts(word, mark, after):
    from indexer.passages import _tokenizer

    context = word + mark + after
    fast, reference = _tokenizer(), _reference_tokenizer()
    assert fast.text_contains_sentbreak(context) == reference.text_contains_sentbreak(context)


def test_seed_sentences_are_punkts(seeds_dir):
    from indexer.passages import _tokenizer

    for path in sorted(seeds_dir.glob("*.txt")):
        doc = load_document(path)
        for block in doc.blocks:
            text = doc.text[block.start : block.end]
            assert list(_tokenizer().span_tokenize(text)) == list(_reference_tokenizer().span_tokenize(text))
