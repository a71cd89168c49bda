"""The one-pass analyzer gives exactly what whoosh's chained analyzer gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.engine.whoosh.schema import analyzer, chained_analyzer, term_spans

WORDS = [
    "the",
    "a",
    "of",
    "I",
    "x",
    "running",
    "IUI",
    "miscarriages",
    "Über",
    "naïve",
    "café",
    "don't",
    "e.g.",
    "10.5mg",
    "it's",
    "U.S.",
    "2nd",
    "’s",
    "--",
    ",",
    ".",
    "  ",
    "\n",
    "\t",
    "Ab",
    "to",
    "be",
]
OPTIONS = st.fixed_dictionaries(
    {
        "positions": st.booleans(),
        "chars": st.booleans(),
        "keeporiginal": st.booleans(),
        "removestops": st.booleans(),
        "start_pos": st.integers(0, 5),
        "start_char": st.integers(0, 5),
        "tokenize": st.booleans(),
        "mode": st.sampled_from(["", "index", "query"]),
    }
)


def tokens(an, text: str, options: dict) -> list[tuple]:
    out = []
    for t in an(text, **options):
        out.append(
            (
                t.text,
                t.stopped,
                t.boost,
                t.pos if options["positions"] else None,
                (t.startchar, t.endchar) if options["chars"] else None,
                t.original if options["keeporiginal"] else None,
            )
        )
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS) | st.text(max_size=6), max_size=12), OPTIONS)
def test_word_analyzer_equals_the_whoosh_chain(words, options):
    text = " ".join(words)
    assert tokens(analyzer(), text, options) == tokens(chained_analyzer(), text, options)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS) | st.text(max_size=6), max_size=12))
def test_term_spans_are_the_analyzers_terms(words):
    text = " ".join(words)
    expected = [(t.text, t.startchar, t.endchar) for t in analyzer()(text, chars=True)]
    assert list(term_spans(text)) == expected
