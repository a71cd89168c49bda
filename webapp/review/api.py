"""The review API under /api/v1: claims (the queue), one claim with its history, decisions, the audit log and
exports. Reading needs nothing; a decision needs an API token (401 without one, 409 on a version conflict).

    GET  /api/v1/claims                      ?status=&rule=&doc=&topic=&state=&page=&per_page=
    GET  /api/v1/claims/<id>                 the claim with "history"
    POST /api/v1/claims/<id>/decisions       {"status", "note", "version"} (+ reason, correction, sources,
                                             needs_second_review); 201 with the claim; 409 with "current"
    GET  /api/v1/audit                       ?actor=&claim=&action=&status=&since=&until=&page=&per_page=
    GET  /api/v1/export/claims.csv | claims.json | claimreview.jsonld | audit.csv
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request, url_for

from .adapter import audit_query, claim_query, json_decision
from .audit import audit_csv, find_entries
from .auth import names_visible, token_reviewer
from .claims import find_claims, get_claim
from .decisions import decide
from .exports import Publisher, claim_reviews, claims_csv, claims_json, dumps
from .web import document_url, store, synced_library

bp = Blueprint("review_api", __name__, url_prefix="/api/v1")


def _ok(data, html: str | None = None, status: int = 200) -> Response:
    """The web app's one success envelope; `html` is the review page with the same data."""
    from ..api import ok

    response = ok(data, html)
    response.status_code = status
    return response


def _download(body: str, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/claims")
def claims():
    synced_library()
    page = find_claims(store(), claim_query(request.args), reveal_names=names_visible())
    return _ok(page.as_dict(), url_for("review.queue", **request.args.to_dict(flat=False)))


@bp.get("/claims/<claim_id>")
def claim(claim_id: str):
    synced_library()
    found = get_claim(store(), claim_id, reveal_names=names_visible())
    return _ok(found.as_dict(), url_for("review.claim", claim_id=claim_id))


@bp.post("/claims/<claim_id>/decisions")
def decisions(claim_id: str):
    reviewer = token_reviewer()
    decision = json_decision(request.get_json(silent=True))
    synced_library()
    claim = decide(store(), claim_id, reviewer, decision)  # ConflictError: 409 with the claim as it is now
    return _ok(claim.as_dict(), url_for("review.claim", claim_id=claim_id), 201)


@bp.get("/audit")
def audit():
    page = find_entries(store(), audit_query(request.args), reveal_names=names_visible())
    return _ok(page.as_dict(), url_for("review.audit", **request.args.to_dict(flat=False)))


@bp.get("/export/claims.csv")
def claims_csv_export():
    synced_library()
    return _download(claims_csv(store(), reveal_names=names_visible()), "text/csv", "sourcecheck-claims.csv")


@bp.get("/export/claims.json")
def claims_json_export():
    synced_library()
    body = dumps(claims_json(store(), reveal_names=names_visible()))
    return _download(body, "application/json", "sourcecheck-claims.json")


@bp.get("/export/claimreview.jsonld")
def claimreview_export():
    synced_library()
    return _download(dumps(claim_reviews(store(), publisher())), "application/ld+json",
                     "sourcecheck-claimreview.jsonld")


@bp.get("/export/audit.csv")
def audit_export():
    """Every audit entry matching the same filters as GET /audit (all of them by default), oldest first."""
    body = audit_csv(store(), audit_query(request.args), reveal_names=names_visible())
    return _download(body, "text/csv", "sourcecheck-audit.csv")


def publisher() -> Publisher:
    config = current_app.config
    return Publisher(
        name=config["ORGANISATION_NAME"] or config.get("SITE_NAME") or "Sourcecheck",
        url=config["ORGANISATION_URL"] or request.url_root,
        claim_url=lambda c: url_for("review.claim", claim_id=c.id, _external=True),
        passage_url=lambda c: document_url(c, external=True),
    )
