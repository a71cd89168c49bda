"""Exports: claims as CSV and JSON, and schema.org ClaimReview JSON-LD (one per claim a person reviewed).

The CSV and JSON hold every queued claim, each marked `reviewed_by_person` or not; a ClaimReview is a fact-check,
so only a reviewer's decision becomes one (never an automatic verdict, nor an entry by `system` or `cli`), and a
decision that a sentence is not a claim at all is no fact-check either. Pure functions of the store's data; the
web layer passes the URLs (public claim pages, document passages), the organisation that publishes the reviews and
what is known of each document's provenance (its original URL, publisher, author and date).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

import sqlalchemy as sa

from indexer import split_sentences

from .audit import PUBLIC_ACTORS, cell
from .claims import CLAIM_SELECT, IN_QUEUE, Claim, claim_from_row
from .models import claims
from .store import ReviewStore

# ClaimReview ratings: 1 (worst) .. 4 (best).
RATING = {"inaccurate": 1, "unsupported": 2, "unverified": 3, "supported": 4}
STATUS_WORDS = {
    "inaccurate": "Inaccurate",
    "unsupported": "Unsupported by evidence",
    "unverified": "Not yet verified",
    "supported": "Supported by evidence",
    "no_claim": "Not a medical claim",
}
NOT_A_CLAIM = "no_claim"  # a reviewer's decision, but no verdict on a claim: no ClaimReview
MAX_CLAIM_REVIEWED = 300  # characters of `claimReviewed`: the claim itself, never a whole paragraph
CSV_FIELDS = (
    "id",
    "doc_id",
    "title",
    "passage_id",
    "sentence",
    "status",
    "state",
    "automatic_status",
    "rule",
    "reason",
    "correction",
    "sources",
    "needs_second_review",
    "decided_by",
    "decided_at",
    "note",
    "version",
    "repeats",
    "reviewed_by_person",
)
# A decision a person made: a decision entry in the audit log whose actor is an account, not `system` or `cli`.
PERSON_DECIDED = sa.and_(
    claims.c.status.is_not(None),
    claims.c.decision_id.is_not(None),
    claims.c.decided_by.is_not(None),
    claims.c.decided_by.not_in(PUBLIC_ACTORS),
)
FACT_CHECKED = sa.and_(IN_QUEUE, PERSON_DECIDED, claims.c.status != NOT_A_CLAIM)


def reviewed_by_person(claim: Claim) -> bool:
    """Whether the claim's current status is a reviewer's decision (not the automatic check, not `system`)."""
    return (
        claim.decided
        and claim.decision is not None
        and claim.decision.actor not in PUBLIC_ACTORS
        and claim.decided_by not in PUBLIC_ACTORS
    )


def fact_checked(claim: Claim) -> bool:
    """Whether the claim gets a public page and a ClaimReview: a person's verdict on a claim still in the index."""
    return claim.present and reviewed_by_person(claim) and claim.status != NOT_A_CLAIM


@dataclass(frozen=True)
class Origin:
    """What is known of where a document comes from; blanks are unknown."""

    url: str = ""  # the original's address (http or https)
    publisher: str = ""
    author: str = ""
    date: str = ""  # YYYY-MM-DD

    @classmethod
    def read(cls, data) -> Origin:
        """From a mapping or an object with any of `url`, `publisher`, `author`, `date`, or a `source` (or
        `provenance`) holding them; a value missing, blank or unusable (not an http(s) URL, not a date) is
        unknown."""
        if data is None:
            return cls()
        for key in ("source", "provenance"):  # the fields kept together under one name
            nested = data.get(key) if isinstance(data, Mapping) else getattr(data, key, None)
            if nested is not None and not isinstance(nested, str):
                return cls.read(nested)

        def value(name: str):
            return data.get(name) if isinstance(data, Mapping) else getattr(data, name, None)

        url = _text(value("url"))
        return cls(
            url=url if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc else "",
            publisher=_name(value("publisher")),
            author=_name(value("author")),
            date=_date(value("date")),
        )

    def __bool__(self) -> bool:
        return any((self.url, self.publisher, self.author, self.date))


NO_ORIGIN = Origin()
ORIGIN_KEYS = ("source", "provenance", "url", "publisher", "author", "date")


def _text(value) -> str:
    return " ".join(value.split())[:1000] if isinstance(value, str) else ""


def _name(value) -> str:
    """A name given as text, or as an object or mapping with a `name` (a schema.org-like Person or Organization)."""
    if isinstance(value, Mapping):
        value = value.get("name")
    elif value is not None and not isinstance(value, str):
        value = getattr(value, "name", None)
    return _text(value)


def _date(value) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = _text(value)
    try:
        return date.fromisoformat(text[:10]).isoformat() if text else ""
    except ValueError:
        return ""


@dataclass(frozen=True)
class Publisher:
    """Who publishes the reviews, where claims and passages live on the web, and where documents come from."""

    name: str
    url: str
    claim_url: Callable[[Claim], str]
    passage_url: Callable[[Claim], str]
    provenance: Callable[[Claim], Origin] = lambda claim: NO_ORIGIN


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
        writer.writerow(
            [
                c.id,
                c.doc_id,
                cell(c.title),
                c.passage_id,
                cell(c.sentence),
                c.status,
                c.state,
                c.auto_status,
                c.auto_rule,
                cell(c.reason),
                cell(c.correction),
                cell(sources),
                int(c.needs_second_review),
                c.decided_by or "",
                c.decided_at.isoformat() if c.decided_at else "",
                cell(c.decision.note) if c.decision else "",
                c.version,
                c.repeats,
                int(reviewed_by_person(c)),
            ]
        )
    return out.getvalue()


def claims_json(store: ReviewStore, reveal_names: bool = True) -> list[dict]:
    """Every queued claim; `reviewed_by_person` says whether its status is a reviewer's or the automatic check's."""
    return [
        {**c.as_dict(), "reviewed_by_person": reviewed_by_person(c)}
        for c in all_claims(store, reveal_names=reveal_names)
    ]


def short_claim(sentence: str, limit: int = MAX_CLAIM_REVIEWED) -> str:
    """The claim as `claimReviewed` wants it: its first sentence, cut at a word to at most `limit` characters."""
    text = " ".join(sentence.split())
    first = split_sentences(text)
    text = first[0].text if first else text
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:") + "\u2026"


def _citation(source: dict) -> dict:
    return {
        "@type": "CreativeWork",
        "name": source["title"],
        "url": source["url"],
        "publisher": {"@type": "Organization", "name": source["publisher"]},
    }


def item_reviewed(claim: Claim, publisher: Publisher) -> dict:
    """The schema.org Claim: who made it and when (when the document says), and where it appears (the original
    when its address is known, else our copy of the passage)."""
    origin = publisher.provenance(claim)
    appearance = {"@type": "CreativeWork", "url": origin.url or publisher.passage_url(claim), "headline": claim.title}
    item: dict = {"@type": "Claim"}
    if origin.author:
        item["author"] = {"@type": "Person", "name": origin.author}
    elif origin.publisher:
        item["author"] = {"@type": "Organization", "name": origin.publisher}
    if origin.publisher:
        appearance["publisher"] = {"@type": "Organization", "name": origin.publisher}
    if origin.date:
        item["datePublished"] = appearance["datePublished"] = origin.date
    item["appearance"] = [appearance]
    return item


def claim_review(claim: Claim, publisher: Publisher) -> dict:
    """One schema.org ClaimReview for `claim`, a claim a person reviewed (`fact_checked`)."""
    status = claim.status
    rating = {
        "@type": "Rating",
        "alternateName": STATUS_WORDS[status],
        "ratingExplanation": " ".join(p for p in (claim.reason, claim.correction) if p),
    }
    if status in RATING:
        rating.update(ratingValue=RATING[status], bestRating=max(RATING.values()), worstRating=min(RATING.values()))
    return {
        "@type": "ClaimReview",
        "url": publisher.claim_url(claim),
        "claimReviewed": short_claim(claim.sentence),
        "datePublished": claim.decided_at.date().isoformat(),
        "dateModified": claim.decided_at.isoformat(),
        "author": {"@type": "Organization", "name": publisher.name, "url": publisher.url},
        "reviewRating": rating,
        "itemReviewed": item_reviewed(claim, publisher),
        "citation": [_citation(s) for s in claim.sources],
        "creativeWorkStatus": "Reviewed by a person",
    }


def claim_review_document(reviews: list[dict]) -> dict:
    return {"@context": "https://schema.org", "@graph": reviews}


def claim_reviews(store: ReviewStore, publisher: Publisher) -> dict:
    """A JSON-LD document with one ClaimReview per claim a person reviewed (no automatic verdict, no `system`)."""
    return claim_review_document([claim_review(c, publisher) for c in all_claims(store, FACT_CHECKED)])


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
