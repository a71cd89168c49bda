"""Fact-checks for readers: `/claims/<id>`, one public page per claim a person reviewed, with its ClaimReview
JSON-LD embedded. A claim no person has decided (only the automatic check, or only `system`) is a 404 here.

The page needs no login; reviewer names follow `names_visible()` (readers see "reviewer"). Its JSON twin is the
claim in the review API. The JSON-LD sits in a `<script type="application/ld+json">` data block: browsers never run
it, so the page keeps the site's strict policy (no inline script, no hash or nonce), and `tojson` escapes `<`, `>`
and `&` so document text cannot close the block.
"""

from __future__ import annotations

from flask import Blueprint, current_app, url_for

from ..pages import render_page
from ..reading import passage_url
from ..urls import absolute, site_root
from .auth import names_visible
from .claims import Claim, get_claim
from .errors import NotFoundError
from .exports import NO_ORIGIN, ORIGIN_KEYS, Origin, Publisher, claim_review, claim_review_document, fact_checked
from .pages import passage_in_context
from .web import store, synced_library

bp = Blueprint("public_claims", __name__)


def provenance(doc_id: str) -> Origin:
    """What the library knows of the document's origin: from its summary when the library records provenance
    there, else from the document itself; none before the first build or when nothing is recorded."""
    library = synced_library()
    summary = library.document_summary(doc_id) if library is not None else None
    if summary is None:
        return NO_ORIGIN
    if any(key in summary for key in ORIGIN_KEYS):
        return Origin.read(summary)
    checked = library.document(doc_id)
    return Origin.read(checked.document) if checked is not None else NO_ORIGIN


def publisher() -> Publisher:
    """The organisation publishing the reviews, with absolute URLs of claim pages and passages (see urls.py)."""
    config = current_app.config
    known: dict[str, Origin] = {}

    def origin(claim: Claim) -> Origin:
        if claim.doc_id not in known:
            known[claim.doc_id] = provenance(claim.doc_id)
        return known[claim.doc_id]

    return Publisher(
        name=config["ORGANISATION_NAME"] or config.get("SITE_NAME") or "Sourcecheck",
        url=config["ORGANISATION_URL"] or (site_root() or "") + "/",
        claim_url=lambda c: absolute(url_for("public_claims.claim", claim_id=c.id)),
        passage_url=lambda c: absolute(passage_url(c.doc_id, c.position)),
        provenance=origin,
    )


@bp.get("/claims/<claim_id>")
def claim(claim_id: str):
    """A reviewed claim for readers: the sentence, the verdict in words, the note, sources, date, the passage."""
    synced_library()
    found = get_claim(store(), claim_id, with_history=False, reveal_names=names_visible())
    if not fact_checked(found):
        raise NotFoundError(f"no claim with id {claim_id!r} has been reviewed by a person")
    source = publisher()
    review = claim_review(found, source)
    context = passage_in_context(found)
    return render_page(
        "review/public_claim.html",
        url_for("review_api.claim", claim_id=claim_id),
        claim=found,
        context=context,
        passage_link=passage_url(found.doc_id, found.position),
        origin=source.provenance(found),
        json_ld=claim_review_document([review]),
    )
