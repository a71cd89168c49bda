"""Decisions: confirm, change with a note, edit texts and sources, second review, conflicts, the audit trail."""

from __future__ import annotations

import threading

import pytest

from webapp.review.audit import AuditQuery, find_entries
from webapp.review.claims import get_claim
from webapp.review.decisions import Decision, decide
from webapp.review.errors import ConflictError, InvalidRequestError, NotFoundError
from webapp.review.queue import ClaimQuery, find_claims

NICE = {
    "publisher": "NHS",
    "title": "Artificial insemination",
    "url": "https://www.nhs.uk/conditions/artificial-insemination/",
}


def test_confirm_keeps_the_status_and_needs_no_note(synced, alice, ici_id):
    claim = decide(synced, ici_id, alice, Decision("inaccurate", 0))
    assert (claim.status, claim.state, claim.version, claim.decided_by) == ("inaccurate", "decided", 1, "alice")
    assert claim.decision.action == "confirm" and claim.decision.note == ""
    assert claim.history[-1].status_before == claim.history[-1].status_after == "inaccurate"


def test_changing_the_status_needs_a_note(synced, alice, ici_id):
    with pytest.raises(InvalidRequestError) as info:
        decide(synced, ici_id, alice, Decision("supported", 0, note="   "))
    assert info.value.param == "note"
    assert get_claim(synced, ici_id).version == 0  # nothing written
    claim = decide(synced, ici_id, alice, Decision("unsupported", 0, note="Partly right; no source says it."))
    assert (claim.status, claim.auto_status, claim.version) == ("unsupported", "inaccurate", 1)
    d = claim.decision
    assert (d.actor, d.status_before, d.status_after, d.note) == (
        "alice",
        "inaccurate",
        "unsupported",
        "Partly right; no source says it.",
    )


@pytest.mark.parametrize("status", ["inaccurate", "unsupported", "unverified", "supported", "no_claim"])
def test_any_status_can_be_chosen(synced, alice, ici_id, status):
    assert decide(synced, ici_id, alice, Decision(status, 0, note="reviewed")).status == status


def test_edit_reason_correction_and_sources(synced, alice, ici_id):
    before = get_claim(synced, ici_id)
    claim = decide(synced, ici_id, alice, Decision("inaccurate", 0, reason="Clearer reason.", correction="Fixed."))
    assert (claim.reason, claim.correction) == ("Clearer reason.", "Fixed.")
    assert claim.auto_reason == before.reason  # the automatic text is kept alongside
    assert claim.decision.details["reason"] == {"before": before.reason, "after": "Clearer reason."}
    claim = decide(synced, ici_id, alice, Decision("inaccurate", 1, sources=(*claim.sources, NICE)))
    assert claim.sources[-1] == NICE and len(claim.sources) == len(before.sources) + 1
    assert "edit_sources" in claim.decision.action
    claim = decide(synced, ici_id, alice, Decision("inaccurate", 2, sources=claim.sources[1:]))
    assert list(claim.sources) == [*before.sources[1:], NICE]
    claim = decide(synced, ici_id, alice, Decision("inaccurate", 3, reason=before.reason))
    assert claim.reason_override is None and claim.reason == before.reason  # back to the automatic text
    assert len(claim.history) == 4 and [e.details["version"] for e in claim.history] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ({"publisher": "X", "title": "Y", "url": "javascript:alert(1)"}, "http"),
        ({"publisher": "X", "title": "", "url": "https://x.org"}, "title"),
        ({"publisher": "X", "title": "Y"}, "url"),
        ({"publisher": "X", "title": "Y", "url": "https://x.org]["}, "cannot be read"),  # urlsplit: ValueError
        ("https://x.org", "object"),
    ],
)
def test_bad_sources_are_refused(synced, alice, ici_id, source, message):
    with pytest.raises(InvalidRequestError, match=message) as info:
        decide(synced, ici_id, alice, Decision("inaccurate", 0, sources=(source,)))
    assert info.value.param == "sources"


@pytest.mark.parametrize(
    ("decision", "param"),
    [
        (Decision("maybe", 0), "status"),
        (Decision("inaccurate", -1), "version"),
        (Decision("inaccurate", "0"), "version"),
        (Decision("inaccurate", 0, note="x" * 5001), "note"),
    ],
)
def test_bad_decisions_name_the_parameter(synced, alice, ici_id, decision, param):
    with pytest.raises(InvalidRequestError) as info:
        decide(synced, ici_id, alice, decision)
    assert info.value.param == param


def test_unknown_claim(synced, alice):
    with pytest.raises(NotFoundError):
        decide(synced, "f" * 32, alice, Decision("inaccurate", 0))


def test_second_review_flag_and_queue_states(synced, alice, bob, ici_id):
    decide(synced, ici_id, alice, Decision("inaccurate", 0, needs_second_review=True))
    assert [c.id for c in find_claims(synced, ClaimQuery(state="second_review")).claims] == [ici_id]
    assert ici_id in {c.id for c in find_claims(synced, ClaimQuery(state="open", per_page=200)).claims}
    claim = decide(synced, ici_id, bob, Decision("inaccurate", 1, needs_second_review=False))
    assert not claim.needs_second_review and claim.decision.action == "confirm,clear_second_review"
    assert ici_id not in {c.id for c in find_claims(synced, ClaimQuery(state="open", per_page=200)).claims}
    assert [c.id for c in find_claims(synced, ClaimQuery(state="decided")).claims] == [ici_id]


def test_a_stale_version_is_a_conflict_that_overwrites_nothing(synced, alice, bob, ici_id):
    decide(synced, ici_id, alice, Decision("unsupported", 0, note="alice first"))
    with pytest.raises(ConflictError) as info:
        decide(synced, ici_id, bob, Decision("supported", 0, note="bob, on the old version"))
    current = info.value.current
    assert (current.status, current.version, current.decision.actor, current.decision.note) == (
        "unsupported",
        1,
        "alice",
        "alice first",
    )
    assert "alice" in str(info.value)
    retried = decide(synced, ici_id, bob, Decision("supported", current.version, note="bob, after reading alice"))
    assert retried.version == 2 and [e.actor for e in retried.history] == ["alice", "bob"]


def test_simultaneous_decisions_one_wins_one_conflicts(synced, alice, bob):
    """Two reviewers decide on the same claim at the same moment, on eight claims in a row (so the race between
    reading the version and writing the decision really happens): each time exactly one wins."""
    targets = [c.id for c in find_claims(synced, ClaimQuery(per_page=8)).claims]
    for claim_id in targets:
        barrier = threading.Barrier(2)
        results: dict[str, object] = {}

        def run(reviewer, status, claim_id=claim_id, barrier=barrier, results=results):
            barrier.wait()
            try:
                results[reviewer.name] = decide(synced, claim_id, reviewer, Decision(status, 0, note=reviewer.name))
            except ConflictError as conflict:
                results[reviewer.name] = conflict

        threads = [threading.Thread(target=run, args=args) for args in ((alice, "supported"), (bob, "no_claim"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        winners = [name for name, r in results.items() if not isinstance(r, ConflictError)]
        losers = [r for r in results.values() if isinstance(r, ConflictError)]
        assert len(winners) == 1 and len(losers) == 1, results
        final = get_claim(synced, claim_id)
        assert final.version == 1 and [e.actor for e in final.history] == winners
        assert losers[0].current.decision.actor == winners[0]  # the loser is shown the winner's decision


def test_every_decision_is_in_the_audit_log(synced, alice, bob, ici_id):
    decide(synced, ici_id, alice, Decision("unsupported", 0, note="one"))
    decide(synced, ici_id, bob, Decision("inaccurate", 1, note="two"))
    page = find_entries(synced, AuditQuery(claim_id=ici_id))
    assert [(e.actor, e.status_before, e.status_after, e.note) for e in page.entries] == [
        ("bob", "unsupported", "inaccurate", "two"),
        ("alice", "inaccurate", "unsupported", "one"),
    ]
    assert find_entries(synced, AuditQuery(actor="alice", claim_id=ici_id)).total == 1
    assert find_entries(synced, AuditQuery(status="inaccurate", claim_id=ici_id)).total == 1
    assert find_entries(synced, AuditQuery(action="change_status")).total == 2
    today = synced.now().date().isoformat()
    assert find_entries(synced, AuditQuery(since=today, until=today, claim_id=ici_id)).total == 2
    assert find_entries(synced, AuditQuery(until="2000-01-01")).total == 0
    with pytest.raises(InvalidRequestError) as info:
        find_entries(synced, AuditQuery(since="yesterday"))
    assert info.value.param == "since"
