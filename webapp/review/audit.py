"""The audit log: append-only. This module can add entries and read them, nothing else; the database's triggers
(migrations 2 and 3) refuse UPDATE, DELETE, TRUNCATE and REPLACE on the table, so no code path can rewrite history.

Readers who are not reviewers see no account names (they would help guessing logins): with `reveal_names=False`
every actor that is a reviewer reads "reviewer", as does the reviewer named in an account event's details;
`system` and `cli` stay as they are. Such readers may filter by those three labels only.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from .errors import InvalidRequestError
from .models import audit_log
from .store import utc

MAX_PER_PAGE = 500
CSV_FIELDS = ("id", "at", "actor", "claim_id", "action", "status_before", "status_after", "note", "details")
PUBLIC_ACTORS = ("system", "cli")  # actors that are not accounts: shown to everyone
REVIEWER_LABEL = "reviewer"  # what readers who are not reviewers see instead of an account name


def public_actor(actor: str) -> str:
    """The actor as shown to readers who are not reviewers."""
    return actor if actor in PUBLIC_ACTORS else REVIEWER_LABEL


def cell(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (reviewer notes and document text are untrusted)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    claim_id: str | None
    action: str
    status_before: str | None
    status_after: str | None
    note: str
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "claim_id": self.claim_id,
            "action": self.action,
            "status_before": self.status_before,
            "status_after": self.status_after,
            "note": self.note,
            "details": self.details,
        }

    def public(self) -> AuditEntry:
        """The entry without account names."""
        details = self.details
        if "reviewer" in details:
            details = {**details, "reviewer": REVIEWER_LABEL}
        return replace(self, actor=public_actor(self.actor), details=details)


def entry_from_row(row, prefix: str = "") -> AuditEntry:
    """An entry from a row whose audit_log columns may be labelled with `prefix`."""
    get = row._mapping
    return AuditEntry(
        id=get[prefix + "id"],
        at=utc(get[prefix + "at"]),
        actor=get[prefix + "actor"],
        claim_id=get[prefix + "claim_id"],
        action=get[prefix + "action"],
        status_before=get[prefix + "status_before"],
        status_after=get[prefix + "status_after"],
        note=get[prefix + "note"],
        details=get[prefix + "details"] or {},
    )


def append(
    conn: sa.Connection,
    at: datetime,
    actor: str,
    action: str,
    claim_id: str | None = None,
    before: str | None = None,
    after: str | None = None,
    note: str = "",
    details: dict | None = None,
) -> int:
    """Add one entry inside the caller's transaction; its id."""
    result = conn.execute(
        audit_log.insert().values(
            at=at,
            actor=actor,
            claim_id=claim_id,
            action=action,
            status_before=before,
            status_after=after,
            note=note,
            details=details or {},
        )
    )
    return result.inserted_primary_key[0]


@dataclass(frozen=True)
class AuditQuery:
    actor: str = ""
    claim_id: str = ""
    action: str = ""
    status: str = ""  # status after
    since: str = ""  # YYYY-MM-DD, inclusive
    until: str = ""  # YYYY-MM-DD, inclusive
    page: int = 1
    per_page: int = 100

    def validate(self) -> AuditQuery:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value:
                try:
                    date.fromisoformat(value)
                except ValueError:
                    raise InvalidRequestError(f"{name} must be a date like 2025-01-31", name) from None
        if self.page < 1:
            raise InvalidRequestError("page must be 1 or more", "page")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InvalidRequestError(f"per_page must be between 1 and {MAX_PER_PAGE}", "per_page")
        return self

    def where(self, reveal_names: bool = True) -> list:
        """The filters; without `reveal_names` the actor filter takes only "reviewer", "system" or "cli"."""
        c = audit_log.c
        parts = []
        if self.actor == REVIEWER_LABEL:  # a reserved name: any reviewer
            parts.append(c.actor.not_in(PUBLIC_ACTORS))
        elif self.actor and not reveal_names and self.actor not in PUBLIC_ACTORS:
            raise InvalidRequestError(
                f"log in to filter by a reviewer's name; without a login, who is "
                f"{REVIEWER_LABEL!r}, {PUBLIC_ACTORS[0]!r} or {PUBLIC_ACTORS[1]!r}",
                "actor",
            )
        elif self.actor:
            parts.append(c.actor == self.actor)
        if self.claim_id:
            parts.append(c.claim_id == self.claim_id)
        if self.action:
            parts.append(c.action.like(f"%{self.action}%"))
        if self.status:
            parts.append(c.status_after == self.status)
        if self.since:
            parts.append(c.at >= datetime.fromisoformat(self.since + "T00:00:00+00:00"))
        if self.until:
            parts.append(c.at < datetime.fromisoformat(self.until + "T00:00:00+00:00") + timedelta(days=1))
        return parts


@dataclass(frozen=True)
class AuditPage:
    query: AuditQuery
    total: int
    entries: tuple[AuditEntry, ...]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "page": self.query.page,
            "per_page": self.query.per_page,
            "pages": self.pages,
            "entries": [e.as_dict() for e in self.entries],
        }


def shown(entry: AuditEntry, reveal_names: bool) -> AuditEntry:
    return entry if reveal_names else entry.public()


def find_entries(store, query: AuditQuery, reveal_names: bool = True) -> AuditPage:
    """One page of entries matching `query`, newest first; without `reveal_names`, no account names."""
    query = query.validate()
    where = query.where(reveal_names)
    with store.read() as conn:
        total = conn.scalar(sa.select(sa.func.count()).select_from(audit_log).where(*where))
        rows = conn.execute(
            sa.select(audit_log)
            .where(*where)
            .order_by(audit_log.c.id.desc())
            .limit(query.per_page)
            .offset((query.page - 1) * query.per_page)
        )
        return AuditPage(query, total, tuple(shown(entry_from_row(r), reveal_names) for r in rows))


def history(conn: sa.Connection, claim_id: str) -> tuple[AuditEntry, ...]:
    """Every entry about one claim, oldest first."""
    rows = conn.execute(sa.select(audit_log).where(audit_log.c.claim_id == claim_id).order_by(audit_log.c.id))
    return tuple(entry_from_row(r) for r in rows)


def audit_csv(store, query: AuditQuery | None = None, reveal_names: bool = True) -> str:
    """Every entry matching `query` (all of them by default) as CSV, oldest first; without `reveal_names`, no
    account names."""
    where = (query or AuditQuery()).validate().where(reveal_names)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    with store.read() as conn:
        for row in conn.execute(sa.select(audit_log).where(*where).order_by(audit_log.c.id)):
            e = shown(entry_from_row(row), reveal_names)
            writer.writerow(
                [
                    e.id,
                    e.at.isoformat(),
                    e.actor,
                    e.claim_id or "",
                    e.action,
                    e.status_before or "",
                    e.status_after or "",
                    cell(e.note),
                    json.dumps(e.details, ensure_ascii=False, sort_keys=True),
                ]
            )
    return out.getvalue()
