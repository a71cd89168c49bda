"""The review API under /api/v1: claims (the queue), one claim with its history, decisions, the audit log and
exports. Reading needs nothing; a decision needs an API token (401 without one, 409 on a version conflict).

    GET  /api/v1/claims                      ?status=&rule=&doc=&topic=&state=&queue=&page=&per_page=&cursor=
    GET  /api/v1/claims/<id>                 the claim with "history"
    POST /api/v1/claims/<id>/decisions       {"status", "note", "version"} (+ reason, correction, sources,
                                             needs_second_review); 201 with the claim; 409 with "current"
    GET  /api/v1/audit                       ?actor=&claim=&action=&status=&since=&until=&page=&per_page=
    GET  /api/v1/export/claims.csv | claims.json | claimreview.jsonld | audit.csv
"""

from __future__ import annotations

from flask import Blueprint, Response, g, request, url_for

from ..api import ok, paging
from ..openapi import operation
from ..schemas import array, obj, ref
from ..urls import absolute
from .adapter import AUDIT_EXPORT_PARAMS, AUDIT_PARAMS, CLAIM_PARAMS, audit_query, claim_query, json_decision, read_json
from .audit import audit_csv, find_entries
from .auth import names_visible, token_reviewer
from .claims import get_claim
from .decisions import decide
from .exports import claim_reviews, claims_csv, claims_json, dumps
from .public import publisher
from .queue import find_claims
from .web import queue_links, queue_settings, store, synced_library

bp = Blueprint("review_api", __name__, url_prefix="/api/v1")
STORE = (503,)  # the reviewer database cannot be reached
ATTACHMENT = {"Content-Disposition": "attachment; filename=..."}


def _download(body: str, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _filters(args) -> dict[str, list[str]]:
    """The query string's values but for the page number and blanks (for links to other pages)."""
    return {k: [v for v in args.getlist(k) if v] for k in args if k != "page"}


def _pages(endpoint: str, found, filters: dict) -> dict[str, str | None]:
    """next and prev of a page of claims or audit entries, with the same filters."""
    return paging(found.query.page, found.pages, lambda n: url_for(endpoint, **filters, page=n if n > 1 else None))


@bp.get("/claims")
@operation(
    "The review queue: claims highest priority first, with counts", ref("ClaimPage"), params=CLAIM_PARAMS, errors=STORE
)
def claims():
    synced_library()
    query = claim_query(request.args, strict=True, **queue_settings())
    page = find_claims(store(), query, reveal_names=names_visible())
    filters = _filters(request.args)
    return ok(
        page.as_dict(),
        url_for("review.queue", **filters, page=request.args.get("page")),
        **queue_links("review_api.claims", page, filters, numbered=query.cursor is None),
    )


@bp.get("/claims/<claim_id>")
@operation("One claim, with its history", ref("Claim"), errors=(404, *STORE))
def claim(claim_id: str):
    synced_library()
    found = get_claim(store(), claim_id, reveal_names=names_visible())
    return ok(found.as_dict(), url_for("review.claim", claim_id=claim_id))


@bp.post("/claims/<claim_id>/decisions")
@operation(
    "Record a decision on a claim (a reviewer's API token)",
    ref("Claim"),
    body=ref("DecisionBody"),
    bearer=True,
    status=201,
    errors=(401, 404, 409, 413, *STORE),
    authenticate=token_reviewer,
    headers={"Location": "The claim's page."},
)
def decisions(claim_id: str):
    decision = json_decision(read_json(request.get_data()))
    synced_library()
    claim = decide(store(), claim_id, g.api_caller, decision)  # ConflictError: 409 with the claim as it is now
    response = ok(claim.as_dict(), url_for("review.claim", claim_id=claim_id), 201)
    response.headers["Location"] = absolute(url_for("review.claim", claim_id=claim_id))
    return response


@bp.get("/audit")
@operation("The audit log, newest first", ref("AuditPage"), params=AUDIT_PARAMS, errors=STORE)
def audit():
    page = find_entries(store(), audit_query(request.args, strict=True), reveal_names=names_visible())
    filters = _filters(request.args)
    return ok(
        page.as_dict(),
        url_for("review.audit", **filters, page=request.args.get("page")),
        **_pages("review_api.audit", page, filters),
    )


@bp.get("/export/claims.csv")
@operation(
    "Every claim as CSV; reviewed_by_person is 1 for a reviewer's decision, 0 for the automatic check alone",
    errors=STORE,
    content={"text/csv": {"type": "string"}},
    headers=ATTACHMENT,
)
def claims_csv_export():
    synced_library()
    return _download(claims_csv(store(), reveal_names=names_visible()), "text/csv", "sourcecheck-claims.csv")


@bp.get("/export/claims.json")
@operation(
    "Every claim as JSON (not enveloped); reviewed_by_person is false for the automatic check alone",
    errors=STORE,
    content={"application/json": array({"allOf": [ref("Claim"), obj(reviewed_by_person={"type": "boolean"})]})},
    headers=ATTACHMENT,
)
def claims_json_export():
    synced_library()
    body = dumps(claims_json(store(), reveal_names=names_visible()))
    return _download(body, "application/json", "sourcecheck-claims.json")


@bp.get("/export/claimreview.jsonld")
@operation(
    "schema.org ClaimReviews, one per claim a person reviewed (never an automatic verdict); url: its public page",
    errors=STORE,
    content={"application/ld+json": ref("ClaimReviews")},
    headers=ATTACHMENT,
)
def claimreview_export():
    synced_library()
    return _download(
        dumps(claim_reviews(store(), publisher())), "application/ld+json", "sourcecheck-claimreview.jsonld"
    )


@bp.get("/export/audit.csv")
@operation(
    "The audit log as CSV, oldest first (the filters of /audit)",
    params=AUDIT_EXPORT_PARAMS,
    errors=STORE,
    content={"text/csv": {"type": "string"}},
    headers=ATTACHMENT,
)
def audit_export():
    """Every audit entry matching the same filters as GET /audit (all of them by default), oldest first."""
    query = audit_query(request.args, strict=True, export=True)
    body = audit_csv(store(), query, reveal_names=names_visible())
    return _download(body, "text/csv", "sourcecheck-audit.csv")
