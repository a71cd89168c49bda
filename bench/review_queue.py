"""Timing the review queue with many claims: the queue page, the claims API and a decision, on SQLite and PostgreSQL.

    python -m bench.review_queue [--claims 100000] [--rounds 40] [--database-url URL ...]

Fills a fresh store with synthetic claims (generated sentences, not MedQuAD text), then times each operation
through the web app (Flask's test client, no index: the store alone) and prints p50/p95 in ms as JSON. Deep pages
are timed both ways: by page number (OFFSET, kept for old links) and by the cursor a next link carries. Without
--database-url: a SQLite file in a temporary folder, and PostgreSQL from SOURCECHECK_TEST_DATABASE_URL or, failing
that, a throwaway server as the reviewer tests start one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from . import postgres

ROOT = Path(__file__).resolve().parents[1]
STATUSES = ["unverified"] * 970 + ["unsupported"] * 25 + ["inaccurate"] * 5
PUBLISHERS = ("GHR", "GARD", "NIDDK", "NINDS", "CancerGov", "NHLBI", "CDC", "")
WORDS = "blood sugar dose daily risk causes treatment helps heart kidney should never children adults weeks".split()


def fill(store, count: int, seed: int = 13) -> None:
    """`count` synthetic claims over 16,000 documents, 40 topics and 30 rules, with priorities as sync gives."""
    from webapp.review.counts import compact
    from webapp.review.models import claims
    from webapp.review.priority import priority

    rng = random.Random(seed)
    now = datetime.now(UTC)
    rows = []
    with store.write() as conn:
        for n in range(count):
            status = rng.choice(STATUSES)
            sentence = " ".join(rng.choices(WORDS, k=rng.randint(6, 16))).capitalize() + f" {n}."
            repeats = 1 if rng.random() < 0.8 else rng.randint(2, 12)
            rank = priority(sentence, status, repeats)
            doc = f"doc-{rng.randrange(16_000):05d}"
            rows.append(
                {
                    "id": f"{n:032x}",
                    "doc_id": doc,
                    "title": f"Title of {doc}",
                    "sentence": sentence,
                    "passage_id": f"{doc}-{n % 7}",
                    "position": n % 7,
                    "start": 0,
                    "end": len(sentence),
                    "topic": f"topic-{rng.randrange(40)}",
                    "repeats": repeats,
                    "present": True,
                    "build": "bench",
                    "first_seen": now,
                    "auto_status": status,
                    "auto_rule": f"rule-{rng.randrange(30)}" if status != "unverified" else "",
                    "auto_reason": "",
                    "auto_correction": "",
                    "auto_sources": [],
                    "needs_second_review": False,
                    "version": 0,
                    "priority": rank.score,
                    "priority_reasons": list(rank.reasons),
                    "publisher": rng.choice(PUBLISHERS),
                }
            )
        store.bulk_insert(conn, claims, rows)
        compact(conn)  # as a sync does
        store.analyze(conn, claims)
    store.vacuum(claims)


def _timed(action, rounds: int) -> dict:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1)}


def _cursor(store, position: int) -> str:
    """The cursor of a next link to the page after the claim at `position` (from 0) of the whole queue."""
    from webapp.review.models import claims
    from webapp.review.queue import ClaimQuery, Cursor

    query = ClaimQuery(queue="all")
    with store.read() as conn:
        row = conn.execute(
            sa.select(claims.c.priority, claims.c.id)
            .where(*query.where())
            .order_by(claims.c.priority.desc(), claims.c.id.desc())
            .offset(position)
            .limit(1)
        ).one()
    return str(Cursor(True, position // query.per_page + 2, row.priority, row.id))


def measure(url: str, count: int, rounds: int) -> dict:
    from webapp import create_app
    from webapp.review.accounts import add_reviewer, issue_token
    from webapp.review.counts import compact
    from webapp.review.store import ReviewStore

    store = ReviewStore.open(url)
    started = time.perf_counter()
    fill(store, count)
    filled = time.perf_counter() - started
    add_reviewer(store, "timer", "correct horse battery staple 7")
    token = issue_token(store, "timer")
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {"TESTING": True, "INDEX_DIR": folder, "DATABASE_URL": url, "SECRET_KEY": "bench"}, instance_path=folder
        )
        client = app.test_client()
        rng = random.Random(5)

        def get(path: str):
            def action():
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)

            return action

        ids = iter(f"{n:032x}" for n in rng.sample(range(count), rounds + 5))

        def decide():
            claim_id = next(ids)
            response = client.post(
                f"/api/v1/claims/{claim_id}/decisions",
                headers={"Authorization": f"Bearer {token}"},
                json={"status": "supported", "note": "checked", "version": 0},
            )
            assert response.status_code == 201, response.get_json()

        deep = _cursor(store, 999 * 50 - 1)  # page 1000 of queue=all, as its next links reach it
        second = client.get("/api/v1/claims").get_json()["links"]["next"]

        def compaction():
            with store.write() as conn:
                compact(conn)

        operations = {
            "queue page /review": get("/review"),
            "queue page, page 50": get("/review?page=50"),
            "queue page, its next link": get(second.replace("/api/v1/claims", "/review")),
            "queue page, queue=all, cursor of page 1000": get(f"/review?queue=all&cursor={deep}"),
            "API default queue": get("/api/v1/claims"),
            "API queue=all, page 1000 (OFFSET)": get("/api/v1/claims?queue=all&page=1000"),
            "API queue=all, cursor of page 1000": get(f"/api/v1/claims?queue=all&cursor={deep}"),
            "API status=unverified&state=all": get("/api/v1/claims?status=unverified&state=all"),
            "API state=decided (none yet)": get("/api/v1/claims?state=decided&queue=all"),
            "API status=supported&state=all (none yet)": get("/api/v1/claims?status=supported&state=all"),
            "API doc filter": get("/api/v1/claims?doc=doc-00042&queue=all"),
            "API topic and state=decided": get("/api/v1/claims?topic=topic-3&state=decided"),
            "API rule filter": get("/api/v1/claims?rule=rule-7&state=all"),
            "decision (POST)": decide,
            "counts compaction (every 256th decision)": compaction,
        }
        client.get("/api/v1/claims")  # warm the connection pool and caches
        results = {name: _timed(action, rounds) for name, action in operations.items()}
        app.extensions["sourcecheck.review"].dispose()
    store.dispose()
    return {"claims": count, "fill_s": round(filled, 1), "operations": results}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.review_queue")
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--database-url", action="append", default=[])
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as folder, ExitStack() as servers:
        urls = args.database_url or [f"sqlite:///{Path(folder) / 'review.sqlite3'}"]
        if not args.database_url and not args.no_postgres:
            new_database = servers.enter_context(postgres.databases(os.environ.get("SOURCECHECK_TEST_DATABASE_URL")))
            urls.append(new_database())
        for url in urls:
            name = url.split(":", 1)[0].split("+")[0]
            print(f"[{time.strftime('%H:%M:%S')}] {name}: {args.claims} claims", file=sys.stderr)
            results[name] = measure(url, args.claims, args.rounds)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
