"""The reviewer domain runs without flask: in a fresh interpreter where importing flask (or werkzeug) fails, every
domain module imports, and a real sync, decision, queue, overlay and export run on a temporary SQLite store."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from .conftest import ICI_DOC, ICI_SENTENCE, ROOT

SCRIPT = textwrap.dedent(
    """
    import sys

    for name in ("flask", "werkzeug", "flask_compress"):
        sys.modules[name] = None  # any import of them raises ImportError

    index_dir, database, doc_id, sentence = sys.argv[1:]

    from indexer import Library
    from webapp.review import (
        accounts, audit, claims, counts, decisions, errors, exports, migrations, models, overlay, passwords,
        priority, queue, sessions, store, sync, throttle,
    )

    review_store = store.ReviewStore(f"sqlite:///{database}")
    review_store.migrate()
    library = Library(index_dir)
    summary = sync.sync_claims(review_store, library)
    assert summary is not None and summary.added > 0, summary
    alice = accounts.add_reviewer(review_store, "alice", "correct horse battery staple")
    claim_id = claims.fingerprint(doc_id, sentence)
    decided = decisions.decide(
        review_store, claim_id, alice, decisions.Decision(status="unsupported", version=0, note="Overstated.")
    )
    assert (decided.status, decided.version, decided.decided_by) == ("unsupported", 1, "alice"), decided
    try:
        decisions.decide(review_store, claim_id, alice, decisions.Decision(status="inaccurate", version=0, note="x"))
    except errors.ConflictError as e:
        assert e.current.version == 1
    else:
        raise AssertionError("a stale version was accepted")
    page = queue.find_claims(review_store, queue.ClaimQuery(state="decided").validate())
    assert [c.id for c in page.claims] == [claim_id], page.claims
    checked = library.document(doc_id)
    reviewed = overlay.review_document(review_store, checked)
    statuses = {c.text: c.status for p in reviewed.passages for c in p.checks}
    assert statuses[sentence] == "unsupported", statuses[sentence]
    assert claim_id in exports.claims_csv(review_store)
    entries = audit.find_entries(review_store, audit.AuditQuery(claim_id=claim_id).validate())
    mine = [(e.actor, e.status_before, e.status_after) for e in entries.entries if e.actor == "alice"]
    assert mine == [("alice", "inaccurate", "unsupported")], entries.entries
    assert not [m for m in sys.modules if m.split(".")[0] in ("flask", "werkzeug") and sys.modules[m]]
    library.close()
    review_store.dispose()
    print("ok", summary.added)
    """
)


def test_the_reviewer_domain_syncs_and_decides_without_flask(seed_index, tmp_path):
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(seed_index), str(tmp_path / "review.sqlite3"), ICI_DOC, ICI_SENTENCE],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.startswith("ok "), run.stdout


def test_blocking_flask_is_felt():
    """The same guard makes the web layer fail to import, so the test above would see a flask import."""
    code = "import sys; sys.modules['flask'] = None; import webapp.review.plugin"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode != 0 and "flask" in run.stderr
