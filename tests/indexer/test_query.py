"""Wildcards: correct matches, and bounded work whatever is typed (issue 11: a 33-character query took 30 s)."""

from __future__ import annotations

import threading
from fnmatch import fnmatchcase

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import Library, SearchRequest, default_knowledge_base, open_index
from indexer.search import query as query_module
from indexer.search.query import MAX_WILDCARDS, glob_matcher, parse_query

HOSTILE = "re" + "*" * 27 + "e*zq"  # the query of the security review


def finishes(work, seconds: float = 10.0):
    """`work()`'s result, or a failed test if it is still running after `seconds` (a stall, not a speed test)."""
    out = []
    thread = threading.Thread(target=lambda: out.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    return out[0]


class CountingReader:
    """A real searcher that counts the vocabulary terms the query pulls from it."""

    def __init__(self, reader) -> None:
        self.reader = reader
        self.pulled = 0

    def expand_prefix(self, field, prefix):
        for term in self.reader.expand_prefix(field, prefix):
            self.pulled += 1
            yield term


@pytest.fixture(scope="module")
def library(seed_index):
    return Library(seed_index)


@pytest.fixture()
def parse(seed_index):
    """parse_query against the seed index through a CountingReader; returns (parsed, terms pulled)."""
    _, ix, _ = open_index(seed_index)
    kb = default_knowledge_base()
    searcher = ix.searcher()

    def run(text):
        reader = CountingReader(searcher)
        return parse_query(text, searcher.schema, kb, reader), reader.pulled

    yield run
    searcher.close()


@settings(max_examples=400, deadline=None)
@given(pattern=st.text("ab*?", min_size=1, max_size=12), word=st.text("ab", max_size=12))
def test_glob_matcher_agrees_with_fnmatch(pattern, word):
    assert glob_matcher(pattern)(word) == fnmatchcase(word, pattern)


@pytest.mark.parametrize(
    ("pattern", "word", "expected"),
    [
        ("insem*", "insemin", True),
        ("in?emin", "insemin", True),
        ("in?emin", "inemin", False),
        ("mis*ag", "miscarriag", True),
        ("a*b*a", "aba", True),
        ("a*b*a", "ab", False),
        ("ab", "abc", False),
        ("a.b*", "a.bc", True),
        ("a.b*", "axbc", False),
        ("a\\?*", "a\\x", True),
        ("a*?", "a", False),
    ],
)
def test_glob_matcher_cases(pattern, word, expected):
    assert glob_matcher(pattern)(word) is expected


def test_glob_matcher_does_not_backtrack():
    # a ".*" regex of this pattern on this word tries every way of spreading the e's over 27 stars: hours of work
    matches = glob_matcher(HOSTILE)
    assert finishes(lambda: [matches("re" + "e" * n) for n in range(100)]) == [False] * 100
    assert glob_matcher("a*" * 200 + "b")("a" * 500) is False


def test_hostile_wildcard_query_answers(library):
    page = finishes(lambda: library.search(SearchRequest(HOSTILE)))
    assert page.total == 0


@pytest.mark.parametrize("stars", [27, 100, 400])
def test_runs_of_stars_mean_one_star(library, stars):
    assert library.search(SearchRequest("insem" + "*" * stars)).total == library.search(SearchRequest("insem*")).total
    assert finishes(lambda: library.search(SearchRequest(("re" + "*" * stars + "e*zq")[:500]))).total >= 0


def test_normal_wildcards_still_find_their_words(library):
    plain = library.search(SearchRequest("insemination")).total
    assert plain > 10
    assert library.search(SearchRequest("in?emination")).total == plain
    assert library.search(SearchRequest("insem*")).total >= plain
    assert library.search(SearchRequest("insem*nation")).total == plain
    assert library.search(SearchRequest("in?em*")).total >= plain


def test_too_many_wildcards_in_a_word_is_ignored_with_a_note(library):
    word = "in" + "?*" * (MAX_WILDCARDS // 2) + "?x"  # one more than the limit
    page = library.search(SearchRequest(f"{word} miscarriage"))
    assert f"'{word}' has too many wildcards (the limit is {MAX_WILDCARDS}) and was ignored" in page.notes
    assert page.total == library.search(SearchRequest("miscarriage")).total
    within = "in" + "?*" * (MAX_WILDCARDS // 2) + "n"
    assert not library.search(SearchRequest(within)).notes


def test_a_wildcard_word_longer_than_any_matched_word_is_ignored_with_a_note(library):
    from indexer.search.query import MAX_WILDCARD_TERM

    word = "in" + "s" * MAX_WILDCARD_TERM + "*n"
    page = library.search(SearchRequest(f"{word} miscarriage"))
    assert f"'{word}' is longer than any word a wildcard is matched against" in " ".join(page.notes)
    assert page.total == library.search(SearchRequest("miscarriage")).total


def test_a_repeated_wildcard_is_expanded_once(parse):
    _, once = parse("in*n")
    parsed, many = parse(" ".join(["in*n"] * 120)[:500])
    assert once > 0 and many == once and not parsed.notes


@pytest.mark.parametrize(
    "text",
    [
        " ".join(f"in*zq{n}" for n in range(70))[:500],  # distinct wildcards, nearly all matching nothing
        " ".join(f"{a}{b}*?z" for a in "abcdefghijklmnoprstuvw" for b in "aeiou")[:500],  # every two-letter prefix
        " ".join(f"{a}{b}?*" for a in "cdmps" for b in "aeiou"),
    ],
    ids=["one-prefix", "every-prefix", "prefix-and-any"],
)
def test_terms_examined_are_bounded_for_the_whole_query(parse, monkeypatch, text):
    _, unbounded = finishes(lambda: parse(text))
    assert unbounded <= query_module.MAX_EXAMINED
    limit = unbounded // 4  # the seed index is small: a lower limit shows the bound is what stops the work
    monkeypatch.setattr(query_module, "MAX_EXAMINED", limit)
    parsed, pulled = parse(text)
    assert pulled == limit
    assert [note for note in parsed.notes if "too many words to look through" in note] == [
        f"the query's wildcards had too many words to look through (the limit is {limit:,}); "
        "some words they match were not searched"
    ]


def test_terms_searched_are_bounded_for_the_whole_query(parse, monkeypatch):
    text = " ".join(f"{a}{b}*" for a in "cdimps" for b in "aeiou")  # thirty prefixes, in three fields each
    parsed, _ = parse(text)
    unbounded = len(list(parsed.query.iter_all_terms()))
    limit = unbounded // 3
    monkeypatch.setattr(query_module, "MAX_SEARCHED", limit)
    parsed, _ = parse(text)
    assert len(list(parsed.query.iter_all_terms())) == limit
    assert (
        f"the query's wildcards stand for too many words (the limit is {limit} in all); "
        "some words they match were not searched"
    ) in parsed.notes
