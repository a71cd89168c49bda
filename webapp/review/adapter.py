"""Request parameters into the store's request objects, so the store never sees `request`.

Query strings become ClaimQuery and AuditQuery (their parameters declared once, below, for validation and the
OpenAPI document alike); a JSON body or a review form becomes a Decision. A bad value raises QueryError or
InvalidRequestError naming the parameter.
"""

from __future__ import annotations

import json
from typing import Any

from jsonschema import Draft202012Validator
from werkzeug.datastructures import MultiDict

from indexer import STATUSES

from ..params import Param, Params, whole_number
from .audit import MAX_PER_PAGE as MAX_AUDIT_PER_PAGE
from .audit import AuditQuery
from .claims import Claim
from .decisions import MAX_NOTE, MAX_SOURCES, MAX_TEXT, Decision
from .errors import InvalidRequestError
from .queue import CURSOR_PATTERN, QUEUES, STATES, ClaimQuery, Cursor
from .queue import MAX_PER_PAGE as MAX_CLAIMS_PER_PAGE

MAX_PAGE = 1_000_000  # far past any queue or log; keeps the SQL offset a small number
MAX_VERSION = 2**31 - 1
_PAGE = Param("page", "Page, from 1.", "integer", default=1, maximum=MAX_PAGE)

CLAIM_PARAMS = Params(
    Param("status", "Only claims whose status (as decided, or automatic) is one of these.", "list", choices=STATUSES),
    Param("rule", "Only claims of this knowledge-base rule; blank: any."),
    Param("doc", "Only claims in this document; blank: any."),
    Param("topic", "Only claims on this topic; blank: any."),
    Param(
        "state",
        "open (undecided, changed or needing a second review), undecided, decided, changed, second_review or all.",
        choices=STATES,
        default="open",
    ),
    Param(
        "queue",
        "priority (flagged and decided claims, and unverified ones of high priority not by a trusted publisher) "
        "or all.",
        choices=QUEUES,
        default="priority",
    ),
    _PAGE,
    Param("per_page", "Claims per page.", "integer", default=50, maximum=MAX_CLAIMS_PER_PAGE),
    Param(
        "cursor",
        "Where the page starts, from a next or prev link (it takes the place of page).",
        max_length=100,
        pattern=CURSOR_PATTERN,
    ),
)
AUDIT_FILTERS = (
    Param("actor", "Only entries by this actor (without a login: reviewer, system or cli); blank: anyone."),
    Param("claim", "Only entries about this claim id; blank: any."),
    Param("action", "Only entries whose action contains this text; blank: any."),
    Param("status", "Only entries whose status after is this one.", choices=STATUSES),
    Param("since", "Only entries from this day (UTC), inclusive.", "date"),
    Param("until", "Only entries up to this day (UTC), inclusive.", "date"),
)
AUDIT_PARAMS = Params(
    *AUDIT_FILTERS, _PAGE, Param("per_page", "Entries per page.", "integer", default=100, maximum=MAX_AUDIT_PER_PAGE)
)
AUDIT_EXPORT_PARAMS = Params(*AUDIT_FILTERS)

_TEXT = {"type": "string", "maxLength": MAX_TEXT}
_SOURCE_FIELD = {"type": "string", "minLength": 1, "maxLength": 1000, "pattern": r"\S"}
DECISION_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["status", "version"],
    "additionalProperties": False,
    "properties": {
        "status": {"type": "string", "enum": list(STATUSES), "description": "The status decided on."},
        "version": {
            "type": "integer",
            "minimum": 0,
            "maximum": MAX_VERSION,
            "description": "The claim's version the decision was made on (409 if it has moved on).",
        },
        "note": {
            "type": ["string", "null"],
            "maxLength": MAX_NOTE,
            "description": "Why; required when the status changes.",
        },
        "reason": {**_TEXT, "type": ["string", "null"], "description": "A new reason (null: keep the current one)."},
        "correction": {**_TEXT, "type": ["string", "null"], "description": "A new correction (null: keep it)."},
        "sources": {
            "type": ["array", "null"],
            "maxItems": MAX_SOURCES,
            "description": "The sources (null: keep).",
            "items": {
                "type": "object",
                "required": ["publisher", "title", "url"],
                "properties": {
                    "publisher": _SOURCE_FIELD,
                    "title": _SOURCE_FIELD,
                    "url": {**_SOURCE_FIELD, "pattern": r"^\s*[hH][tT][tT][pP][sS]?://[^/?#\s]"},
                },
            },
        },
        "needs_second_review": {"type": ["boolean", "null"], "description": "Set or clear the flag (null: keep)."},
    },
}
_VALIDATOR = Draft202012Validator(DECISION_BODY)


def claim_query(
    args: MultiDict, strict: bool = False, threshold: int | None = None, trusted: tuple[str, ...] = ()
) -> ClaimQuery:
    """The queue these query arguments ask for (`strict` for the API: unknown parameters and blanks refused);
    `threshold` and `trusted` shape the default (priority) queue."""
    v = CLAIM_PARAMS.parse(args, strict)
    settings = {"trusted": trusted} if threshold is None else {"threshold": threshold, "trusted": trusted}
    return ClaimQuery(
        statuses=v["status"],
        rule=v["rule"] or "",
        doc_id=v["doc"] or "",
        topic=v["topic"] or "",
        state=v["state"],
        queue=v["queue"],
        page=v["page"],
        per_page=v["per_page"],
        cursor=Cursor.parse(v["cursor"]) if v["cursor"] else None,
        **settings,
    ).validate()


def audit_query(args: MultiDict, strict: bool = False, export: bool = False) -> AuditQuery:
    """The audit entries these query arguments ask for; `export`: the filters only, no paging."""
    v = (AUDIT_EXPORT_PARAMS if export else AUDIT_PARAMS).parse(args, strict)
    paging = {} if export else {"page": v["page"], "per_page": v["per_page"]}
    return AuditQuery(
        actor=v["actor"] or "",
        claim_id=v["claim"] or "",
        action=v["action"] or "",
        status=v["status"] or "",
        since=v["since"] or "",
        until=v["until"] or "",
        **paging,
    ).validate()


def read_json(raw: bytes) -> Any:
    """The JSON document in `raw`; InvalidRequestError (param "body") for anything else, however deeply nested."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser goes
        raise InvalidRequestError('send a JSON object: {"status": ..., "note": ..., "version": ...}', "body") from None


def json_decision(body: Any) -> Decision:
    """A decision posted as JSON, checked against DECISION_BODY (the schema the OpenAPI document shows)."""
    errors = sorted(_VALIDATOR.iter_errors(body), key=lambda e: (len(e.path), list(map(str, e.path))))
    if errors:
        error = errors[0]
        if not error.path and error.validator == "required":
            name = next(n for n in DECISION_BODY["required"] if n not in body)
            raise InvalidRequestError(f"{name} is required: {DECISION_BODY['properties'][name]['description']}", name)
        if not error.path and error.validator == "additionalProperties":
            extra = sorted(set(body) - set(DECISION_BODY["properties"]))[0][:40]
            raise InvalidRequestError(f"unknown field {extra!r}; use {', '.join(DECISION_BODY['properties'])}", extra)
        param = str(error.path[0]) if error.path else "body"
        raise InvalidRequestError(f"{param}: {error.message[:300]}", param)
    sources, version = body.get("sources"), body["version"]
    return Decision(
        status=body["status"],
        version=int(version),  # 3.0 is a JSON Schema integer too
        note=body.get("note") or "",
        reason=body.get("reason"),
        correction=body.get("correction"),
        sources=None if sources is None else tuple(sources),
        needs_second_review=body.get("needs_second_review"),
    )


def form_decision(form: MultiDict, claim: Claim) -> Decision:
    """A decision from one of the claim page's forms (`action` says which), on top of the claim as shown."""
    action = form.get("action", "")
    version = whole_number(form.get("version", ""), "version", 0, MAX_VERSION)
    keep = {"status": claim.status, "version": version, "note": form.get("note", "")}
    if action == "decide":
        return Decision(
            **{**keep, "status": form.get("status", "")}, needs_second_review=form.get("needs_second_review") == "1"
        )
    if action == "edit":
        return Decision(**keep, reason=form.get("reason", ""), correction=form.get("correction", ""))
    if action == "add_source":
        source = {k: form.get(f"source_{k}", "") for k in ("publisher", "title", "url")}
        return Decision(**keep, sources=(*claim.sources, source))
    if action == "remove_source":
        index = whole_number(form.get("source_index", ""), "source_index", 0, MAX_SOURCES)
        if not index < len(claim.sources):
            raise InvalidRequestError("that source is not on this claim (any more)", "source_index")
        return Decision(**keep, sources=claim.sources[:index] + claim.sources[index + 1 :])
    raise InvalidRequestError("unknown form action", "action")
