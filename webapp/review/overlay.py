"""Reviewers' decisions laid over the automatic checks, for search results, document pages and the API.

Each sentence becomes a `ReviewedCheck`: the same fields (status, reason, correction and sources as decided),
plus `review` (who and when, or None) — so templates show "reviewed by a person, <date>" and `as_dict()` carries a
"review" object. Passage statuses are recomputed from the decided sentence statuses. One query per call. Without
`reveal_names` (readers who are not reviewers), "who" is "reviewer" rather than an account name.

Search pages also count, per passage and nothing else (no user, no query), how often each passage was shown: the
counts are kept in memory and written in one statement every FLUSH_PAGES pages or FLUSH_SECONDS, for the queue's
priority at the next sync (a count lost in a crash or while the store is busy only lowers a priority a little).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import datetime

import sqlalchemy as sa

from indexer import CheckedDocument, Hit, SearchPage, SentenceCheck, Source, most_severe

from .claims import Claim, decided_claims, fingerprint
from .errors import StoreUnavailableError
from .models import passage_exposure
from .store import ReviewStore

FLUSH_PAGES = 50
FLUSH_SECONDS = 30.0


class ExposureCounter:
    """How often passages were shown, added up in memory and written to the store in batches."""

    def __init__(self, store: ReviewStore) -> None:
        self._store = weakref.ref(store)
        self._lock = threading.Lock()
        self._counts: Counter = Counter()
        self._pages = 0
        self._since = time.monotonic()

    def shown(self, passage_ids: Iterable[str]) -> None:
        with self._lock:
            self._counts.update(set(passage_ids))
            self._pages += 1
            if self._pages < FLUSH_PAGES and time.monotonic() - self._since < FLUSH_SECONDS:
                return
            counts, self._counts, self._pages, self._since = self._counts, Counter(), 0, time.monotonic()
        self.flush(counts)

    def flush(self, counts: Counter | None = None) -> None:
        """Write `counts` (default: what is pending) in one upsert; kept for the next flush if the store is busy."""
        if counts is None:
            with self._lock:
                counts, self._counts, self._pages = self._counts, Counter(), 0
        store = self._store()
        if not counts or store is None:
            return
        rows = [{"passage_id": p, "shown": n} for p, n in counts.items()]
        try:
            with store.write() as conn:
                if store.dialect == "postgresql":
                    from sqlalchemy.dialects.postgresql import insert
                else:
                    from sqlalchemy.dialects.sqlite import insert
                statement = insert(passage_exposure)
                conn.execute(
                    statement.on_conflict_do_update(
                        index_elements=["passage_id"],
                        set_={"shown": passage_exposure.c.shown + statement.excluded.shown},
                    ),
                    rows,
                )
        except (StoreUnavailableError, sa.exc.OperationalError):
            with self._lock:
                self._counts.update(counts)


_COUNTERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_COUNTERS_LOCK = threading.Lock()


def exposure(store: ReviewStore) -> ExposureCounter:
    """The store's exposure counter (one per store in this process)."""
    with _COUNTERS_LOCK:
        if store not in _COUNTERS:
            _COUNTERS[store] = ExposureCounter(store)
        return _COUNTERS[store]


@dataclass(frozen=True)
class Review:
    claim_id: str
    by: str
    at: datetime
    automatic_status: str
    changed: bool  # a rebuild changed the automatic status since the decision

    @property
    def date(self) -> str:
        return self.at.date().isoformat()

    def as_dict(self) -> dict:
        return {
            "claim_id": self.claim_id,
            "reviewed_by_person": True,
            "by": self.by,
            "at": self.at.isoformat(),
            "date": self.date,
            "automatic_status": self.automatic_status,
            "changed": self.changed,
        }


@dataclass(frozen=True)
class ReviewedCheck(SentenceCheck):
    review: Review | None = None
    claim_id: str = ""

    def as_dict(self) -> dict:
        review = self.review.as_dict() if self.review else None
        return {**super().as_dict(), "claim_id": self.claim_id, "review": review}


def _sources(claim: Claim) -> tuple[Source, ...]:
    return tuple(Source("", s["publisher"], s["title"], s["url"]) for s in claim.sources)


def _reviewed(check: SentenceCheck, claim_id: str, claim: Claim | None) -> ReviewedCheck:
    base = {f.name: getattr(check, f.name) for f in fields(SentenceCheck)}
    if claim is None:
        return ReviewedCheck(**base, claim_id=claim_id)
    base.update(status=claim.status, reason=claim.reason, correction=claim.correction, sources=_sources(claim))
    review = Review(claim.id, claim.decided_by, claim.decided_at, claim.auto_status, claim.changed)
    return ReviewedCheck(**base, review=review, claim_id=claim_id)


def review_checks(
    store: ReviewStore, items: Iterable[tuple[str, SentenceCheck]], reveal_names: bool = True
) -> list[ReviewedCheck]:
    """(doc id, check) pairs, each check with the decision on its sentence applied (if any)."""
    items = list(items)
    ids = [fingerprint(doc_id, check.text) for doc_id, check in items]
    decided = decided_claims(store, ids, reveal_names)
    return [_reviewed(check, claim_id, decided.get(claim_id)) for (_, check), claim_id in zip(items, ids, strict=True)]


def review_hits(store: ReviewStore, hits: Iterable[Hit], reveal_names: bool = True) -> tuple[Hit, ...]:
    hits = tuple(hits)
    checks = iter(review_checks(store, ((h.doc_id, s) for h in hits for s in h.sentences), reveal_names))
    out = []
    for hit in hits:
        sentences = tuple(next(checks) for _ in hit.sentences)
        by_text = dict(zip(hit.sentences, sentences, strict=True))
        snippet = tuple(replace(s, check=by_text.get(s.check, s.check)) for s in hit.snippet)
        out.append(replace(hit, sentences=sentences, snippet=snippet, status=most_severe(s.status for s in sentences)))
    return tuple(out)


def review_page(store: ReviewStore, page: SearchPage, reveal_names: bool = True) -> SearchPage:
    """The search page with decisions applied to every hit; counts each hit's passage as shown."""
    reviewed = replace(page, hits=review_hits(store, page.hits, reveal_names))
    exposure(store).shown(h.passage_id for h in page.hits)
    return reviewed


def review_document(store: ReviewStore, checked: CheckedDocument, reveal_names: bool = True) -> CheckedDocument:
    """The checked document with decisions applied to every sentence (passage statuses follow)."""
    doc_id = checked.document.id
    checks = iter(review_checks(store, ((doc_id, c) for p in checked.passages for c in p.checks), reveal_names))
    passages = tuple(replace(p, checks=tuple(next(checks) for _ in p.checks)) for p in checked.passages)
    return replace(checked, passages=passages)
