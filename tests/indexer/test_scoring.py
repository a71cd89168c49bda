"""The term-at-a-time scorer against whoosh's own searcher, on a real two-segment index (written with the engine
internals whatever SOURCECHECK_ENGINE_INTERNALS says: these test the internals themselves)."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import query as wq

from indexer import Library, SearchRequest
from indexer.engine.interface import Filter
from indexer.engine.pins import pinned_versions_installed
from indexer.engine.whoosh import WhooshEngine, _filter_query
from indexer.engine.whoosh.schema import HEADING_BOOST, TITLE_BOOST
from indexer.engine.whoosh.scoring import FieldBM25, PostingCache, flat_terms, top_documents
from indexer.search.query import _parser, _plain_words, parse_query

pytestmark = [
    pytest.mark.whoosh_only,  # whoosh's own segments and scorer
    pytest.mark.skipif(
        not pinned_versions_installed(), reason="the engine internals are written for the pinned whoosh and NLTK"
    ),
]
FAST = WhooshEngine(internals=True)


@pytest.fixture(scope="module")
def library(fast_paragraph_index):
    return Library(fast_paragraph_index, engine=FAST)


@pytest.fixture(scope="module")
def vocabulary(seeds_dir) -> list[str]:
    words = sorted({w.lower() for p in seeds_dir.glob("*.txt") for w in re.findall(r"[A-Za-z]{3,}", p.read_text())})
    return words


def _queries(vocabulary: list[str]) -> list[str]:
    rnd = random.Random(6)
    queries = ["miscarriage", "IUI", "insemination after miscarriage", "stress and fertility", "zzzz unknownword"]
    queries += [" ".join(rnd.sample(vocabulary, rnd.randint(1, 6))) for _ in range(60)]
    return queries


def _assert_same_ranking(theirs, ours, tolerance=1e-6):
    """Same scores rank by rank; same documents, except that documents whose scores tie may trade places."""
    assert len(theirs) == len(ours)
    for (a, _), (b, _) in zip(theirs, ours, strict=True):
        assert abs(a - b) <= tolerance * max(1.0, a)
    if not theirs:
        return
    cut = theirs[-1][0] + tolerance * max(1.0, theirs[-1][0])  # below this, ties may fall either side of the limit
    order = lambda top: sorted(((round(s, 5), d) for s, d in top if s > cut), key=lambda x: (-x[0], x[1]))  # noqa: E731
    assert [d for _, d in order(theirs)] == [d for _, d in order(ours)]


def test_index_has_two_segments(library):
    assert len(library._searcher().leaf_searchers()) == 2


def test_scores_counts_and_order_match_whoosh(library, vocabulary):
    searcher = library._searcher()
    build = library._current
    checked = 0
    for text in _queries(vocabulary):
        q = parse_query(text, searcher.schema, library.kb, searcher.reader()).query
        flat = flat_terms(q)
        if flat is None:
            continue
        results = searcher.search(q, limit=30)
        total, top = top_documents(searcher, flat, 30, build.index.norms, build.index.postings)
        assert total == len(results), text
        _assert_same_ranking(list(results.top_n), top)
        checked += 1
    assert checked > 50


def test_filtered_keyword_queries_match_whoosh_filtered_search(library, vocabulary):
    searcher = library._searcher()
    index = library._current.index
    ids = [d["id"] for d in library.documents()]
    filters = [
        Filter(statuses=("no_claim",)),
        Filter(statuses=("unverified", "inaccurate", "unsupported")),
        Filter(topic="miscarriage"),
        Filter(doc_ids=tuple(ids[::3])),
        Filter(doc_ids=tuple(ids[1::2]), statuses=("no_claim", "unverified")),
        Filter(doc_ids=("no-such-document",)),
    ]
    for limits in filters:
        checked = 0
        for text in _queries(vocabulary):
            q = parse_query(text, searcher.schema, library.kb, searcher.reader()).query
            if flat_terms(q) is None:
                continue
            results = searcher.whoosh.search(q, limit=30, filter=_filter_query(limits))
            total, top = index.top(searcher, q, 30, limits)  # term at a time, over the filter's documents
            if not results.top_n:  # whoosh then counts the matches as if unfiltered: none pass, so none count
                assert (total, top) == (0, []), (text, limits)
                continue
            assert total == len(results), (text, limits)
            _assert_same_ranking(list(results.top_n), top)
            checked += 1
        assert checked > 10 or limits.doc_ids == ("no-such-document",), limits


@pytest.mark.parametrize("field, boost", [("text", 1.0), ("title", TITLE_BOOST), ("heading", HEADING_BOOST)])
def test_a_match_scores_bm25_of_its_term_frequency_times_the_field_boost(library, field, boost):
    searcher = library._searcher()
    assert isinstance(searcher.weighting, FieldBM25)
    scorer = searcher.weighting.scorer(searcher, field, "miscarriag")
    matcher = searcher.postings(field, "miscarriag")
    checked = 0
    while matcher.is_active() and checked < 20:
        docnum, tf = matcher.id(), matcher.weight() / boost  # whoosh's postings hold tf x the field boost
        assert tf == int(tf) > 0
        norm = 1.2 * (0.25 + 0.75 * searcher.doc_field_length(docnum, field) / searcher.avg_field_length(field))
        expected = boost * searcher.idf(field, "miscarriag") * tf * 2.2 / (tf + norm)
        assert scorer.score(matcher) == pytest.approx(expected, rel=1e-6)  # the boost outside the saturation
        matcher.next()
        checked += 1
    assert checked


def test_a_plain_keyword_query_is_a_flat_or_without_a_coordination_bonus(library):
    searcher = library._searcher()
    q = parse_query("stress and sperm", searcher.schema, library.kb, searcher.reader()).query
    assert not q.scale and len(flat_terms(q)) == 6  # two words ("and" is a stop word) x three fields


def test_library_search_matches_whoosh_for_keyword_queries(library):
    page = library.search(SearchRequest("miscarriage stress", per_page=20, evidence_ranking=False))
    searcher = library._searcher()
    q = parse_query("miscarriage stress", searcher.schema, library.kb, searcher.reader()).query
    results = searcher.search(q, limit=20)
    assert page.total == len(results)
    expected = [searcher.stored_fields(d)["passage_id"] for _, d in results.top_n]
    assert [h.passage_id for h in page.hits] == expected


@pytest.mark.parametrize(
    "q, flat",
    [
        (wq.Term("text", "iui"), True),
        (wq.Or([wq.Term("text", "a"), wq.Term("title", "b")]), True),
        (wq.Or([wq.Term("text", "a"), wq.Term("title", "b")], scale=0.9), False),  # a coordination bonus: whoosh
        (wq.Or([wq.Term("text", "a"), wq.Phrase("text", ["b", "c"])]), False),
        (wq.And([wq.Term("text", "a"), wq.Term("text", "b")]), False),
        (wq.Or([wq.Term("text", "a", boost=2.0), wq.Term("text", "b")]), False),
        (wq.Not(wq.Term("text", "a")), False),
    ],
)
def test_only_flat_or_of_plain_terms_takes_the_fast_path(q, flat):
    assert (flat_terms(q) is not None) == flat


def test_phrases_go_through_whoosh_and_filters_keep_their_statuses(library):
    phrase = library.search(SearchRequest('"intrauterine insemination"', per_page=50))
    assert phrase.total > 0
    assert all("intrauterine insemination" in h.text.lower() or "iui" in h.text.lower() for h in phrase.hits)
    filtered = library.search(SearchRequest("miscarriage", statuses=("no_claim",), per_page=50))
    assert filtered.hits and all(h.status == "no_claim" for h in filtered.hits)


def test_posting_cache_stays_within_its_bound(library):
    searcher = library._searcher()
    cache = PostingCache(max_postings=50)
    reader = searcher.leaf_searchers()[0][0].reader()
    for term in ("miscarriag", "stress", "iui", "sperm", "pregnanc"):
        if ("text", term.encode()) in reader:
            ids, weights = cache.get(reader, "text", term.encode())
            assert len(ids) == len(weights) == reader.doc_frequency("text", term)
    assert cache.size <= 50 or len(cache._terms) == 1


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "miscarriage",
                "IUI",
                "the",
                "and",
                "a",
                "OR",
                "x",
                "stress",
                "2nd",
                "Ab",
                "naïve",
                "running",
                "it's",
                "e.g",
                "NOT",
                "or",
                "sperm",
                "café",
            ]
        ),
        min_size=1,
        max_size=6,
    )
)
def test_plain_words_make_the_query_whoosh_parser_makes(library, words):
    text = " ".join(words)
    fast = _plain_words(text)
    if fast is None:
        return  # the parser has something to read: not the fast path
    schema = library._searcher().schema
    assert fast.normalize() == _parser(schema).parse(text).normalize()


def test_document_count_and_membership_without_listing(library):
    ids = [d["id"] for d in library.documents()]
    assert library.document_count() == len(ids) > 50
    assert library.has_document(ids[0]) and not library.has_document("no-such-document")
