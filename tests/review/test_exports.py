"""Exports: claims as CSV and JSON, and ClaimReview JSON-LD whose shape is checked field by field."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from webapp.review.claims import ClaimQuery, find_claims, get_claim
from webapp.review.decisions import Decision, decide
from webapp.review.exports import (
    CSV_FIELDS,
    RATING,
    STATUS_WORDS,
    Publisher,
    claim_reviews,
    claims_csv,
    claims_json,
)

PUBLISHER = Publisher("Test Org", "https://example.org/", lambda c: f"https://example.org/review/claims/{c.id}",
                      lambda c: f"https://example.org/doc/{c.doc_id}#{c.anchor}")


def _is_url(value) -> bool:
    return isinstance(value, str) and re.match(r"^https?://[^\s/]+", value) is not None


def validate_claim_review(item: dict) -> None:
    """The parts of schema.org ClaimReview (and Google's fact-check markup) the export promises."""
    assert item["@type"] == "ClaimReview"
    assert isinstance(item["claimReviewed"], str) and item["claimReviewed"].strip()
    assert _is_url(item["url"])
    date.fromisoformat(item["datePublished"])
    author = item["author"]
    assert author["@type"] == "Organization" and author["name"] and _is_url(author["url"])
    rating = item["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"] in STATUS_WORDS.values()
    assert isinstance(rating["ratingExplanation"], str)
    if "ratingValue" in rating:
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    reviewed = item["itemReviewed"]
    assert reviewed["@type"] == "Claim" and reviewed["appearance"]
    for appearance in reviewed["appearance"]:
        assert appearance["@type"] == "CreativeWork" and _is_url(appearance["url"]) and "#p-" in appearance["url"]
    for citation in item["citation"]:
        assert citation["@type"] == "CreativeWork" and citation["name"] and _is_url(citation["url"])
        assert citation["publisher"]["@type"] == "Organization" and citation["publisher"]["name"]


def test_claimreview_has_one_review_per_reviewed_or_flagged_claim(synced, alice, ici_id):
    unverified = find_claims(synced, ClaimQuery(statuses=("unverified",))).claims[0]
    decide(synced, unverified.id, alice, Decision("supported", 0, note="A person checked it: it is right."))
    decide(synced, ici_id, alice, Decision("inaccurate", 0, note="confirmed"))
    document = claim_reviews(synced, PUBLISHER)
    assert document["@context"] == "https://schema.org"
    graph = document["@graph"]
    for item in graph:
        validate_claim_review(item)
    everything = find_claims(synced, ClaimQuery(state="all", per_page=200))
    flagged = everything.status_counts["inaccurate"] + everything.status_counts["unsupported"]
    assert len(graph) == flagged + 1  # + the unverified claim a person reviewed
    by_url = {item["url"]: item for item in graph}
    ici = by_url[f"https://example.org/review/claims/{ici_id}"]
    claim = get_claim(synced, ici_id)
    assert ici["claimReviewed"] == claim.sentence
    assert ici["reviewRating"]["alternateName"] == "Inaccurate" and ici["reviewRating"]["ratingValue"] == 1
    assert claim.reason in ici["reviewRating"]["ratingExplanation"]
    assert ici["itemReviewed"]["appearance"][0]["url"].endswith(f"/doc/{claim.doc_id}#p-{claim.position}")
    assert [c["url"] for c in ici["citation"]] == [s["url"] for s in claim.sources]
    assert ici["datePublished"] == claim.decided_at.date().isoformat()
    assert ici["creativeWorkStatus"] == "Reviewed by a person"
    supported = by_url[f"https://example.org/review/claims/{unverified.id}"]
    assert supported["reviewRating"]["ratingValue"] == RATING["supported"] == supported["reviewRating"]["bestRating"]


def test_no_claim_decision_has_no_rating_number(synced, alice, ici_id):
    decide(synced, ici_id, alice, Decision("no_claim", 0, note="a definition, not a claim"))
    item = next(i for i in claim_reviews(synced, PUBLISHER)["@graph"] if i["url"].endswith(ici_id))
    validate_claim_review(item)
    assert "ratingValue" not in item["reviewRating"]
    assert item["reviewRating"]["alternateName"] == "Not a medical claim"


def test_claims_csv_and_json(synced, alice, ici_id):
    decide(synced, ici_id, alice, Decision("unsupported", 0, note="=HYPERLINK(\"http://evil\")"))
    rows = list(csv.DictReader(io.StringIO(claims_csv(synced))))
    assert tuple(rows[0]) == CSV_FIELDS
    total = find_claims(synced, ClaimQuery(state="all")).total
    assert len(rows) == total
    ici = next(r for r in rows if r["id"] == ici_id)
    assert (ici["status"], ici["automatic_status"], ici["decided_by"], ici["version"]) == (
        "unsupported", "inaccurate", "alice", "1")
    assert ici["note"].startswith("'=")  # a spreadsheet shows the note, it does not run it
    assert "nice.org.uk" in ici["sources"]
    data = claims_json(synced)
    assert len(data) == total
    ici_json = next(c for c in data if c["id"] == ici_id)
    assert ici_json["decision"]["note"] == "=HYPERLINK(\"http://evil\")" and ici_json["status"] == "unsupported"
    assert {"id", "sentence", "status", "version", "decision", "sources"} <= set(ici_json)
