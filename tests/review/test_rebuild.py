"""Rebuilds: decisions survive them, follow a sentence that moves, and a changed automatic verdict reopens the claim."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from indexer import Library, SearchRequest, build_index, load_knowledge_base
from webapp.review import models
from webapp.review.audit import AuditQuery, find_entries
from webapp.review.claims import get_claim
from webapp.review.decisions import Decision, decide
from webapp.review.errors import ConflictError
from webapp.review.overlay import review_page
from webapp.review.queue import ClaimQuery, find_claims
from webapp.review.sync import sync_claims

from .conftest import ICI_DOC, ICI_SENTENCE, SEEDS
from .helpers import soften_ici_called_iui

KNOWLEDGE = Path(__file__).resolve().parents[2] / "indexer" / "knowledge" / "data"


def _rebuild(library: Library, paths, kb=None) -> None:
    before = library.build
    build_index(paths, library.root, kb)
    library.refresh()
    assert library.build != before


def _ici_hit(library, store):
    page = review_page(store, library.search(SearchRequest("intrauterine insemination", per_page=50)))
    hit = next(h for h in page.hits if any(s.text == ICI_SENTENCE for s in h.sentences))
    return hit, next(s for s in hit.sentences if s.text == ICI_SENTENCE)


def test_a_decision_survives_a_rebuild(synced, library, alice, ici_id):
    decide(synced, ici_id, alice, Decision("unsupported", 0, note="Reviewed: overstated, not false."))
    _rebuild(library, [SEEDS])
    summary = sync_claims(synced, library)
    assert summary is not None and summary.build == library.build.name and summary.changed == []
    claim = get_claim(synced, ici_id)
    assert (claim.status, claim.state, claim.version, claim.decided_by) == ("unsupported", "decided", 1, "alice")
    hit, sentence = _ici_hit(library, synced)
    assert sentence.status == "unsupported" and sentence.review.by == "alice"
    assert sentence.review.date == synced.now().date().isoformat()


def test_a_changed_automatic_status_reopens_the_claim(synced, library, alice, bob, ici_id, tmp_path):
    decide(synced, ici_id, alice, Decision("inaccurate", 0, note="confirmed"))
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    soften_ici_called_iui(knowledge)
    _rebuild(library, [SEEDS], load_knowledge_base(knowledge))

    summary = sync_claims(synced, library)
    assert ici_id in summary.changed
    claim = get_claim(synced, ici_id)
    assert (claim.auto_status, claim.status, claim.state) == ("unsupported", "inaccurate", "changed")
    assert claim.version == 2  # the rebuild bumped it: a form opened before the rebuild is stale
    assert ici_id in {c.id for c in find_claims(synced, ClaimQuery(state="changed")).claims}
    assert ici_id in {c.id for c in find_claims(synced, ClaimQuery(state="open", per_page=200)).claims}
    system = find_entries(synced, AuditQuery(claim_id=ici_id, actor="system")).entries
    assert [(e.action, e.status_before, e.status_after) for e in system] == [
        ("automatic_status_changed", "inaccurate", "unsupported")
    ]

    with pytest.raises(ConflictError):
        decide(synced, ici_id, bob, Decision("inaccurate", 1, note="based on the old verdict"))
    claim = decide(synced, ici_id, bob, Decision("inaccurate", 2, note="still inaccurate: ICI is not IUI"))
    assert claim.state == "decided" and claim.decision_auto_status == "unsupported"
    assert sync_claims(synced, library) is None


def test_a_decision_follows_its_sentence_to_another_passage(store, alice, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    original = (SEEDS / f"{ICI_DOC}.txt").read_text()
    (corpus / f"{ICI_DOC}.txt").write_text(original)
    library_dir = tmp_path / "ix"
    build_index([corpus], library_dir)
    library = Library(library_dir)
    sync_claims(store, library)
    from webapp.review.claims import fingerprint

    claim_id = fingerprint(ICI_DOC, ICI_SENTENCE)
    before = get_claim(store, claim_id)
    decide(store, claim_id, alice, Decision("supported", 0, note="test: moved sentence keeps this"))

    lines = original.splitlines()
    extra = ["**A New Section**", "Some added words about the weather today and nothing medical at all."] * 3
    (corpus / f"{ICI_DOC}.txt").write_text("\n".join([lines[0], *extra, *lines[1:]]) + "\n")
    _rebuild(library, [corpus])
    sync_claims(store, library)
    after = get_claim(store, claim_id)
    assert after.position > before.position and after.start > before.start
    assert (after.status, after.state, after.decided_by) == ("supported", "decided", "alice")


def test_a_removed_document_leaves_the_queue_but_keeps_its_history(store, alice, tmp_path, ici_id):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    build_index([corpus], tmp_path / "ix")
    library = Library(tmp_path / "ix")
    sync_claims(store, library)
    decide(store, ici_id, alice, Decision("inaccurate", 0))
    (corpus / f"{ICI_DOC}.txt").unlink()
    _rebuild(library, [corpus])
    summary = sync_claims(store, library)
    assert summary.gone > 0
    claim = get_claim(store, ici_id)
    assert not claim.present and len(claim.history) == 1
    assert ici_id not in {c.id for c in find_claims(store, ClaimQuery(queue="all", state="all", per_page=200)).claims}


def test_every_claim_records_the_build_it_was_last_seen_in(store, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    build_index([corpus], tmp_path / "ix")
    library = Library(tmp_path / "ix")
    first = sync_claims(store, library)
    assert first.added > 0 and first.updated == 0 and first.gone == 0
    assert sync_claims(store, library) is None  # this build is synced already
    (corpus / f"{ICI_DOC}.txt").unlink()
    _rebuild(library, [corpus])
    second = sync_claims(store, library)
    claims = find_claims(store, ClaimQuery(queue="all", state="all", per_page=200)).claims
    assert second.added == 0 and second.gone > 0 and claims
    with store.read() as conn:
        rows = conn.execute(sa.select(models.claims.c.present, models.claims.c.build, models.claims.c.doc_id)).all()
    assert len(rows) == first.added
    assert {r.build for r in rows} == {library.build.name}  # unchanged claims, bulk-updated, included
    assert {r.doc_id for r in rows if not r.present} == {ICI_DOC}
    assert sum(not r.present for r in rows) == second.gone
