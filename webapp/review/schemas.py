"""JSON Schemas of what the review API returns (claims, the audit log, decisions, exports): the review plugin's
components of the OpenAPI document (webapp/openapi.py), beside the public ones in webapp/schemas.py."""

from __future__ import annotations

from typing import Any

from indexer import STATUSES

from ..schemas import BOOL, DATE_TIME, ERROR_FIELDS, INT, NULLABLE_STR, STATUS, STR, array, counts, obj, page_of, ref
from .adapter import DECISION_BODY
from .queue import STATES

_AUTOMATIC = obj(status=STATUS, rule=STR, reason=STR, correction=STR, sources=array(ref("Source")))
_CLAIM = obj(
    [
        "id",
        "sentence",
        "status",
        "version",
        "state",
        "needs_second_review",
        "reason",
        "correction",
        "sources",
        "rule",
        "topic",
        "automatic",
        "doc_id",
        "title",
        "passage_id",
        "position",
        "anchor",
        "start",
        "end",
        "repeats",
        "present",
        "first_seen",
        "reviewed",
        "decision",
        "priority",
        "priority_reasons",
        "publisher",
    ],
    id=STR,
    sentence=STR,
    status=STATUS,
    version=INT,
    state={"type": "string", "enum": list(STATES[1:4])},
    needs_second_review=BOOL,
    reason=STR,
    correction=STR,
    sources=array(ref("Source")),
    rule=STR,
    topic=STR,
    automatic=_AUTOMATIC,
    doc_id=STR,
    title=STR,
    passage_id=STR,
    position=INT,
    anchor=STR,
    start=INT,
    end=INT,
    repeats=INT,
    present=BOOL,
    first_seen=DATE_TIME,
    reviewed={"oneOf": [obj(by=NULLABLE_STR, at=DATE_TIME), {"type": "null"}]},
    decision={"oneOf": [ref("AuditEntry"), {"type": "null"}]},
    priority={**INT, "description": "How urgently it needs a person, higher first (computed at sync)."},
    priority_reasons={**array(STR), "description": "Why it has that priority, in plain words."},
    publisher={**STR, "description": "The publisher of its document, if known (empty otherwise)."},
    history={**array(ref("AuditEntry")), "description": "Every audit entry about the claim, oldest first."},
)

SCHEMAS: dict[str, Any] = {
    "Conflict": obj(error=obj(**ERROR_FIELDS, current={**ref("Claim"), "description": "The claim as it is now."})),
    "AuditEntry": obj(
        id=INT,
        at=DATE_TIME,
        actor=STR,
        claim_id=NULLABLE_STR,
        action=STR,
        status_before=NULLABLE_STR,
        status_after=NULLABLE_STR,
        note=STR,
        details={"type": "object"},
    ),
    "Claim": _CLAIM,
    "ClaimPage": page_of(
        "claims",
        ref("Claim"),
        filters=obj(status=array(STATUS), rule=STR, doc_id=STR, topic=STR, state=STR, queue=STR),
        counts=obj(status=counts(STATUSES), state=counts(STATES)),
    ),
    "AuditPage": page_of("entries", ref("AuditEntry")),
    "DecisionBody": DECISION_BODY,
    "ClaimReviews": obj(**{"@context": STR, "@graph": array({"type": "object"})}),
}
