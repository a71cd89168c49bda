"""`punkt.Punkt` draws exactly the sentence boundaries of an unmodified NLTK Punkt tokenizer with the same
abbreviations, on generated text and on the seed posts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from indexer import load_document
from indexer.engine.pins import pinned_versions_installed
from indexer.engine.punkt import Punkt
from indexer.language.passages import ABBREVIATIONS

pytestmark = pytest.mark.skipif(
    not pinned_versions_installed(), reason="the engine internals are written for the pinned whoosh and NLTK"
)

FAST = Punkt(ABBREVIATIONS)

# Pieces around which Punkt's decisions turn: abbreviations, initials, numbers, ellipses, every sentence mark,
# the closing quotes and brackets it realigns, non-ASCII letters; gaps of every kind of space, or none.
PIECES = [
    "disease",
    "The",
    "the",
    "it",
    "Dr",
    "dr",
    "e.g",
    "U.S",
    "etc",
    "vs",
    "al",
    "J",
    "a",
    "No",
    "2010",
    "1.5",
    "15%",
    "3",
    "ICI",
    "Smith",
    "na\u00efve",
    "\u00c9tude",
    ".",
    "..",
    "...",
    ". . .",
    "?",
    "!",
    "?!",
    ",",
    ";",
    ":",
    "(",
    ")",
    '"',
    "'",
    "-",
    "--",
    "\u2013",
    "\u201c",
    "\u201d",
    "\u2019",
    "\u00bb",
    "[",
    "]",
    "}",
    "*",
    "1.",
    "a)",
    "\u2022",
    "x-ray",
    "long-term",
    "self-dr",
    "e-g",
    "B12",
    "9a",
    "COVID-19",
    "(ICI)",
    "type-2",
]
GAPS = ["", " ", " ", " ", "  ", "\n", "\t", "\u00a0", "\r\n"]


def reference() -> PunktSentenceTokenizer:
    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(GAPS)), max_size=30))
def test_spans_are_punkts(pieces):
    text = "".join(piece + gap for piece, gap in pieces)
    assert list(FAST.span_tokenize(text)) == list(reference().span_tokenize(text))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_spans_of_any_text_are_punkts(text):
    assert list(FAST.span_tokenize(text)) == list(reference().span_tokenize(text))


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(PIECES) | st.from_regex(r"[(\"]?[A-Za-z0-9][A-Za-z0-9-]{0,7}[)\]\"]?", fullmatch=True),
    st.sampled_from([". ", "? ", "! ", ".", "?", ". \n", ".  ", ".) ", '." ']),
    st.sampled_from(PIECES) | st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=6),
)
def test_boundary_decisions_are_punkts(word, mark, after):
    context = word + mark + after
    assert FAST.text_contains_sentbreak(context) == reference().text_contains_sentbreak(context)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["", "x-", "self-", "(", "Non-"]),
    st.sampled_from(sorted(ABBREVIATIONS)) | st.sampled_from(["a", "B", "2010", "1.5", "x1", "ab"]),
    st.sampled_from([". ", ".) ", '." ', "). "]),
    st.sampled_from(["Smith", "smith", "end.)", "2", "-", "(see", '"', "U.S.", "x."]),
)
def test_decisions_after_abbreviations_initials_and_numbers_are_punkts(prefix, word, mark, after):
    context = prefix + word + mark + after
    assert FAST.text_contains_sentbreak(context) == reference().text_contains_sentbreak(context)


def test_seed_paragraphs_split_as_punkt_splits_them(seeds_dir):
    for path in sorted(seeds_dir.glob("*.txt")):
        doc = load_document(path)
        for block in doc.blocks:
            text = doc.text[block.start : block.end]
            assert list(FAST.span_tokenize(text)) == list(reference().span_tokenize(text)), text


SPACES = [c for c in map(chr, range(0x3001)) if c.isspace()]  # Python's and the regex module's spaces, and more


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(GAPS + SPACES)), max_size=30))
def test_spans_with_every_kind_of_space_are_punkts(pieces):
    # FAST finds candidates with Python's re, NLTK with the regex module: they disagree on \x1c-\x1f
    text = "".join(piece + gap for piece, gap in pieces)
    assert list(FAST.span_tokenize(text)) == list(reference().span_tokenize(text))


def test_candidates_are_nltks_own_matches():
    spaces = [c for c in SPACES if not "\x1c" <= c <= "\x1f"]  # texts with these use NLTK's pattern
    text = "".join(f"w{i}{'.?!'[i % 3]}{c}x{i} " for i, c in enumerate(spaces)) + 'a." B. (c)! "d"? e...  f'
    nltk_matches = reference()._lang_vars.period_context_re().finditer(text)
    ours = FAST._candidates.finditer(text)
    fields = lambda m: (m.span(), m.group("after_tok"), m.group("next_tok"))  # noqa: E731
    assert [fields(m) for m in ours] == [fields(m) for m in nltk_matches]
