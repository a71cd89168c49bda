"""Claims: fingerprints, syncing from a real index, the queue's order, filters and counts."""

from __future__ import annotations

from collections import Counter

import pytest

from webapp.review.claims import CLAIM_STATUSES, fingerprint, get_claim, normalise
from webapp.review.errors import InvalidRequestError, NotFoundError
from webapp.review.queue import ClaimQuery, facets, find_claims
from webapp.review.sync import sync_claims

from .conftest import ICI_DOC, ICI_SENTENCE


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("It  works.", "it works."),
        ("The woman\u2019s fertile window", "the woman's fertile window"),
        ("\u201cQuoted\u201d \u2013 dash", '"quoted" - dash'),
        ("ﬁne\u00a0print", "fine print"),
    ],
)
def test_normalise_makes_equivalent_sentences_equal(a, b):
    assert normalise(a) == normalise(b)
    assert fingerprint("doc", a) == fingerprint("doc", b)


def test_fingerprint_depends_on_document_and_words():
    assert fingerprint("doc-a", "Same words.") != fingerprint("doc-b", "Same words.")
    assert fingerprint("doc-a", "Same words.") != fingerprint("doc-a", "Other words.")
    assert len(fingerprint("d", "s")) == 32


def _expected_claims(library) -> Counter:
    statuses = {}
    for info in library.documents():
        for passage in library.document(info["id"]).passages:
            for check in passage.checks:
                if check.status in CLAIM_STATUSES:
                    statuses[fingerprint(info["id"], check.text)] = check.status
    return Counter(statuses.values())


def test_sync_stores_every_flagged_sentence_once(store, library):
    summary = sync_claims(store, library)
    expected = _expected_claims(library)
    assert summary.added == sum(expected.values()) > 0
    page = find_claims(store, ClaimQuery(queue="all", state="all", per_page=200))
    assert page.total == summary.added
    assert Counter(c.status for c in page.claims) == expected
    assert sync_claims(store, library) is None  # the same build: nothing to do


def test_the_ici_sentence_is_an_inaccurate_claim(synced, ici_id):
    claim = get_claim(synced, ici_id)
    assert claim.sentence == ICI_SENTENCE
    assert (claim.doc_id, claim.auto_status, claim.auto_rule) == (ICI_DOC, "inaccurate", "ici-called-iui")
    assert claim.reason and claim.correction and claim.sources
    assert claim.state == "undecided" and claim.version == 0 and claim.history == ()
    assert claim.as_dict()["id"] == ici_id


def test_queue_is_ordered_by_priority(synced):
    claims = find_claims(synced, ClaimQuery(queue="all", per_page=200)).claims
    keys = [(c.priority, c.id) for c in claims]
    assert keys == sorted(keys, reverse=True)
    assert claims[0].status == "inaccurate" and claims[-1].status == "unverified"


def test_repeated_sentences_are_counted_per_passage(store, tmp_path):
    from indexer import Library, build_index

    text = (
        "Miscarriage Facts\n\nStudies have shown that ICI can significantly increase the chances of a "
        "successful pregnancy.\n\nOther things.\n\n" * 2
    )
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "repeat.txt").write_text(text)
    build_index([tmp_path / "docs"], tmp_path / "ix")
    sync_claims(store, Library(tmp_path / "ix"))
    claims = find_claims(store, ClaimQuery(queue="all", state="all")).claims
    repeated = [c for c in claims if c.sentence.startswith("Studies have shown")]
    assert len(repeated) == 1 and repeated[0].repeats == 2


def test_filters_and_counts(synced):
    everything = find_claims(synced, ClaimQuery(queue="all", state="all", per_page=200))
    inaccurate = find_claims(synced, ClaimQuery(statuses=("inaccurate",), queue="all", state="all", per_page=200))
    assert inaccurate.total == everything.status_counts["inaccurate"] > 0
    assert {c.status for c in inaccurate.claims} == {"inaccurate"}
    # a facet's counts ignore that facet's own filter, so every choice shows its number
    assert inaccurate.status_counts == everything.status_counts
    assert sum(everything.status_counts.values()) == everything.total
    rule = find_claims(synced, ClaimQuery(rule="ici-called-iui", state="all"))
    assert rule.total >= 1 and all(c.auto_rule == "ici-called-iui" for c in rule.claims)
    doc = find_claims(synced, ClaimQuery(doc_id=ICI_DOC, state="all", per_page=200))
    assert 0 < doc.total < everything.total and all(c.doc_id == ICI_DOC for c in doc.claims)
    topic = find_claims(synced, ClaimQuery(topic="insemination", state="all", per_page=200))
    assert topic.total > 0 and all(c.topic == "insemination" for c in topic.claims)
    assert everything.state_counts["undecided"] == everything.state_counts["open"] == everything.total
    assert find_claims(synced, ClaimQuery(state="decided")).total == 0
    f = facets(synced)
    assert "ici-called-iui" in f["rules"] and ICI_DOC in f["documents"] and "insemination" in f["topics"]


def test_paging(synced):
    first = find_claims(synced, ClaimQuery(per_page=10))
    second = find_claims(synced, ClaimQuery(per_page=10, page=2))
    assert len(first.claims) == 10 and first.pages == -(-first.total // 10)
    assert not {c.id for c in first.claims} & {c.id for c in second.claims}


@pytest.mark.parametrize(
    ("query", "param"),
    [
        (ClaimQuery(statuses=("wrong",)), "status"),
        (ClaimQuery(state="maybe"), "state"),
        (ClaimQuery(page=0), "page"),
        (ClaimQuery(per_page=1000), "per_page"),
    ],
)
def test_invalid_queries_name_the_parameter(synced, query, param):
    with pytest.raises(InvalidRequestError) as info:
        find_claims(synced, query)
    assert info.value.param == param


def test_unknown_claim(synced):
    with pytest.raises(NotFoundError):
        get_claim(synced, "0" * 32)
