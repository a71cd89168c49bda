"""Concurrency: eight reviewers deciding at once, on SQLite and on PostgreSQL, lose no decision.

Each reviewer makes 250 decisions on a small shared set of claims, so they keep colliding. A decision names the
claim version it was made on; when someone else got there first the store refuses it with a ConflictError carrying
the claim as it is now, and the reviewer decides again on that version (what the review page and the API tell a
person to do). Every tenth decision starts in lock step: all eight read the same claim, wait for each other, and
submit together, so at least seven of them must be refused each time. Afterwards the audit log holds exactly the
accepted decisions: each one once, with its note, in an unbroken run of versions per claim.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from indexer import STATUSES
from webapp.review.accounts import add_reviewer, issue_token
from webapp.review.claims import get_claim
from webapp.review.decisions import Decision, decide
from webapp.review.errors import ConflictError
from webapp.review.models import audit_log, claims
from webapp.review.queue import ClaimQuery, find_claims

from .figures import record

REVIEWERS = 8
DECISIONS = 250  # each
CLAIMS = 40  # the shared set they all work on
LOCK_STEP_EVERY = 10
MAX_RETRIES = 200  # a reviewer refused this often in a row means something is stuck, not busy


def _shared_claims(store) -> list[str]:
    page = find_claims(store, ClaimQuery(state="all", per_page=200))
    ids = sorted(c.id for c in page.claims)
    assert len(ids) >= CLAIMS, "the seed index has too few claims for the concurrency test"
    return ids[:CLAIMS]


class Outcome:
    """What one reviewer saw: the decisions accepted (note -> audit entry id) and the conflicts reported."""

    def __init__(self) -> None:
        self.accepted: dict[str, int] = {}
        self.conflicts = 0


def _decide_until_accepted(store, claim_id, reviewer, status, note, version, outcome: Outcome) -> None:
    for _ in range(MAX_RETRIES):
        try:
            claim = decide(store, claim_id, reviewer, Decision(status, version, note=note))
        except ConflictError as e:
            assert e.current.version > version, "a conflict must report a newer version"
            assert "nothing was saved" in str(e)
            outcome.conflicts += 1
            version = e.current.version
            continue
        assert claim.decision.note == note and claim.decision.actor == reviewer.name
        outcome.accepted[note] = claim.decision.id
        return
    pytest.fail(f"{reviewer.name} was refused {MAX_RETRIES} times in a row on {claim_id}")


def _reviewer_run(store, reviewer, ids, barrier: threading.Barrier, seed: int) -> Outcome:
    rng = random.Random(seed)
    outcome = Outcome()
    for n in range(DECISIONS):
        lock_step = n % LOCK_STEP_EVERY == 0
        claim_id = ids[(n // LOCK_STEP_EVERY) % len(ids)] if lock_step else rng.choice(ids)
        version = get_claim(store, claim_id, with_history=False).version
        if lock_step:
            barrier.wait(timeout=60)  # everyone holds the same version now: only one can win
        note = f"{reviewer.name} decision {n}"
        _decide_until_accepted(store, claim_id, reviewer, rng.choice(STATUSES), note, version, outcome)
    return outcome


def _check_audit_log(store, ids: list[str], outcomes: list[Outcome]) -> dict[str, int]:
    """The audit log holds exactly the accepted decisions; every claim's versions run 1..n without a gap."""
    accepted = {note: entry for o in outcomes for note, entry in o.accepted.items()}
    with store.read() as conn:
        rows = conn.execute(
            sa.select(audit_log.c.id, audit_log.c.claim_id, audit_log.c.note, audit_log.c.details, audit_log.c.actor)
            .where(audit_log.c.claim_id.in_(ids))
            .order_by(audit_log.c.id)
        ).all()
        versions = dict(conn.execute(sa.select(claims.c.id, claims.c.version).where(claims.c.id.in_(ids))).all())
        decision_ids = dict(
            conn.execute(sa.select(claims.c.id, claims.c.decision_id).where(claims.c.id.in_(ids))).all()
        )
    assert len(rows) == len(accepted) == REVIEWERS * DECISIONS
    assert {r.note: r.id for r in rows} == accepted  # each accepted decision once, none that was refused
    per_claim = defaultdict(list)
    for r in rows:
        assert r.note.startswith(r.actor + " ")
        per_claim[r.claim_id].append(r.details["version"])
    for claim_id in ids:
        assert per_claim[claim_id] == list(range(1, versions[claim_id] + 1)), claim_id
        assert decision_ids[claim_id] == max(r.id for r in rows if r.claim_id == claim_id)
    return {claim_id: len(v) for claim_id, v in per_claim.items()}


def test_eight_reviewers_lose_no_decision(synced, db_url):
    dialect = "postgresql" if db_url.startswith("postgresql") else "sqlite"
    reviewers = [add_reviewer(synced, f"reviewer{i}", f"password for reviewer {i}") for i in range(REVIEWERS)]
    ids = _shared_claims(synced)
    barrier = threading.Barrier(REVIEWERS)
    with ThreadPoolExecutor(REVIEWERS) as pool:
        futures = [pool.submit(_reviewer_run, synced, r, ids, barrier, seed) for seed, r in enumerate(reviewers)]
        outcomes = [f.result(timeout=240) for f in futures]
    per_claim = _check_audit_log(synced, ids, outcomes)
    conflicts = sum(o.conflicts for o in outcomes)
    lock_steps = DECISIONS // LOCK_STEP_EVERY
    assert conflicts >= lock_steps * (REVIEWERS - 1)  # in each lock step only one of eight can win
    assert sum(per_claim.values()) == REVIEWERS * DECISIONS
    family = f"concurrency_{dialect}"
    record(family, "reviewers", REVIEWERS)
    record(family, "decisions_accepted", sum(len(o.accepted) for o in outcomes))
    record(family, "decisions_attempted", sum(len(o.accepted) + o.conflicts for o in outcomes))
    record(family, "conflicts_reported", conflicts)
    record(family, "audit_entries", sum(per_claim.values()))
    record(family, "decisions_lost", 0)


def _api_reviewer_run(base: str, token: str, name: str, ids, per_reviewer: int, seed: int) -> Outcome:
    rng = random.Random(seed)
    outcome = Outcome()
    http = JsonClient(base)
    auth = {"Authorization": f"Bearer {token}"}
    try:
        for n in range(per_reviewer):
            claim_id = rng.choice(ids)
            version = http.request("GET", f"/api/v1/claims/{claim_id}")[1]["data"]["version"]
            note = f"{name} decision {n}"
            for _ in range(MAX_RETRIES):
                body = {"status": rng.choice(STATUSES), "note": note, "version": version}
                status, data = http.request("POST", f"/api/v1/claims/{claim_id}/decisions", body, auth)
                if status == 409:
                    assert data["error"]["code"] == "conflict" and data["error"]["current"]["version"] > version
                    outcome.conflicts += 1
                    version = data["error"]["current"]["version"]
                    continue
                assert status == 201, (status, data)
                decision = data["data"]["decision"]
                assert decision["note"] == note and decision["actor"] == name
                outcome.accepted[note] = decision["id"]
                break
            else:
                pytest.fail(f"{name} was refused {MAX_RETRIES} times in a row on {claim_id}")
    finally:
        http.close()
    return outcome


class JsonClient:
    """One keep-alive HTTP connection to the live server, every request bounded in time."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)

    def request(self, method: str, path: str, body=None, headers=None) -> tuple[int, dict]:
        payload = None if body is None else json.dumps(body)
        self.connection.request(method, path, payload, {"Content-Type": "application/json", **(headers or {})})
        response = self.connection.getresponse()
        return response.status, json.loads(response.read())

    def close(self) -> None:
        self.connection.close()


API_REVIEWERS = 8
API_DECISIONS = 25  # each: the HTTP round trips are the slow part, the store test above carries the volume


def test_eight_reviewers_through_the_http_api(db_url, index_dir, tmp_path):
    """The same race through a live threaded server: 409 with the current claim, nothing lost."""
    from werkzeug.serving import make_server

    from webapp import create_app
    from webapp.review.web import EXTENSION

    app = create_app(
        {"INDEX_DIR": str(index_dir), "DATABASE_URL": db_url, "SECRET_KEY": "concurrency"},
        instance_path=str(tmp_path / "instance"),
    )
    store = app.extensions[EXTENSION].store
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        first = JsonClient(base)
        assert first.request("GET", "/api/v1/claims")[0] == 200  # claims synced from the index
        first.close()
        ids = _shared_claims(store)[:4]  # fewer claims: collisions at HTTP speed
        tokens = {}
        for i in range(API_REVIEWERS):
            add_reviewer(store, f"api{i}", f"password for api reviewer {i}")
            tokens[f"api{i}"] = issue_token(store, f"api{i}")
        with ThreadPoolExecutor(API_REVIEWERS) as pool:
            futures = [
                pool.submit(_api_reviewer_run, base, token, name, ids, API_DECISIONS, seed)
                for seed, (name, token) in enumerate(tokens.items())
            ]
            outcomes = [f.result(timeout=240) for f in futures]
        accepted = {note: entry for o in outcomes for note, entry in o.accepted.items()}
        with store.read() as conn:
            rows = conn.execute(
                sa.select(audit_log.c.id, audit_log.c.note, audit_log.c.claim_id).where(
                    audit_log.c.actor.like("api%"), audit_log.c.claim_id.is_not(None)
                )
            ).all()
        assert {r.note: r.id for r in rows} == accepted and len(accepted) == API_REVIEWERS * API_DECISIONS
        counts = Counter(r.claim_id for r in rows)
        for claim_id in ids:
            assert get_claim(store, claim_id, with_history=False).version == counts[claim_id]
        dialect = "postgresql" if db_url.startswith("postgresql") else "sqlite"
        conflicts = sum(o.conflicts for o in outcomes)
        record(f"concurrency_http_{dialect}", "reviewers", API_REVIEWERS)
        record(f"concurrency_http_{dialect}", "decisions_accepted", len(accepted))
        record(f"concurrency_http_{dialect}", "conflicts_reported_409", conflicts)
        record(f"concurrency_http_{dialect}", "requests", 2 * len(accepted) + conflicts)
        record(f"concurrency_http_{dialect}", "decisions_lost", 0)
    finally:
        server.shutdown()
        thread.join(10)
        store.dispose()
