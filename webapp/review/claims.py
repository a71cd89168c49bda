"""Claims: flagged sentences keyed by a stable fingerprint, with the automatic verdict and the current decision.

A claim's fingerprint is a hash of its document id and its normalised sentence, so a decision survives index
rebuilds and applies to the same sentence wherever it reappears in that document. The queue holds every claim
that is in the latest build and is either automatically `inaccurate`, `unsupported` or `unverified`, or decided,
highest priority first (priority.py); its default view (`queue="priority"`) leaves out undecided unverified claims
below the threshold or by a trusted publisher.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa

from indexer import FLAGGED, STATUSES

from .audit import AuditEntry, entry_from_row, history, public_actor
from .errors import InvalidRequestError, NotFoundError
from .models import audit_log, claims
from .priority import THRESHOLD
from .store import ReviewStore, utc

CLAIM_STATUSES = ("inaccurate", "unsupported", "unverified")
STATES = ("open", "undecided", "decided", "changed", "second_review", "all")
QUEUES = ("priority", "all")  # priority: flagged, decided and high-priority unverified claims; all: every claim
MAX_PER_PAGE = 200
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def normalise(sentence: str) -> str:
    """The sentence as compared for identity: NFKC, case-folded, one kind of quote and dash, single spaces."""
    text = unicodedata.normalize("NFKC", sentence).translate(_QUOTES).casefold()
    return re.sub(r"\s+", " ", text).strip()


def fingerprint(doc_id: str, sentence: str) -> str:
    """The claim id: stable across rebuilds for the same sentence in the same document."""
    return hashlib.sha256(f"{doc_id}\n{normalise(sentence)}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Claim:
    id: str
    doc_id: str
    title: str
    sentence: str
    passage_id: str
    position: int
    start: int
    end: int
    topic: str
    repeats: int
    present: bool
    first_seen: datetime
    auto_status: str
    auto_rule: str
    auto_reason: str
    auto_correction: str
    auto_sources: tuple[dict, ...]
    decided_status: str | None
    reason_override: str | None
    correction_override: str | None
    sources_override: tuple[dict, ...] | None
    decision_auto_status: str | None
    needs_second_review: bool
    decided_by: str | None
    decided_at: datetime | None
    version: int
    priority: int = 0
    priority_reasons: tuple[str, ...] = ()
    publisher: str = ""
    decision: AuditEntry | None = None
    history: tuple[AuditEntry, ...] | None = None

    @property
    def decided(self) -> bool:
        return self.decided_status is not None

    @property
    def changed(self) -> bool:
        """Decided, but a rebuild has since changed the automatic status the decision was made on."""
        return self.decided and self.auto_status != self.decision_auto_status

    @property
    def state(self) -> str:
        return "changed" if self.changed else "decided" if self.decided else "undecided"

    @property
    def status(self) -> str:
        return self.decided_status or self.auto_status

    @property
    def reason(self) -> str:
        return self.auto_reason if self.reason_override is None else self.reason_override

    @property
    def correction(self) -> str:
        return self.auto_correction if self.correction_override is None else self.correction_override

    @property
    def sources(self) -> tuple[dict, ...]:
        return self.auto_sources if self.sources_override is None else self.sources_override

    @property
    def anchor(self) -> str:
        return f"p-{self.position}"

    def public(self) -> Claim:
        """The claim without account names (who decided, in the decision and the history), for readers."""
        return replace(self, decided_by=self.decided_by and public_actor(self.decided_by),
                       decision=self.decision and self.decision.public(),
                       history=None if self.history is None else tuple(e.public() for e in self.history))

    def as_dict(self) -> dict:
        data = {
            "id": self.id, "sentence": self.sentence, "status": self.status, "version": self.version,
            "state": self.state, "needs_second_review": self.needs_second_review,
            "reason": self.reason, "correction": self.correction, "sources": list(self.sources),
            "rule": self.auto_rule, "topic": self.topic,
            "automatic": {"status": self.auto_status, "rule": self.auto_rule, "reason": self.auto_reason,
                          "correction": self.auto_correction, "sources": list(self.auto_sources)},
            "doc_id": self.doc_id, "title": self.title, "passage_id": self.passage_id, "position": self.position,
            "anchor": self.anchor, "start": self.start, "end": self.end, "repeats": self.repeats,
            "present": self.present, "first_seen": self.first_seen.isoformat(),
            "priority": self.priority, "priority_reasons": list(self.priority_reasons), "publisher": self.publisher,
            "reviewed": {"by": self.decided_by, "at": self.decided_at.isoformat()} if self.decided else None,
            "decision": self.decision.as_dict() if self.decision else None,
        }
        if self.history is not None:
            data["history"] = [e.as_dict() for e in self.history]
        return data


_decision = audit_log.alias("decision")
CLAIM_SELECT = sa.select(claims, *[c.label(f"d_{c.name}") for c in _decision.c]).select_from(
    claims.outerjoin(_decision, claims.c.decision_id == _decision.c.id))
EFFECTIVE_STATUS = sa.func.coalesce(claims.c.status, claims.c.auto_status)
_CHANGED = sa.and_(claims.c.status.is_not(None), claims.c.auto_status != claims.c.decision_auto_status)
_STATE = {
    "undecided": claims.c.status.is_(None),
    "decided": sa.and_(claims.c.status.is_not(None), sa.not_(_CHANGED)),
    "changed": _CHANGED,
    "second_review": claims.c.needs_second_review,
    "open": sa.or_(claims.c.status.is_(None), _CHANGED, claims.c.needs_second_review),
}
IN_QUEUE = sa.and_(claims.c.present, sa.or_(claims.c.auto_status.in_(CLAIM_STATUSES), claims.c.status.is_not(None)))


def claim_from_row(row, with_history: tuple[AuditEntry, ...] | None = None) -> Claim:
    m = row._mapping
    override = m["sources"]
    return Claim(
        id=m["id"], doc_id=m["doc_id"], title=m["title"], sentence=m["sentence"], passage_id=m["passage_id"],
        position=m["position"], start=m["start"], end=m["end"], topic=m["topic"], repeats=m["repeats"],
        present=m["present"], first_seen=utc(m["first_seen"]), auto_status=m["auto_status"],
        auto_rule=m["auto_rule"], auto_reason=m["auto_reason"], auto_correction=m["auto_correction"],
        auto_sources=tuple(m["auto_sources"]), decided_status=m["status"], reason_override=m["reason"],
        correction_override=m["correction"], sources_override=None if override is None else tuple(override),
        decision_auto_status=m["decision_auto_status"], needs_second_review=m["needs_second_review"],
        decided_by=m["decided_by"], decided_at=utc(m["decided_at"]), version=m["version"],
        priority=m["priority"], priority_reasons=tuple(m["priority_reasons"]), publisher=m["publisher"],
        decision=entry_from_row(row, "d_") if m["d_id"] is not None else None, history=with_history,
    )


def load_claim(conn: sa.Connection, claim_id: str, with_history: bool = False) -> Claim:
    row = conn.execute(CLAIM_SELECT.where(claims.c.id == claim_id)).first()
    if row is None:
        raise NotFoundError(f"no claim with id {claim_id!r}")
    return claim_from_row(row, history(conn, claim_id) if with_history else None)


def get_claim(store: ReviewStore, claim_id: str, with_history: bool = True, reveal_names: bool = True) -> Claim:
    """One claim, with its full history; NotFoundError if there is none with this id."""
    with store.read() as conn:
        claim = load_claim(conn, claim_id, with_history)
    return claim if reveal_names else claim.public()


def decided_claims(store: ReviewStore, claim_ids, reveal_names: bool = True) -> dict[str, Claim]:
    """The claims among `claim_ids` that a reviewer has decided on, by id."""
    ids = list(dict.fromkeys(claim_ids))
    if not ids:
        return {}
    with store.read() as conn:
        rows = conn.execute(CLAIM_SELECT.where(claims.c.id.in_(ids), claims.c.status.is_not(None)))
        found = (claim_from_row(row) for row in rows)
        return {c.id: c if reveal_names else c.public() for c in found}


@dataclass(frozen=True)
class ClaimQuery:
    statuses: tuple[str, ...] = ()
    rule: str = ""
    doc_id: str = ""
    topic: str = ""
    state: str = "open"
    queue: str = "priority"
    page: int = 1
    per_page: int = 50
    threshold: int = THRESHOLD  # the priority an undecided unverified claim needs for the default queue
    trusted: tuple[str, ...] = ()  # publishers whose unverified statements stay out of the default queue

    def validate(self) -> ClaimQuery:
        unknown = [s for s in self.statuses if s not in STATUSES]
        if unknown:
            raise InvalidRequestError(f"unknown status {unknown[0]!r}; use one of {', '.join(STATUSES)}", "status")
        if self.state not in STATES:
            raise InvalidRequestError(f"unknown state {self.state!r}; use one of {', '.join(STATES)}", "state")
        if self.queue not in QUEUES:
            raise InvalidRequestError(f"unknown queue {self.queue!r}; use one of {', '.join(QUEUES)}", "queue")
        if self.page < 1:
            raise InvalidRequestError("page must be 1 or more", "page")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InvalidRequestError(f"per_page must be between 1 and {MAX_PER_PAGE}", "per_page")
        return self

    def where(self, facet: str = "") -> list:
        """The filters, leaving out `facet` ("status", "state" or "both") so its counts show every choice."""
        parts = [IN_QUEUE]
        if self.statuses and facet not in ("status", "both"):
            parts.append(EFFECTIVE_STATUS.in_(self.statuses))
        if self.state != "all" and facet not in ("state", "both"):
            parts.append(_STATE[self.state])
        if self.queue == "priority":
            parts.append(self._worth_a_person())
        for column, value in ((claims.c.auto_rule, self.rule), (claims.c.doc_id, self.doc_id),
                              (claims.c.topic, self.topic)):
            if value:
                parts.append(column == value)
        return parts

    def _worth_a_person(self):
        """Flagged, decided or marked for a second review; else unverified, high enough and not trusted."""
        unverified = claims.c.priority >= self.threshold
        if self.trusted:
            unverified = sa.and_(unverified, claims.c.publisher.not_in(self.trusted))
        return sa.or_(claims.c.auto_status.in_(FLAGGED), claims.c.status.is_not(None), claims.c.needs_second_review,
                      unverified)


@dataclass(frozen=True)
class ClaimPage:
    query: ClaimQuery
    total: int
    claims: tuple[Claim, ...]
    status_counts: dict[str, int]
    state_counts: dict[str, int]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))

    def as_dict(self) -> dict:
        q = self.query
        return {
            "total": self.total, "page": q.page, "per_page": q.per_page, "pages": self.pages,
            "filters": {"status": list(q.statuses), "rule": q.rule, "doc_id": q.doc_id, "topic": q.topic,
                        "state": q.state, "queue": q.queue},
            "counts": {"status": self.status_counts, "state": self.state_counts},
            "claims": [c.as_dict() for c in self.claims],
        }


def find_claims(store: ReviewStore, query: ClaimQuery, reveal_names: bool = True) -> ClaimPage:
    """The queue: matching claims, highest priority first; with counts per status and state.
    Without `reveal_names`, no account names."""
    query = query.validate()
    order = (claims.c.priority.desc(), claims.c.id.desc())
    counts = _counts(query)
    with store.read() as conn:
        rows = conn.execute(CLAIM_SELECT.where(*query.where()).order_by(*order)
                            .limit(query.per_page).offset((query.page - 1) * query.per_page))
        found = tuple(c if reveal_names else c.public() for c in map(claim_from_row, rows))
        numbers = conn.execute(sa.select(*counts.values()).select_from(claims).where(*query.where("both"))).one()
    counted = {name: int(n or 0) for name, n in zip(counts, numbers, strict=True)}
    total = counted.pop("total")
    by_status = {s: counted.pop(f"status:{s}") for s in STATUSES}
    states = {name[len("state:"):]: n for name, n in counted.items()}
    return ClaimPage(query, total, found, by_status, states)


def _counts(query: ClaimQuery) -> dict:
    """The total and the counts per status and per state as sums over one scan (a query each took most of the
    queue's time with 100,000 claims): each facet's counts leave out that facet's own filter."""
    status_filter = EFFECTIVE_STATUS.in_(query.statuses) if query.statuses else sa.true()
    state_filter = _STATE[query.state] if query.state != "all" else sa.true()

    def count(*conditions):
        return sa.func.sum(sa.case((sa.and_(*conditions), 1), else_=0))

    return {
        "total": count(status_filter, state_filter),
        **{f"status:{s}": count(EFFECTIVE_STATUS == s, state_filter) for s in STATUSES},
        **{f"state:{name}": count(status_filter, cond) for name, cond in _STATE.items()},
        "state:all": count(status_filter),
    }


def facets(store: ReviewStore, documents: bool = True) -> dict[str, list[str]]:
    """The rules, documents (unless not wanted: thousands in a large library) and topics that queued claims have,
    for filter menus."""
    with store.read() as conn:
        def values(column):
            return [v for v in conn.scalars(sa.select(column).where(IN_QUEUE).distinct().order_by(column)) if v]
        return {"rules": values(claims.c.auto_rule), "documents": values(claims.c.doc_id) if documents else [],
                "topics": values(claims.c.topic)}
