"""Request parameters into the store's request objects, so the store never sees `request`.

Query strings become ClaimQuery and AuditQuery; a JSON body or a review form becomes a Decision. A bad value
raises InvalidRequestError naming the parameter.
"""

from __future__ import annotations

from collections.abc import Mapping

from werkzeug.datastructures import MultiDict

from .audit import AuditQuery
from .claims import Claim, ClaimQuery
from .decisions import Decision
from .errors import InvalidRequestError

CLAIM_PARAMS = ("status", "rule", "doc", "topic", "state", "page", "per_page")
AUDIT_PARAMS = ("actor", "claim", "action", "status", "since", "until", "page", "per_page")


def _int(args: Mapping, name: str, default: int) -> int:
    raw = args.get(name, "")
    if raw in ("", None):
        return default
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise InvalidRequestError(f"{name} must be a whole number", name) from None


def claim_query(args: MultiDict, per_page: int = 50) -> ClaimQuery:
    statuses = tuple(s for value in args.getlist("status") for s in value.split(",") if s)
    return ClaimQuery(
        statuses=statuses, rule=args.get("rule", ""), doc_id=args.get("doc", ""), topic=args.get("topic", ""),
        state=args.get("state", "") or "open", page=_int(args, "page", 1), per_page=_int(args, "per_page", per_page),
    ).validate()


def audit_query(args: MultiDict) -> AuditQuery:
    return AuditQuery(
        actor=args.get("actor", ""), claim_id=args.get("claim", ""), action=args.get("action", ""),
        status=args.get("status", ""), since=args.get("since", ""), until=args.get("until", ""),
        page=_int(args, "page", 1), per_page=_int(args, "per_page", 100),
    ).validate()


def json_decision(body) -> Decision:
    """A decision posted as JSON: {"status", "note", "version"} plus optional reason, correction, sources and
    needs_second_review."""
    if not isinstance(body, dict):
        raise InvalidRequestError('send a JSON object: {"status": ..., "note": ..., "version": ...}', "body")
    if "version" not in body:
        raise InvalidRequestError("version is required: the claim's version you decided on", "version")
    if not isinstance(body.get("status"), str):
        raise InvalidRequestError("status is required", "status")
    for name in ("note", "reason", "correction"):
        if body.get(name) is not None and not isinstance(body[name], str):
            raise InvalidRequestError(f"{name} must be text", name)
    sources = body.get("sources")
    if sources is not None and not isinstance(sources, list):
        raise InvalidRequestError("sources must be a list of {publisher, title, url}", "sources")
    second = body.get("needs_second_review")
    if second is not None and not isinstance(second, bool):
        raise InvalidRequestError("needs_second_review must be true or false", "needs_second_review")
    return Decision(
        status=body["status"], version=body["version"], note=body.get("note") or "", reason=body.get("reason"),
        correction=body.get("correction"), sources=None if sources is None else tuple(sources),
        needs_second_review=second,
    )


def form_decision(form: MultiDict, claim: Claim) -> Decision:
    """A decision from one of the claim page's forms (`action` says which), on top of the claim as shown."""
    action = form.get("action", "")
    version = _int(form, "version", -1)
    keep = {"status": claim.status, "version": version, "note": form.get("note", "")}
    if action == "decide":
        return Decision(**{**keep, "status": form.get("status", "")},
                        needs_second_review=form.get("needs_second_review") == "1")
    if action == "edit":
        return Decision(**keep, reason=form.get("reason", ""), correction=form.get("correction", ""))
    if action == "add_source":
        source = {k: form.get(f"source_{k}", "") for k in ("publisher", "title", "url")}
        return Decision(**keep, sources=(*claim.sources, source))
    if action == "remove_source":
        index = _int(form, "source_index", -1)
        if not 0 <= index < len(claim.sources):
            raise InvalidRequestError("that source is not on this claim (any more)", "source_index")
        return Decision(**keep, sources=claim.sources[:index] + claim.sources[index + 1 :])
    raise InvalidRequestError("unknown form action", "action")
