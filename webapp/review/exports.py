"""Exports: claims as CSV and JSON, and schema.org ClaimReview JSON-LD (one per reviewed or flagged claim).

Pure functions of the store's data; the web layer passes the URLs (claim pages, document passages) and the
organisation that publishes the reviews.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from .audit import cell
from .claims import CLAIM_SELECT, IN_QUEUE, Claim, claim_from_row
from .models import claims
from .store import ReviewStore

# ClaimReview ratings: 1 (worst) .. 4 (best); a sentence a reviewer decided is not a claim gets no number.
RATING = {"inaccurate": 1, "unsupported": 2, "unverified": 3, "supported": 4}
STATUS_WORDS = {
    "inaccurate": "Inaccurate", "unsupported": "Unsupported by evidence", "unverified": "Not yet verified",
    "supported": "Supported by evidence", "no_claim": "Not a medical claim",
}
REVIEWED_STATUSES = ("inaccurate", "unsupported")  # automatic verdicts published even before a person reviews
CSV_FIELDS = (
    "id", "doc_id", "title", "passage_id", "sentence", "status", "state", "automatic_status", "rule", "reason",
    "correction", "sources", "needs_second_review", "decided_by", "decided_at", "note", "version", "repeats",
)


@dataclass(frozen=True)
class Publisher:
    """Who publishes the reviews, and where claims and passages live on the web."""

    name: str
    url: str
    claim_url: Callable[[Claim], str]
    passage_url: Callable[[Claim], str]


def all_claims(store: ReviewStore, where=IN_QUEUE, reveal_names: bool = True) -> Iterator[Claim]:
    """Every claim matching `where` (the queue by default), by document and position; without `reveal_names`,
    no account names."""
    with store.read() as conn:
        rows = conn.execute(CLAIM_SELECT.where(where).order_by(claims.c.doc_id, claims.c.position, claims.c.id)).all()
    return (c if reveal_names else c.public() for c in map(claim_from_row, rows))


def claims_csv(store: ReviewStore, reveal_names: bool = True) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    for c in all_claims(store, reveal_names=reveal_names):
        sources = " | ".join(f"{s['publisher']}: {s['title']} <{s['url']}>" for s in c.sources)
        writer.writerow([
            c.id, c.doc_id, cell(c.title), c.passage_id, cell(c.sentence), c.status, c.state, c.auto_status,
            c.auto_rule, cell(c.reason), cell(c.correction), cell(sources), int(c.needs_second_review),
            c.decided_by or "", c.decided_at.isoformat() if c.decided_at else "",
            cell(c.decision.note) if c.decision else "", c.version, c.repeats,
        ])
    return out.getvalue()


def claims_json(store: ReviewStore, reveal_names: bool = True) -> list[dict]:
    return [c.as_dict() for c in all_claims(store, reveal_names=reveal_names)]


def _citation(source: dict) -> dict:
    return {"@type": "CreativeWork", "name": source["title"], "url": source["url"],
            "publisher": {"@type": "Organization", "name": source["publisher"]}}


def claim_review(claim: Claim, publisher: Publisher) -> dict:
    """One schema.org ClaimReview for `claim`."""
    status = claim.status
    rating = {"@type": "Rating", "alternateName": STATUS_WORDS[status],
              "ratingExplanation": " ".join(p for p in (claim.reason, claim.correction) if p)}
    if status in RATING:
        rating.update(ratingValue=RATING[status], bestRating=max(RATING.values()), worstRating=min(RATING.values()))
    published = claim.decided_at or claim.first_seen
    review = {
        "@type": "ClaimReview",
        "url": publisher.claim_url(claim),
        "claimReviewed": claim.sentence,
        "datePublished": published.date().isoformat(),
        "author": {"@type": "Organization", "name": publisher.name, "url": publisher.url},
        "reviewRating": rating,
        "itemReviewed": {
            "@type": "Claim",
            "appearance": [{"@type": "CreativeWork", "url": publisher.passage_url(claim), "headline": claim.title}],
        },
        "citation": [_citation(s) for s in claim.sources],
        "creativeWorkStatus": "Reviewed by a person" if claim.decided else "Automatic check, not yet reviewed",
    }
    if claim.decided:
        review["dateModified"] = claim.decided_at.isoformat()
    return review


def claim_reviews(store: ReviewStore, publisher: Publisher) -> dict:
    """A JSON-LD document with one ClaimReview per claim that a person reviewed or the check flagged."""
    where = sa.and_(IN_QUEUE, sa.or_(claims.c.status.is_not(None), claims.c.auto_status.in_(REVIEWED_STATUSES)))
    return {"@context": "https://schema.org", "@graph": [claim_review(c, publisher) for c in all_claims(store, where)]}


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
