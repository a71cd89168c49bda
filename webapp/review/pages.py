"""The reviewers' pages: the queue (/review), a claim with its history and decision forms, and the audit log.

Reading them needs no account; every form post needs a logged-in reviewer and a CSRF token. Each page has a JSON
twin under /api/v1 built from the same store function.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from indexer import STATUSES, QueryError

from ..params import Params
from .adapter import AUDIT_EXPORT_PARAMS, AUDIT_PARAMS, CLAIM_PARAMS, audit_query, claim_query, form_decision
from .audit import find_entries
from .auth import names_visible, require_reviewer
from .claims import get_claim
from .decisions import decide
from .errors import ConflictError, InvalidRequestError
from .queue import STATES, facets, find_claims
from .web import queue_links, queue_settings, store, synced_library

bp = Blueprint("review", __name__, url_prefix="/review", static_folder="static")


def _known(params: Params, *leave_out: str) -> dict[str, list[str]]:
    """The query string's declared, non-blank values (for links to other pages and the JSON twin)."""
    return {
        k: values
        for k in params.names
        if k not in leave_out and (values := [v for v in request.args.getlist(k) if v.strip()])
    }


@bp.get("")
def queue():
    """Claims to review, most severe and most repeated first, with filters and counts."""
    synced_library()
    page = find_claims(store(), claim_query(request.args, **queue_settings()), reveal_names=names_visible())
    args = _known(CLAIM_PARAMS, "page", "cursor")
    twin = url_for("review_api.claims", **_known(CLAIM_PARAMS))
    return render_template(
        "review/queue.html",
        page=page,
        links=queue_links("review.queue", page, args),
        facets=facets(store(), documents=False),  # a document is typed: a menu of thousands helps nobody
        statuses=STATUSES,
        states=STATES,
        twin=twin,
    )


def _passage(claim):
    library = synced_library()
    return library.passage(claim.passage_id) if library is not None else None


def passage_in_context(claim) -> dict | None:
    """The claim's passage (heading and text around the sentence), or None before the first build."""
    passage = _passage(claim)
    context = _context(claim, passage)
    return context and {**context, "heading": passage.heading}


def _context(claim, passage) -> dict | None:
    """The passage split around the claim's sentence, so the page can mark the sentence in place."""
    if passage is None:
        return None
    a, b = claim.start - passage.start, claim.end - passage.start
    if not (0 <= a <= b <= len(passage.text)) or passage.text[a:b] != claim.sentence:
        return {"before": "", "sentence": passage.text, "after": ""}  # the build moved it: show the passage
    return {"before": passage.text[:a], "sentence": passage.text[a:b], "after": passage.text[b:]}


def _claim_page(claim_id: str, status: int = 200, message: str = "", conflict=None, form=None):
    claim = conflict.current if conflict else get_claim(store(), claim_id, reveal_names=names_visible())
    passage = _passage(claim)
    return render_template(
        "review/claim.html",
        claim=claim,
        passage=passage,
        context=_context(claim, passage),
        statuses=STATUSES,
        message=message,
        conflict=conflict,
        form=form or {},
        twin=url_for("review_api.claim", claim_id=claim.id),
    ), status


@bp.get("/claims/<claim_id>")
def claim(claim_id: str):
    """One claim: the sentence in its passage and document, automatic verdict, decision, sources, history."""
    synced_library()
    return _claim_page(claim_id)


@bp.post("/claims/<claim_id>")
def decide_claim(claim_id: str):
    """Record one decision form; a conflict or a bad value shows the page again with the reason."""
    reviewer = require_reviewer()
    synced_library()
    claim = get_claim(store(), claim_id, with_history=False)
    try:
        decide(store(), claim_id, reviewer, form_decision(request.form, claim))
    except ConflictError as e:
        return _claim_page(claim_id, 409, str(e), conflict=e, form=request.form)
    except (InvalidRequestError, QueryError) as e:
        return _claim_page(claim_id, 400, str(e), form=request.form)
    return redirect(url_for("review.claim", claim_id=claim_id, saved=1), 303)


@bp.get("/audit")
def audit():
    """The audit log, newest first, with filters; exportable as CSV."""
    page = find_entries(store(), audit_query(request.args), reveal_names=names_visible())
    return render_template(
        "review/audit.html",
        page=page,
        args=_known(AUDIT_PARAMS, "page"),
        statuses=STATUSES,
        twin=url_for("review_api.audit", **_known(AUDIT_PARAMS)),
        export=url_for("review_api.audit_export", **_known(AUDIT_EXPORT_PARAMS)),
    )
