import pytest

from indexer import Library, QueryError, SearchRequest


@pytest.fixture(scope="module")
def library(seed_index):
    return Library(seed_index)


def test_iui_finds_the_conflation_passage_labelled(library):
    page = library.search(SearchRequest("IUI"))
    assert page.total >= 1
    top = page.hits[0]
    assert top.status == "inaccurate"
    flagged = [s for s in top.sentences if s.status == "inaccurate"]
    assert flagged[0].rule == "ici-called-iui"
    assert flagged[0].correction and flagged[0].sources[0].url.startswith("http")


def test_synonyms_expand_queries(library):
    page = library.search(SearchRequest("intracervical insemination"))
    assert "ici" in " ".join(page.expansions).lower()
    assert page.total == library.search(SearchRequest("ICI")).total


def test_status_and_document_filters(library):
    page = library.search(SearchRequest("miscarriage", statuses=("supported",), per_page=50))
    assert page.hits and all(h.status == "supported" for h in page.hits)
    one_doc = library.search(SearchRequest("miscarriage", doc_ids=("004_ac715901dced9fd7",), per_page=50))
    assert one_doc.hits and {h.doc_id for h in one_doc.hits} == {"004_ac715901dced9fd7"}


def test_pagination_is_consistent(library):
    first = library.search(SearchRequest("miscarriage", per_page=5, page=1))
    second = library.search(SearchRequest("miscarriage", per_page=5, page=2))
    assert first.total == second.total > 10
    assert not {h.passage_id for h in first.hits} & {h.passage_id for h in second.hits}
    assert first.pages == -(-first.total // 5)


def test_highlights_mark_query_terms(library):
    hit = library.search(SearchRequest("tampons")).hits[0]
    marked = [f.text.lower() for s in hit.snippet for f in s.fragments if f.match]
    assert "tampons" in marked
    assert "".join(f.text for s in hit.snippet for f in s.fragments).strip() == hit.text.strip()
    assert "<mark>tampons</mark>" in hit.snippet_html()


def test_did_you_mean(library):
    page = library.search(SearchRequest("miscarage tampns"))
    assert page.suggestion == "miscarriage tampons"


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "(((",
        "AND",
        "OR OR",
        "NOT",
        "*",
        "?",
        "a*",
        "ici AND (",
        "field:value",
        "^2",
        "~",
        '""',
        "\x00\x07",
        "\u202eici",
        "[a TO z]",
        "miscarriage~2",
        "-",
        "\\",
        "'",
    ],
)
def test_hostile_queries_never_crash(library, query):
    page = library.search(SearchRequest(query))
    assert page.total >= 0


def test_lone_wildcard_is_refused_politely(library):
    page = library.search(SearchRequest("*"))
    assert page.total == 0 and page.notes


def test_prefix_wildcard_expands(library):
    assert library.search(SearchRequest("miscarr*")).total > 10


def test_and_not_excludes(library):
    with_iui = {h.passage_id for h in library.search(SearchRequest("insemination", per_page=100)).hits}
    without = library.search(SearchRequest("insemination NOT intrauterine", per_page=100))
    assert without.total < len(with_iui)
    assert all("intrauterine" not in h.text.lower() for h in without.hits)


@pytest.mark.parametrize(
    ("request_kwargs", "param"),
    [
        ({"page": 0}, "page"),
        ({"page": 10_000}, "page"),
        ({"per_page": 0}, "per_page"),
        ({"per_page": 1000}, "per_page"),
        ({"statuses": ("bogus",)}, "status"),
    ],
)
def test_invalid_parameters_name_the_parameter(library, request_kwargs, param):
    with pytest.raises(QueryError) as err:
        library.search(SearchRequest("ici", **request_kwargs))
    assert err.value.param == param


def test_overlong_query_is_rejected(library):
    with pytest.raises(QueryError) as err:
        library.search(SearchRequest("ici " * 500))
    assert err.value.param == "q"


def test_evidence_ranking_lifts_supported_when_relevance_is_close(library):
    on = library.search(SearchRequest("miscarriage", per_page=100))
    off = library.search(SearchRequest("miscarriage", per_page=100, evidence_ranking=False))
    assert {h.passage_id for h in on.hits} == {h.passage_id for h in off.hits}  # nothing hidden
    scores = {h.passage_id: h.score for h in off.hits}
    rank_on = {h.passage_id: i for i, h in enumerate(on.hits)}
    # any inaccurate passage now ranked above a supported one must be clearly more relevant
    for a in on.hits:
        for b in on.hits:
            if a.status == "inaccurate" and b.status == "supported" and rank_on[a.passage_id] < rank_on[b.passage_id]:
                assert scores[a.passage_id] > scores[b.passage_id] * 1.05


def test_passage_and_document_lookup(library):
    hit = library.search(SearchRequest("IUI")).hits[0]
    same = library.passage(hit.passage_id)
    assert same.text == hit.text
    doc = library.document(hit.doc_id)
    assert doc.document.text[hit.start : hit.end] == hit.text
    assert library.document("nope") is None and library.passage("nope") is None
    assert {d["id"] for d in library.documents()} >= {hit.doc_id}
