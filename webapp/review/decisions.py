"""Decisions on claims: one transaction each, guarded by the claim's version so no update is ever lost.

A decision sets the claim's status (the same status confirms it; another status needs a note), and may replace its
reason, correction or sources and set or clear "needs a second review". The audit entry and the claim update
commit together; if the claim's version moved on since the reviewer read it, nothing is written and the caller
gets a ConflictError carrying the claim as it is now.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa

from indexer import STATUSES

from .accounts import Reviewer
from .audit import append
from .claims import Claim, load_claim
from .counts import COMPACT_EVERY, compact
from .errors import ConflictError, InvalidRequestError
from .models import claims
from .store import ReviewStore

MAX_NOTE = 5000
MAX_TEXT = 5000
MAX_SOURCES = 20


@dataclass(frozen=True)
class Decision:
    status: str
    version: int
    note: str = ""
    reason: str | None = None  # None: keep the current one
    correction: str | None = None
    sources: tuple[dict, ...] | None = None
    needs_second_review: bool | None = None

    def validate(self) -> Decision:
        if self.status not in STATUSES:
            raise InvalidRequestError(f"status must be one of {', '.join(STATUSES)}", "status")
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 0:
            raise InvalidRequestError("version must be the claim's version, a whole number", "version")
        if len(self.note) > MAX_NOTE:
            raise InvalidRequestError(f"the note is longer than {MAX_NOTE} characters", "note")
        for name in ("reason", "correction"):
            value = getattr(self, name)
            if value is not None and len(value) > MAX_TEXT:
                raise InvalidRequestError(f"the {name} is longer than {MAX_TEXT} characters", name)
        if self.sources is not None:
            if len(self.sources) > MAX_SOURCES:
                raise InvalidRequestError(f"at most {MAX_SOURCES} sources", "sources")
            for source in self.sources:
                check_source(source)
        return self


def check_source(source: dict) -> dict:
    """A source as {publisher, title, url}; InvalidRequestError naming what is missing or wrong."""
    if not isinstance(source, dict):
        raise InvalidRequestError("each source is an object with publisher, title and url", "sources")
    for key in ("publisher", "title", "url"):
        value = source.get(key)
        if not isinstance(value, str) or not value.strip() or len(value) > 1000:
            raise InvalidRequestError(f"each source needs a {key} (text up to 1000 characters)", "sources")
    try:
        parts = urlsplit(source["url"].strip())
    except ValueError:  # an unbalanced "[" or "]" (urlsplit reads an IPv6 address there)
        raise InvalidRequestError("a source url must be a web address: this one cannot be read", "sources") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidRequestError("a source url must start with http:// or https://", "sources")
    return {"publisher": source["publisher"].strip(), "title": source["title"].strip(), "url": source["url"].strip()}


def _actions(claim: Claim, d: Decision) -> list[str]:
    actions = ["confirm" if d.status == claim.status else "change_status"]
    if d.reason is not None and d.reason != claim.reason:
        actions.append("edit_reason")
    if d.correction is not None and d.correction != claim.correction:
        actions.append("edit_correction")
    if d.sources is not None and [check_source(s) for s in d.sources] != list(claim.sources):
        actions.append("edit_sources")
    if d.needs_second_review is not None and d.needs_second_review != claim.needs_second_review:
        actions.append("request_second_review" if d.needs_second_review else "clear_second_review")
    return actions


def _conflict(store: ReviewStore, claim_id: str, version: int) -> ConflictError:
    with store.read() as conn:
        current = load_claim(conn, claim_id, with_history=True)
    who = f" by {current.decision.actor} at {current.decision.at:%Y-%m-%d %H:%M} UTC" if current.decision else ""
    return ConflictError(
        f"this claim changed since you opened it (your version {version}, now {current.version}){who}; "
        "nothing was saved: review the current decision and submit again",
        current,
    )


class _Stale(Exception):
    """The claim's version moved on: roll the transaction back and report a conflict."""


def decide(store: ReviewStore, claim_id: str, reviewer: Reviewer, decision: Decision) -> Claim:
    """Record `decision` by `reviewer`; the claim as it is afterwards (with history).

    NotFoundError for an unknown claim, InvalidRequestError for a bad decision (a status change needs a note),
    ConflictError if the claim's version is no longer `decision.version`.
    """
    d = decision.validate()
    try:
        with store.write() as conn:
            _apply(conn, store.now(), claim_id, reviewer, d)
            return load_claim(conn, claim_id, with_history=True)
    except _Stale:
        raise _conflict(store, claim_id, d.version) from None


def _apply(conn: sa.Connection, now, claim_id: str, reviewer: Reviewer, d: Decision) -> None:
    claim = load_claim(conn, claim_id)
    if claim.version != d.version:
        raise _Stale()
    note = d.note.strip()
    if d.status != claim.status and not note:
        raise InvalidRequestError("a note is required when you change the status", "note")
    sources = None if d.sources is None else [check_source(s) for s in d.sources]
    values = {
        "status": d.status,
        "decision_auto_status": claim.auto_status,
        "decided_by": reviewer.name,
        "decided_at": now,
        "version": claims.c.version + 1,
    }
    details = {"version": claim.version + 1, "automatic_status": claim.auto_status, "actions": _actions(claim, d)}
    for name, new, auto, current in (
        ("reason", d.reason, claim.auto_reason, claim.reason),
        ("correction", d.correction, claim.auto_correction, claim.correction),
        ("sources", sources, list(claim.auto_sources), list(claim.sources)),
    ):
        if new is None:
            continue
        values[name] = None if new == auto else new  # NULL: back to the automatic text
        if new != current:
            details[name] = {"before": current, "after": new}
    if d.needs_second_review is not None:
        values["needs_second_review"] = details["needs_second_review"] = d.needs_second_review
    values["decision_id"] = append(
        conn, now, reviewer.name, ",".join(details["actions"]), claim_id, claim.status, d.status, note, details
    )
    updated = conn.execute(
        claims.update().where(claims.c.id == claim_id, claims.c.version == d.version).values(**values)
    ).rowcount
    if updated != 1:
        raise _Stale()  # another transaction decided between our read and our write
    if values["decision_id"] % COMPACT_EVERY == 0:
        compact(conn)
