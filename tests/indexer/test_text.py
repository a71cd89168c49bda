"""Text normalisation: the checker's one-pass reading of a sentence gives what tokenizing it in full gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import Checker, default_knowledge_base
from indexer.language import text
from indexer.language.text import claim_line, claim_tokens, words

FEATURES = Checker(default_knowledge_base())._features

# Pieces that exercise what the word-by-word reading must get right: spaced dashes (the one token taking in spaces),
# contractions, numbers, kept punctuation, non-ASCII text (read whole), and words the rules look for.
# fmt: off
PIECES = [
    "ICI", "intrauterine", "insemination", "studies", "shown", "stress", "causes", "miscarriage", "isn't", "don't",
    "n't", "women's", "20", "15%", "1.5", "1,000", "-", "--", " - ", "\u2013", "\u2014", "(", ")", ",", ";", ":", ".",
    "?", "&", "'", "'s", "na\u00efve", "\ufb01ne", "\u200b", "caf\u00e9", "e.g.", "self-insemination", "x-ray",
]
# fmt: on
SEPARATORS = ["", " ", " ", "  ", "\t", "\n", "\u00a0", "\x1c"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PIECES) | st.text(max_size=4), st.sampled_from(SEPARATORS)), max_size=25))
def test_reading_a_sentence_matches_tokenizing_it(pieces):
    text = "".join(piece + gap for piece, gap in pieces)
    tokens = claim_tokens(text)
    assert FEATURES.read(text) == (claim_line(tokens), FEATURES.features(tokens))


@pytest.mark.parametrize("room", [0, 1, 5])
def test_reading_is_the_same_when_the_memos_are_full(monkeypatch, room):
    monkeypatch.setattr(text, "_WORD_LIMIT", room)
    features = Checker(default_knowledge_base())._features
    for sentence in ["Studies have shown that ICI works.", "ICI works, studies show.", "Stress - not ICI - matters."]:
        for _ in range(2):
            tokens = claim_tokens(sentence)
            assert features.read(sentence) == (claim_line(tokens), features.features(tokens))


def test_bidi_controls_are_invisible_to_words():
    assert words("mis\u2066carriage \u202eis\u2069 common") == ["miscarriage", "is", "common"]
