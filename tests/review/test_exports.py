"""Exports: claims as CSV and JSON (every claim, marked reviewed by a person or automatic), and ClaimReview JSON-LD
(only what a person decided), checked against Google's documented fact-check properties."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from webapp.review.audit import append
from webapp.review.claims import get_claim
from webapp.review.decisions import Decision, decide
from webapp.review.exports import (
    CSV_FIELDS,
    MAX_CLAIM_REVIEWED,
    NO_ORIGIN,
    RATING,
    STATUS_WORDS,
    Origin,
    Publisher,
    claim_reviews,
    claims_csv,
    claims_json,
    short_claim,
)
from webapp.review.models import claims
from webapp.review.queue import ClaimQuery, find_claims

from .conftest import ICI_SENTENCE

PUBLISHER = Publisher(
    "Test Org",
    "https://example.org/",
    lambda c: f"https://example.org/claims/{c.id}",
    lambda c: f"https://example.org/doc/{c.doc_id}#{c.anchor}",
)
ORIGIN = Origin("https://blog.example.com/ici", "Fertility Blog", "Dana Smith", "2021-03-05")

# Google's fact-check markup, https://developers.google.com/search/docs/appearance/structured-data/factcheck
# ("Structured data type definitions": ClaimReview, Claim, Rating). Required properties must be there; recommended
# ones the export promises too. A property named "a|b" is satisfied by either.
GOOGLE_CLAIMREVIEW = {
    "required": ("claimReviewed", "reviewRating", "url", "author"),
    "recommended": ("itemReviewed", "datePublished"),
}
GOOGLE_RATING = {"required": ("alternateName|ratingValue",), "with ratingValue": ("bestRating", "worstRating")}
GOOGLE_CLAIM = {"recommended": ("author", "datePublished", "appearance|firstAppearance")}


def _is_url(value) -> bool:
    return isinstance(value, str) and re.match(r"^https?://[^\s/]+", value) is not None


def _has(item: dict, names: str) -> bool:
    return any(item.get(name) not in (None, "", [], {}) for name in names.split("|"))


def check_google_fact_check(item: dict, origin: Origin) -> None:
    """`item` has every property Google requires of a ClaimReview, and the recommended ones: those of the Claim
    reviewed (author, datePublished) whenever the document's `origin` knows them."""
    missing = [p for p in GOOGLE_CLAIMREVIEW["required"] + GOOGLE_CLAIMREVIEW["recommended"] if not _has(item, p)]
    assert not missing, f"ClaimReview lacks {missing}"
    rating = item["reviewRating"]
    assert all(_has(rating, p) for p in GOOGLE_RATING["required"]), rating
    if "ratingValue" in rating:
        assert all(_has(rating, p) for p in GOOGLE_RATING["with ratingValue"]), rating
    claim = item["itemReviewed"]
    lacking = [p for p in GOOGLE_CLAIM["recommended"] if not _has(claim, p)]
    unknown = [
        name
        for name, known in (("author", origin.author or origin.publisher), ("datePublished", origin.date))
        if not known
    ]
    assert lacking == unknown, lacking


def validate_claim_review(item: dict, origin: Origin = NO_ORIGIN) -> None:
    """The parts of schema.org ClaimReview (and Google's fact-check markup) the export promises."""
    check_google_fact_check(item, origin)
    assert item["@type"] == "ClaimReview"
    assert isinstance(item["claimReviewed"], str) and 0 < len(item["claimReviewed"]) <= MAX_CLAIM_REVIEWED
    assert _is_url(item["url"]) and "/review/" not in item["url"]  # the public page, not the reviewers'
    date.fromisoformat(item["datePublished"])
    author = item["author"]
    assert author["@type"] == "Organization" and author["name"] and _is_url(author["url"])
    rating = item["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"] in STATUS_WORDS.values()
    assert isinstance(rating["ratingExplanation"], str)
    if "ratingValue" in rating:
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert item["creativeWorkStatus"] == "Reviewed by a person"
    reviewed = item["itemReviewed"]
    assert reviewed["@type"] == "Claim" and len(reviewed["appearance"]) == 1
    for appearance in reviewed["appearance"]:
        assert appearance["@type"] == "CreativeWork" and _is_url(appearance["url"])
        assert origin.url or "#p-" in appearance["url"]
    for citation in item["citation"]:
        assert citation["@type"] == "CreativeWork" and citation["name"] and _is_url(citation["url"])
        assert citation["publisher"]["@type"] == "Organization" and citation["publisher"]["name"]


def set_by_system(store, claim_id: str) -> None:
    """A status that came from a `system` entry, not from a person (no code path does this today; the export must
    not trust that it never will)."""
    with store.write() as conn:
        entry = append(conn, store.now(), "system", "change_status", claim_id, "inaccurate", "supported", "rebuild")
        conn.execute(
            claims.update()
            .where(claims.c.id == claim_id)
            .values(status="supported", decision_id=entry, decided_by="system", decided_at=store.now())
        )


def test_claimreview_has_only_claims_a_person_decided(synced, alice, ici_id):
    everything = find_claims(synced, ClaimQuery(queue="all", state="all", per_page=200))
    flagged = [c for c in everything.claims if c.auto_status in ("inaccurate", "unsupported")]
    assert len(flagged) > 10  # the seeds have plenty of automatic verdicts: none of them is a fact-check
    assert claim_reviews(synced, PUBLISHER)["@graph"] == []
    unverified = find_claims(synced, ClaimQuery(statuses=("unverified",), queue="all")).claims[0]
    decide(synced, unverified.id, alice, Decision("supported", 0, note="A person checked it: it is right."))
    decide(synced, ici_id, alice, Decision("inaccurate", 0, note="confirmed"))
    set_by_system(synced, flagged[-1].id if flagged[-1].id != ici_id else flagged[0].id)
    document = claim_reviews(synced, PUBLISHER)
    assert document["@context"] == "https://schema.org"
    graph = document["@graph"]
    for item in graph:
        validate_claim_review(item)
    by_url = {item["url"]: item for item in graph}
    assert set(by_url) == {f"https://example.org/claims/{i}" for i in (ici_id, unverified.id)}
    ici = by_url[f"https://example.org/claims/{ici_id}"]
    claim = get_claim(synced, ici_id)
    assert ici["claimReviewed"] == claim.sentence == ICI_SENTENCE
    assert ici["reviewRating"]["alternateName"] == "Inaccurate" and ici["reviewRating"]["ratingValue"] == 1
    assert claim.reason in ici["reviewRating"]["ratingExplanation"]
    assert ici["itemReviewed"] == {
        "@type": "Claim",
        "appearance": [
            {
                "@type": "CreativeWork",
                "url": f"https://example.org/doc/{claim.doc_id}#p-{claim.position}",
                "headline": claim.title,
            }
        ],
    }  # nothing known of the document's origin: no author, no date, our copy as the appearance
    assert [c["url"] for c in ici["citation"]] == [s["url"] for s in claim.sources]
    assert ici["datePublished"] == claim.decided_at.date().isoformat()
    supported = by_url[f"https://example.org/claims/{unverified.id}"]
    assert supported["reviewRating"]["ratingValue"] == RATING["supported"] == supported["reviewRating"]["bestRating"]


def test_a_decision_that_it_is_no_claim_is_no_fact_check(synced, alice, ici_id):
    decide(synced, ici_id, alice, Decision("no_claim", 0, note="a definition, not a claim"))
    assert claim_reviews(synced, PUBLISHER)["@graph"] == []


@pytest.mark.parametrize(
    ("origin", "author", "published", "appearance_url"),
    [
        (ORIGIN, {"@type": "Person", "name": "Dana Smith"}, "2021-03-05", ORIGIN.url),
        (Origin(publisher="Fertility Blog"), {"@type": "Organization", "name": "Fertility Blog"}, None, None),
        (Origin(date="2020-01-31"), None, "2020-01-31", None),
        (Origin(), None, None, None),
    ],
)
def test_item_reviewed_carries_the_documents_origin(synced, alice, ici_id, origin, author, published, appearance_url):
    decide(synced, ici_id, alice, Decision("inaccurate", 0, note="confirmed"))
    publisher = Publisher(PUBLISHER.name, PUBLISHER.url, PUBLISHER.claim_url, PUBLISHER.passage_url, lambda c: origin)
    [item] = claim_reviews(synced, publisher)["@graph"]
    validate_claim_review(item, origin)
    reviewed = item["itemReviewed"]
    assert reviewed.get("author") == author
    assert reviewed.get("datePublished") == published
    [appearance] = reviewed["appearance"]
    assert appearance["url"] == (appearance_url or PUBLISHER.passage_url(get_claim(synced, ici_id)))
    if origin.publisher:
        assert appearance["publisher"] == {"@type": "Organization", "name": origin.publisher}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (None, Origin()),
        ({"id": "doc", "title": "T", "statuses": {}}, Origin()),  # a library without provenance
        ({"id": "doc", "source": {}}, Origin()),
        (
            {
                "source": {
                    "url": ORIGIN.url,
                    "publisher": "Fertility Blog",
                    "author": "Dana Smith",
                    "date": "2021-03-05",
                }
            },
            ORIGIN,
        ),
        (
            {
                "url": ORIGIN.url,
                "publisher": {"name": "Fertility Blog"},
                "author": " Dana  Smith ",
                "date": "2021-03-05T10:00:00Z",
            },
            ORIGIN,
        ),
        (
            SimpleNamespace(
                source=SimpleNamespace(
                    url=ORIGIN.url, publisher="Fertility Blog", author="Dana Smith", date=date(2021, 3, 5)
                )
            ),
            ORIGIN,
        ),
        (SimpleNamespace(title="a Document without provenance"), Origin()),
        ({"url": "javascript:alert(1)", "date": "March, sometime", "author": 42}, Origin()),
    ],
)
def test_origin_is_read_defensively(data, expected):
    assert Origin.read(data) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (ICI_SENTENCE, ICI_SENTENCE),
        (
            "Studies show that garlic cures colds.  It also lowers blood pressure. And more.",
            "Studies show that garlic cures colds.",
        ),
        ("word " * 100, ("word " * 59).strip() + "\u2026"),
        ("x" * 400, "x" * 299 + "\u2026"),
    ],
)
def test_claim_reviewed_is_one_short_sentence(sentence, expected):
    assert short_claim(sentence) == expected
    assert len(short_claim(sentence)) <= MAX_CLAIM_REVIEWED


def test_claims_csv_and_json(synced, alice, ici_id):
    decide(synced, ici_id, alice, Decision("unsupported", 0, note='=HYPERLINK("http://evil")'))
    rows = list(csv.DictReader(io.StringIO(claims_csv(synced))))
    assert tuple(rows[0]) == CSV_FIELDS
    total = find_claims(synced, ClaimQuery(queue="all", state="all")).total
    assert len(rows) == total
    ici = next(r for r in rows if r["id"] == ici_id)
    assert (ici["status"], ici["automatic_status"], ici["decided_by"], ici["version"]) == (
        "unsupported",
        "inaccurate",
        "alice",
        "1",
    )
    assert ici["note"].startswith("'=")  # a spreadsheet shows the note, it does not run it
    assert "nice.org.uk" in ici["sources"]
    assert {r["id"] for r in rows if r["reviewed_by_person"] == "1"} == {ici_id}
    assert {r["reviewed_by_person"] for r in rows if r["id"] != ici_id} == {"0"}
    data = claims_json(synced)
    assert len(data) == total
    ici_json = next(c for c in data if c["id"] == ici_id)
    assert ici_json["decision"]["note"] == '=HYPERLINK("http://evil")' and ici_json["status"] == "unsupported"
    assert {"id", "sentence", "status", "version", "decision", "sources"} <= set(ici_json)
    assert [c["id"] for c in data if c["reviewed_by_person"]] == [ici_id]
    assert all(c["reviewed_by_person"] is False for c in data if c["id"] != ici_id)


def test_a_status_set_by_system_is_not_reviewed_by_a_person(synced, ici_id):
    set_by_system(synced, ici_id)
    assert claim_reviews(synced, PUBLISHER)["@graph"] == []
    assert next(c for c in claims_json(synced) if c["id"] == ici_id)["reviewed_by_person"] is False
    with synced.read() as conn:
        assert conn.scalar(sa.select(claims.c.decided_by).where(claims.c.id == ici_id)) == "system"
