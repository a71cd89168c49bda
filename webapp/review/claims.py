"""Claims: flagged sentences keyed by a stable fingerprint, with the automatic verdict and the current decision.

A claim's fingerprint is a hash of its document id and its normalised sentence, so a decision survives index
rebuilds and applies to the same sentence wherever it reappears in that document. The queue (queue.py) holds
every claim that is in the latest build and is either automatically `inaccurate`, `unsupported` or `unverified`,
or decided.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa

from .audit import AuditEntry, entry_from_row, history, public_actor
from .errors import NotFoundError
from .models import audit_log, claims
from .store import ReviewStore, utc

CLAIM_STATUSES = ("inaccurate", "unsupported", "unverified")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def normalise(sentence: str) -> str:
    """The sentence as compared for identity: NFKC, case-folded, one kind of quote and dash, single spaces."""
    text = unicodedata.normalize("NFKC", sentence).translate(_QUOTES).casefold()
    return " ".join(text.split())  # str.split's white space is re's \s: the same as re.sub(r"\s+", " ", ...).strip()


def fingerprint(doc_id: str, sentence: str) -> str:
    """The claim id: stable across rebuilds for the same sentence in the same document."""
    return normalised_fingerprint(doc_id, normalise(sentence))


def normalised_fingerprint(doc_id: str, normalised: str) -> str:
    """The fingerprint of a sentence already normalised (`normalise`)."""
    return hashlib.sha256(f"{doc_id}\n{normalised}".encode()).hexdigest()[:32]


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
        return replace(
            self,
            decided_by=self.decided_by and public_actor(self.decided_by),
            decision=self.decision and self.decision.public(),
            history=None if self.history is None else tuple(e.public() for e in self.history),
        )

    def as_dict(self) -> dict:
        data = {
            "id": self.id,
            "sentence": self.sentence,
            "status": self.status,
            "version": self.version,
            "state": self.state,
            "needs_second_review": self.needs_second_review,
            "reason": self.reason,
            "correction": self.correction,
            "sources": list(self.sources),
            "rule": self.auto_rule,
            "topic": self.topic,
            "automatic": {
                "status": self.auto_status,
                "rule": self.auto_rule,
                "reason": self.auto_reason,
                "correction": self.auto_correction,
                "sources": list(self.auto_sources),
            },
            "doc_id": self.doc_id,
            "title": self.title,
            "passage_id": self.passage_id,
            "position": self.position,
            "anchor": self.anchor,
            "start": self.start,
            "end": self.end,
            "repeats": self.repeats,
            "present": self.present,
            "first_seen": self.first_seen.isoformat(),
            "priority": self.priority,
            "priority_reasons": list(self.priority_reasons),
            "publisher": self.publisher,
            "reviewed": {"by": self.decided_by, "at": self.decided_at.isoformat()} if self.decided else None,
            "decision": self.decision.as_dict() if self.decision else None,
        }
        if self.history is not None:
            data["history"] = [e.as_dict() for e in self.history]
        return data


_decision = audit_log.alias("decision")
CLAIM_SELECT = sa.select(claims, *[c.label(f"d_{c.name}") for c in _decision.c]).select_from(
    claims.outerjoin(_decision, claims.c.decision_id == _decision.c.id)
)


def in_queue(t: sa.Table):
    """The queue's claims, as a condition on `t`: the claims, or claim_counts (it has the same columns)."""
    return sa.and_(t.c.present, sa.or_(t.c.auto_status.in_(CLAIM_STATUSES), t.c.status.is_not(None)))


IN_QUEUE = in_queue(claims)


def claim_from_row(row, with_history: tuple[AuditEntry, ...] | None = None) -> Claim:
    m = row._mapping
    override = m["sources"]
    return Claim(
        id=m["id"],
        doc_id=m["doc_id"],
        title=m["title"],
        sentence=m["sentence"],
        passage_id=m["passage_id"],
        position=m["position"],
        start=m["start"],
        end=m["end"],
        topic=m["topic"],
        repeats=m["repeats"],
        present=m["present"],
        first_seen=utc(m["first_seen"]),
        auto_status=m["auto_status"],
        auto_rule=m["auto_rule"],
        auto_reason=m["auto_reason"],
        auto_correction=m["auto_correction"],
        auto_sources=tuple(m["auto_sources"]),
        decided_status=m["status"],
        reason_override=m["reason"],
        correction_override=m["correction"],
        sources_override=None if override is None else tuple(override),
        decision_auto_status=m["decision_auto_status"],
        needs_second_review=m["needs_second_review"],
        decided_by=m["decided_by"],
        decided_at=utc(m["decided_at"]),
        version=m["version"],
        priority=m["priority"],
        priority_reasons=tuple(m["priority_reasons"]),
        publisher=m["publisher"],
        decision=entry_from_row(row, "d_") if m["d_id"] is not None else None,
        history=with_history,
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
