"""The queue at scale: counts kept by database triggers (claim_counts) against a count of the claims in Python,
whatever writes the claims; keyset pages against OFFSET pages, through the API's and the queue page's links;
cursors refused or accepted; the bulk insert the sync uses, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from indexer import FLAGGED, STATUSES
from webapp.review import counts, models
from webapp.review.accounts import add_reviewer
from webapp.review.claims import CLAIM_STATUSES
from webapp.review.decisions import Decision, decide
from webapp.review.migrations import MIGRATIONS
from webapp.review.queue import STATES, ClaimQuery, find_claims
from webapp.review.store import ReviewStore

from .conftest import PASSWORD
from .helpers import app_store

CLAIM_LINK = re.compile(r'href="/review/claims/([0-9a-f]{32})"')
NEXT = re.compile(r'rel="next" href="([^"]+)"')
PREV = re.compile(r'rel="prev" href="([^"]+)"')


def _state(c) -> set[str]:
    changed = c.status is not None and c.auto_status != c.decision_auto_status
    found = {"all"}
    if c.status is None:
        found.add("undecided")
    elif changed:
        found.add("changed")
    else:
        found.add("decided")
    if c.needs_second_review:
        found.add("second_review")
    if c.status is None or changed or c.needs_second_review:
        found.add("open")
    return found


def _counted_by_hand(rows, q: ClaimQuery) -> tuple[int, dict, dict]:
    """What the queue's counts must be, from every claim row, in Python (no SQL filter of ours)."""
    kept = []
    for c in rows:
        in_queue = c.present and (c.auto_status in CLAIM_STATUSES or c.status is not None)
        worth = (
            c.auto_status in FLAGGED
            or c.status is not None
            or c.needs_second_review
            or (c.priority >= q.threshold and c.publisher not in q.trusted)
        )
        filtered = all(
            not want or have == want for have, want in ((c.auto_rule, q.rule), (c.doc_id, q.doc_id), (c.topic, q.topic))
        )
        if in_queue and (worth or q.queue == "all") and filtered:
            kept.append((c.status or c.auto_status, _state(c)))
    by_status = {s: sum(1 for st, states in kept if st == s and q.state in states) for s in STATUSES}
    by_state = {
        n: sum(1 for st, states in kept if (not q.statuses or st in q.statuses) and n in states) for n in STATES
    }
    return by_state[q.state], by_status, by_state


QUERIES = [
    ClaimQuery(queue=queue, state=state, statuses=statuses, per_page=1, **settings)
    for queue, state, statuses, settings in itertools.product(
        ("priority", "all"),
        STATES,
        ((), ("inaccurate",), ("unverified", "supported")),
        ({}, {"threshold": 0, "trusted": ("Mayo Clinic", "")}),
    )
]


def _check_counts(store, queries=QUERIES) -> None:
    with store.read() as conn:
        rows = conn.execute(sa.select(models.claims)).all()
    for q in queries:
        page = find_claims(store, q)
        assert (page.total, page.status_counts, page.state_counts) == _counted_by_hand(rows, q), q


def _reviewer(store):
    return add_reviewer(store, "carol", PASSWORD)


def test_counts_follow_every_kind_of_change_to_the_claims(synced):
    """Sync, decisions (confirm, change, second review), and SQL of no code of ours: an update of the automatic
    status (a decision now "changed"), claims gone from the build, a row deleted, a row inserted."""
    _check_counts(synced)
    carol = _reviewer(synced)
    ids = [c.id for c in find_claims(synced, ClaimQuery(queue="all", state="all", per_page=12)).claims]
    assert len(ids) == 12
    for claim_id, status, second in zip(
        ids[:6],
        ("supported", "inaccurate", "no_claim", "unsupported", "supported", "unverified"),
        (False, True, False, True, False, False),
        strict=True,
    ):
        decide(synced, claim_id, carol, Decision(status, 0, note="checked", needs_second_review=second))
    _check_counts(synced)
    with synced.write() as conn:
        claims = models.claims
        other = sa.case((claims.c.auto_status == "unverified", "unsupported"), else_="unverified")
        conn.execute(claims.update().where(claims.c.id == ids[0]).values(auto_status=other))
        conn.execute(claims.update().where(claims.c.id.in_(ids[6:9])).values(present=False))
        conn.execute(claims.update().where(claims.c.id == ids[9]).values(priority=0, publisher="Mayo Clinic"))
        conn.execute(claims.update().where(claims.c.id.in_(ids[10:])).values(build="only the build: no count"))
        row = conn.execute(sa.select(claims).where(claims.c.id == ids[10])).one()._asdict()
        conn.execute(claims.delete().where(claims.c.id == ids[10]))
        conn.execute(claims.insert().values({**row, "id": "f" * 32, "auto_status": "unsupported", "priority": 99}))
    assert find_claims(synced, ClaimQuery(state="changed", queue="all")).total == 1
    _check_counts(synced)
    _check_counts(synced, [ClaimQuery(topic="insemination", state="all"), ClaimQuery(rule="ici-called-iui")])


def test_compacting_keeps_the_counts_in_one_row_a_combination(synced):
    carol = _reviewer(synced)
    for claim in find_claims(synced, ClaimQuery(per_page=5)).claims:
        decide(synced, claim.id, carol, Decision("supported", claim.version, note="checked"))
    with synced.read() as conn:
        before = conn.scalar(sa.select(sa.func.count()).select_from(models.claim_counts))
    with synced.write() as conn:
        counts.compact(conn)
    with synced.read() as conn:
        rows = conn.execute(sa.select(models.claim_counts)).all()
        combinations = conn.execute(sa.select(*(models.claims.c[n] for n in models.COUNTED)).distinct()).all()
    assert len(rows) == len(combinations) < before
    assert all(r.n > 0 for r in rows)
    _check_counts(synced)


def test_concurrent_decisions_and_compactions_keep_the_counts(synced, monkeypatch):
    """Eight reviewers at once, each decision compacting (PostgreSQL: they run truly in parallel)."""
    monkeypatch.setattr("webapp.review.decisions.COMPACT_EVERY", 1)
    reviewers = [add_reviewer(synced, f"r{n}", PASSWORD) for n in range(8)]
    claims = find_claims(synced, ClaimQuery(queue="all", state="all", per_page=40)).claims

    def work(n: int) -> None:
        for claim in claims[n::8]:
            decide(synced, claim.id, reviewers[n], Decision("supported", claim.version, note="checked"))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(8)))
    assert find_claims(synced, ClaimQuery(state="decided", queue="all", per_page=200)).total == len(claims)
    _check_counts(synced)


def test_the_upgrade_to_version_6_counts_the_claims_already_there(db_url):
    old = ReviewStore(db_url)
    with old.write() as conn:
        models.schema_version.create(conn)
        for migration in MIGRATIONS[:5]:
            migration.apply(conn)
            conn.execute(
                models.schema_version.insert().values(
                    version=migration.version, name=migration.name, applied_at=datetime.now(UTC)
                )
            )
        for n, (status, priority) in enumerate(
            [("unverified", 10), ("unverified", 40), ("unsupported", 50), ("unsupported", 50), ("inaccurate", 60)]
        ):
            conn.execute(
                models.claims.insert().values(
                    id=f"{n:032x}",
                    doc_id="d",
                    title="T",
                    sentence=f"S {n}.",
                    passage_id="p",
                    position=0,
                    start=0,
                    end=4,
                    topic="",
                    repeats=1,
                    present=True,
                    build="old",
                    first_seen=datetime.now(UTC),
                    auto_status=status,
                    auto_rule="",
                    auto_reason="",
                    auto_correction="",
                    auto_sources=[],
                    needs_second_review=False,
                    version=0,
                    priority=priority,
                    priority_reasons=[],
                    publisher="",
                )
            )
    assert old.migrate() == [6]
    _check_counts(old)
    assert find_claims(old, ClaimQuery()).total == 4  # the unverified claim of priority 10 is below the cut-off
    old.dispose()


def _ids(store, **filters) -> list[str]:
    everything = find_claims(store, ClaimQuery(per_page=200, **filters))
    assert everything.total <= 200
    return [c.id for c in everything.claims]


def _walk(client, url: str, pattern: re.Pattern, json: bool) -> tuple[list[list[str]], list[str]]:
    """The claim ids of each page and the links followed, from `url` on through `pattern` links."""
    pages, urls = [], [url]
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:300])
        if json:
            body = response.get_json()
            pages.append([c["id"] for c in body["data"]["claims"]])
            url = body["links"].get("next" if pattern is NEXT else "prev")
        else:
            html = response.get_data(as_text=True)
            pages.append(CLAIM_LINK.findall(html))
            found = pattern.search(html)
            url = found and found.group(1).replace("&amp;", "&")
        if url:
            urls.append(url)
        assert len(pages) < 200
    return pages, urls


@pytest.mark.parametrize("json", [True, False], ids=["api", "html"])
def test_next_and_prev_links_walk_the_whole_queue_by_cursor(app, client, json, monkeypatch):
    monkeypatch.setattr("webapp.review.web.NUMBERED_UP_TO", 0)  # the API's page-number links only up to here
    base = "/api/v1/claims" if json else "/review"
    start = f"{base}?queue=all&state=all&per_page=4"
    forward, urls = _walk(client, start, NEXT, json)
    expected = _ids(app_store(app), queue="all", state="all")
    assert [i for page in forward for i in page] == expected and len(forward) > 3
    assert all(len(page) == 4 for page in forward[:-1])
    assert all("cursor=a" in u and "page" not in parse_qs(urlsplit(u).query) for u in urls[1:])
    offset_pages = [
        [c.id for c in find_claims(app_store(app), ClaimQuery(queue="all", state="all", per_page=4, page=n)).claims]
        for n in range(1, len(forward) + 1)
    ]
    assert forward == offset_pages
    backward, back_urls = _walk(client, urls[-1], PREV, json)
    assert backward == forward[::-1]
    assert all("cursor=b" in u for u in back_urls[1:-1])
    assert parse_qs(urlsplit(back_urls[-1]).query) == parse_qs(urlsplit(start).query)  # page 1: no cursor
    if json:
        last = client.get(urls[-1]).get_json()["data"]
        assert last["page"] == last["pages"] == len(forward)
    else:
        assert f"Page {len(forward)} of {len(forward)}" in client.get(urls[-1]).get_data(as_text=True)


def test_a_decision_between_pages_neither_repeats_nor_skips_a_claim(app, client, alice):
    """Keyset pages stay put when a claim on an earlier page leaves the open queue; OFFSET pages skip one."""
    first = client.get("/api/v1/claims?per_page=3").get_json()["data"]["claims"]  # syncs the claims
    order = _ids(app_store(app))
    assert [c["id"] for c in first] == order[:3] and len(order) >= 7
    decide(app_store(app), first[0]["id"], alice, Decision("supported", first[0]["version"], note="done"))
    by_offset = client.get("/api/v1/claims?per_page=3&page=2").get_json()["data"]["claims"]
    assert [c["id"] for c in by_offset] == order[4:7]
    last = first[-1]
    by_cursor = client.get(f"/api/v1/claims?per_page=3&cursor=a2.{last['priority']}.{last['id']}").get_json()
    assert [c["id"] for c in by_cursor["data"]["claims"]] == order[3:6]


def test_cursors_are_checked_and_take_the_place_of_page(app, client):
    assert client.get("/review").status_code == 200  # syncs the claims
    order = _ids(app_store(app), state="all")
    for bad in ("x", "a1.50", "c2.50." + "f" * 32, "a2.50.ff/ff", "a2.-5.ff", "a2.50." + "f" * 65, ""):
        response = client.get("/api/v1/claims", query_string={"state": "all", "cursor": bad})
        assert response.status_code == 400 and response.get_json()["error"]["param"] == "cursor", bad
    assert client.get("/review?cursor=").status_code == 200  # a page ignores a blank, as for every parameter
    third = find_claims(app_store(app), ClaimQuery(state="all", per_page=200)).claims[2]
    page = client.get(f"/api/v1/claims?state=all&per_page=2&page=9&cursor=a2.{third.priority}.{third.id}")
    body = page.get_json()
    assert [c["id"] for c in body["data"]["claims"]] == order[3:5] and body["data"]["page"] == 2
    assert body["links"]["prev"] == "/api/v1/claims?state=all&per_page=2"  # page 1 needs no cursor
    back = client.get(f"/api/v1/claims?state=all&per_page=2&cursor=b7.{third.priority}.{third.id}").get_json()
    assert [c["id"] for c in back["data"]["claims"]] == order[:2] and back["data"]["page"] == 1  # only 2 before


def test_bulk_insert_writes_what_an_insert_writes(store):
    now = datetime.now(UTC)
    row = dict(
        doc_id="d",
        title="T",
        sentence="S.",
        passage_id="p",
        position=3,
        start=1,
        end=3,
        topic="t",
        repeats=2,
        present=True,
        build="b",
        first_seen=now,
        auto_status="unsupported",
        auto_rule="r",
        auto_reason="why",
        auto_correction="",
        auto_sources=[{"publisher": "P", "title": "T", "url": "u"}],
        needs_second_review=False,
        version=0,
        priority=55,
        priority_reasons=["a", "b"],
        publisher="Pub",
    )
    with store.write() as conn:
        conn.execute(models.claims.insert().values(id="a" * 32, **row))
        store.bulk_insert(conn, models.claims, [{"id": "b" * 32, **row}])
    with store.read() as conn:
        one, two = (
            conn.execute(sa.select(models.claims).where(models.claims.c.id == i)).one()._asdict()
            for i in ("a" * 32, "b" * 32)
        )
        totals = conn.execute(sa.select(sa.func.sum(models.claim_counts.c.n))).scalar()
    assert {**one, "id": None} == {**two, "id": None}
    assert totals == 2  # the triggers counted both
