"""The review queue: the claims a query asks for, highest priority first, a page at a time, with counts. No flask.

Pages are read by keyset: the claims just after (or, going back, just before) a cursor's (priority, id), along the
index in that order, so the thousandth page costs what the first does. `page=` (OFFSET) still works, for the first
pages and old links: it skips along that index, which holds every column the state, status and queue filters
read. The counts per status and per state are sums over claim_counts (counts.py), a few thousand rows however many
claims there are, unless a rule, document or topic filter asks for more than that table tells apart; then they
come from those claims alone, through the filter's index. The default view (`queue="priority"`) leaves out
undecided unverified claims below the threshold or by a trusted publisher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from indexer import FLAGGED, STATUSES

from .claims import CLAIM_SELECT, CLAIM_STATUSES, IN_QUEUE, Claim, claim_from_row, in_queue
from .errors import InvalidRequestError
from .models import claim_counts, claims
from .priority import THRESHOLD
from .store import ReviewStore

STATES = ("open", "undecided", "decided", "changed", "second_review", "all")
QUEUES = ("priority", "all")  # priority: flagged, decided and high-priority unverified claims; all: every claim
MAX_PER_PAGE = 200
# "a" (after) or "b" (before), the page it leads to, then the priority and id of the claim it starts from
CURSOR_PATTERN = r"^([ab])([0-9]{1,7})\.([0-9]{1,7})\.([0-9A-Za-z_-]{1,64})$"
_ORDER = (claims.c.priority.desc(), claims.c.id.desc())
_KEY = sa.tuple_(claims.c.priority, claims.c.id)


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: just after (or just before) the claim with this priority and id; `page` is the number
    of the page it leads to, as counted when the link was made (claims decided since may shift it a little)."""

    after: bool
    page: int
    priority: int
    claim_id: str

    @classmethod
    def parse(cls, text: str) -> Cursor:
        found = re.fullmatch(CURSOR_PATTERN, text)
        if found is None:
            raise InvalidRequestError(f"cursor {text[:40]!r} is not one of ours: follow a next or prev link", "cursor")
        return cls(found[1] == "a", max(int(found[2]), 1), int(found[3]), found[4])

    def __str__(self) -> str:
        return f"{'a' if self.after else 'b'}{self.page}.{self.priority}.{self.claim_id}"


def effective_status(t: sa.Table):
    return sa.func.coalesce(t.c.status, t.c.auto_status)


def states(t: sa.Table) -> dict:
    """Each state (but "all") as a condition on `t`: the claims, or claim_counts (it has the same columns)."""
    changed = sa.and_(t.c.status.is_not(None), t.c.auto_status != t.c.decision_auto_status)
    return {
        "undecided": t.c.status.is_(None),
        "decided": sa.and_(t.c.status.is_not(None), sa.not_(changed)),
        "changed": changed,
        "second_review": t.c.needs_second_review,
        "open": sa.or_(t.c.status.is_(None), changed, t.c.needs_second_review),
    }


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
    cursor: Cursor | None = None  # takes the place of `page`

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

    @property
    def countable(self) -> bool:
        """Whether claim_counts can count this query (it knows no rules, documents or topics)."""
        return not (self.rule or self.doc_id or self.topic)

    def where(self, facet: str = "", t: sa.Table = claims) -> list:
        """The filters on `t`, leaving out `facet` ("status", "state" or "both") so its counts show every choice."""
        parts = [IN_QUEUE if t is claims else in_queue(t)]
        if self.statuses and facet not in ("status", "both"):
            parts.append(effective_status(t).in_(self.statuses))
            if not set(self.statuses) & set(CLAIM_STATUSES):  # in the queue, only a decision gives these: say so,
                parts.append(t.c.status.is_not(None))  # for the index of decided claims
        if self.state != "all" and facet not in ("state", "both"):
            parts.append(states(t)[self.state])
        if self.queue == "priority":
            parts.append(self._worth_a_person(t))
        for name, value in (("auto_rule", self.rule), ("doc_id", self.doc_id), ("topic", self.topic)):
            if value:
                parts.append(t.c[name] == value)  # KeyError on claim_counts: see `countable`
        return parts

    def _worth_a_person(self, t: sa.Table):
        """Flagged, decided or marked for a second review; else unverified, high enough and not trusted."""
        unverified = t.c.priority >= self.threshold
        if self.trusted:
            unverified = sa.and_(unverified, t.c.publisher.not_in(self.trusted))
        return sa.or_(t.c.auto_status.in_(FLAGGED), t.c.status.is_not(None), t.c.needs_second_review, unverified)


@dataclass(frozen=True)
class ClaimPage:
    query: ClaimQuery
    total: int
    claims: tuple[Claim, ...]
    status_counts: dict[str, int]
    state_counts: dict[str, int]
    page: int = 1
    next_cursor: Cursor | None = None  # None: no claims after these
    prev_cursor: Cursor | None = None  # None: the first page

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))

    def as_dict(self) -> dict:
        q = self.query
        return {
            "total": self.total,
            "page": self.page,
            "per_page": q.per_page,
            "pages": self.pages,
            "filters": {
                "status": list(q.statuses),
                "rule": q.rule,
                "doc_id": q.doc_id,
                "topic": q.topic,
                "state": q.state,
                "queue": q.queue,
            },
            "counts": {"status": self.status_counts, "state": self.state_counts},
            "claims": [c.as_dict() for c in self.claims],
        }


def find_claims(store: ReviewStore, query: ClaimQuery, reveal_names: bool = True) -> ClaimPage:
    """The queue: a page of matching claims, highest priority first, with counts per status and state, and the
    cursors of the pages around it. Without `reveal_names`, no account names."""
    query = query.validate()
    with store.read() as conn:
        rows, page = _rows(conn, query)
        total, by_status, by_state = _counts(conn, query)
    found = tuple(c if reveal_names else c.public() for c in map(claim_from_row, rows[: query.per_page]))
    after = Cursor(True, page + 1, found[-1].priority, found[-1].id) if len(rows) > query.per_page else None
    before = Cursor(False, page - 1, found[0].priority, found[0].id) if found and page > 1 else None
    return ClaimPage(query, total, found, by_status, by_state, page, after, before)


def _rows(conn: sa.Connection, q: ClaimQuery) -> tuple[list, int]:
    """The page's claims and one more if there are more after them, and the page's number."""
    where, n, cursor = q.where(), q.per_page, q.cursor
    select = CLAIM_SELECT.where(*where).order_by(*_ORDER).limit(n + 1)
    if cursor is None and q.page > 1:  # skip along the index alone to the page's first claim, then read from it
        skip = sa.select(claims.c.priority, claims.c.id).where(*where).order_by(*_ORDER).offset((q.page - 1) * n)
        first = conn.execute(skip.limit(1)).first()
        return (conn.execute(select.where(_KEY <= tuple(first))).all() if first else []), q.page
    if cursor is None:
        return conn.execute(select).all(), 1
    if cursor.after:
        return conn.execute(select.where(_KEY < (cursor.priority, cursor.claim_id))).all(), cursor.page
    # Back: the n claims just before the cursor; the page starts with the first of them (a whole first page if
    # fewer than n are left before it)
    before = conn.execute(
        sa.select(claims.c.priority, claims.c.id)
        .where(*where, _KEY > (cursor.priority, cursor.claim_id))
        .order_by(claims.c.priority, claims.c.id)
        .limit(n + 1)
    ).all()
    if len(before) <= n:
        return conn.execute(select).all(), 1
    return conn.execute(select.where(_KEY <= tuple(before[n - 1]))).all(), max(cursor.page, 2)


def _counts(conn: sa.Connection, q: ClaimQuery) -> tuple[int, dict[str, int], dict[str, int]]:
    """The total and the counts per status and per state, as sums in one statement: over claim_counts when it
    can tell, else over the claims the rule, document or topic filter selects. Each facet's counts leave out
    that facet's own filter."""
    t, weight = (claim_counts, claim_counts.c.n) if q.countable else (claims, 1)
    status, state = effective_status(t), states(t)
    status_filter = status.in_(q.statuses) if q.statuses else sa.true()
    state_filter = state[q.state] if q.state != "all" else sa.true()

    def count(*conditions):
        return sa.func.sum(sa.case((sa.and_(*conditions), weight), else_=0))

    by_status = [count(status == s, state_filter) for s in STATUSES]
    by_state = [count(status_filter, state[name]) if name != "all" else count(status_filter) for name in STATES]
    select = sa.select(count(status_filter, state_filter), *by_status, *by_state).where(*q.where("both", t))
    total, *numbers = (int(n or 0) for n in conn.execute(select).one())
    return (
        total,
        dict(zip(STATUSES, numbers[: len(STATUSES)], strict=True)),
        dict(zip(STATES, numbers[len(STATUSES) :], strict=True)),
    )


def facets(store: ReviewStore, documents: bool = True) -> dict[str, list[str]]:
    """The rules, documents (unless not wanted: thousands in a large library) and topics that queued claims have,
    for filter menus."""
    with store.read() as conn:
        docs = sa.select(claims.c.doc_id).where(IN_QUEUE).distinct().order_by(claims.c.doc_id)
        return {
            "rules": _values(conn, claims.c.auto_rule),
            "documents": [d for d in conn.scalars(docs) if d] if documents else [],
            "topics": _values(conn, claims.c.topic),
        }


def _values(conn: sa.Connection, column) -> list[str]:
    """The column's non-blank values among queued claims, in order: one seek a value along the index that leads
    with the column (a rule or topic has thousands of claims, a library a few dozen rules or topics), not a scan;
    all of them in one statement, a recursive query."""

    def after(value):
        return sa.select(sa.func.min(column)).where(IN_QUEUE, column > value).scalar_subquery()

    found = sa.select(after("").label("value")).cte("found", recursive=True)
    found = found.union_all(sa.select(after(found.c.value)).where(found.c.value.is_not(None)))
    return list(conn.scalars(sa.select(found.c.value).where(found.c.value.is_not(None)).order_by(found.c.value)))
