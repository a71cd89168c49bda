"""The prioritised queue: priorities and reasons from word cues, the default queue's cut-off, trusted publishers,
the API's fields, and the upgrade of a store from before priorities."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from webapp.review import models
from webapp.review.claims import get_claim
from webapp.review.migrations import MIGRATIONS
from webapp.review.priority import THRESHOLD, priority
from webapp.review.queue import ClaimQuery, find_claims
from webapp.review.store import ReviewStore
from webapp.review.sync import sync_claims


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("About 30 percent of adults have it.", "states a number or statistic"),
        ("Smoking causes most cases.", "says what causes or prevents what"),
        ("This drug cures the disease.", "a claim about a treatment or its benefit"),
        ("You should never skip a meal.", "gives advice or makes a promise"),
        ("Take 500 mg twice a day.", "dosing or timing advice: an error could hurt someone"),
    ],
)
def test_check_worthy_cues_raise_the_priority(sentence, reason):
    found = priority(sentence, "unverified")
    assert reason in found.reasons
    assert found.score > priority("Anemia is a condition of the blood.", "unverified").score


def test_definitions_rank_low_and_flagged_claims_high():
    definition = priority("Anemia is a condition in which the blood has too few red cells.", "unverified")
    assert definition.score == 0 and definition.reasons == ("a description or definition",)
    assert priority("Anemia is a condition of the blood.", "inaccurate").score >= THRESHOLD
    assert priority("Anemia is a condition of the blood.", "unsupported").score >= THRESHOLD


def test_dosing_advice_outranks_a_background_statistic():
    dosing = priority("Take 2 tablets every 4 hours.", "unverified")
    background = priority("The disease was first described in 1900.", "unverified")
    assert dosing.score > background.score


def test_repeats_and_exposure_add_reasons():
    base = priority("Smoking causes most cases.", "unverified")
    reached = priority("Smoking causes most cases.", "unverified", repeats=8, shown=100)
    assert reached.score > base.score
    assert "repeated in 8 passages" in reached.reasons
    assert "its passage was shown 100 times in search results" in reached.reasons


def test_sync_stores_priorities_and_the_default_queue_is_a_subset(synced):
    everything = find_claims(synced, ClaimQuery(queue="all", state="all", per_page=200))
    default = find_claims(synced, ClaimQuery(per_page=200))
    assert all(c.priority == priority(c.sentence, c.auto_status, c.repeats).score for c in everything.claims)
    kept = {c.id for c in default.claims}
    assert kept <= {c.id for c in everything.claims}
    for claim in everything.claims:
        worth = claim.auto_status != "unverified" or claim.priority >= THRESHOLD
        assert (claim.id in kept) == worth, claim.sentence
    assert default.total < everything.total


def test_trusted_publishers_keep_their_unverified_statements_out(synced):
    everything = find_claims(synced, ClaimQuery(queue="all", per_page=200)).claims
    publishers = tuple({c.publisher for c in everything})
    trusted = find_claims(synced, ClaimQuery(threshold=0, trusted=publishers, per_page=200)).claims
    assert trusted and all(c.auto_status != "unverified" for c in trusted)
    untrusted = find_claims(synced, ClaimQuery(threshold=0, per_page=200))
    assert untrusted.total == len(everything)


def test_a_decided_low_priority_claim_stays_in_the_default_queue(synced, alice):
    from webapp.review.decisions import Decision, decide

    low = min(find_claims(synced, ClaimQuery(queue="all", per_page=200)).claims, key=lambda c: c.priority)
    assert low.priority < THRESHOLD
    decide(synced, low.id, alice, Decision(status="unverified", version=low.version, needs_second_review=True))
    assert low.id in {c.id for c in find_claims(synced, ClaimQuery(state="second_review")).claims}


def test_the_api_shows_priority_and_filters_by_queue(client):
    default = client.get("/api/v1/claims?per_page=200").get_json()["data"]
    everything = client.get("/api/v1/claims?queue=all&per_page=200").get_json()["data"]
    assert default["filters"]["queue"] == "priority" and everything["filters"]["queue"] == "all"
    assert default["total"] < everything["total"]
    claim = everything["claims"][0]
    assert isinstance(claim["priority"], int) and claim["priority_reasons"] and "publisher" in claim
    assert [c["priority"] for c in everything["claims"]] == sorted(
        (c["priority"] for c in everything["claims"]), reverse=True
    )
    bad = client.get("/api/v1/claims?queue=some")
    assert bad.status_code == 400 and bad.get_json()["error"]["param"] == "queue"
    page = client.get("/review?queue=all").get_data(as_text=True)
    assert "priority " in page and "Why: " in page
    one = client.get(f"/review/claims/{claim['id']}").get_data(as_text=True)
    assert "Priority" in one and claim["priority_reasons"][0] in one


def test_trusted_publishers_setting_is_checked(app):
    from webapp.review.errors import ReviewError
    from webapp.review.web import _queue_settings

    app.config["TRUSTED_PUBLISHERS"] = "GHR, GARD"
    assert _queue_settings(app)["trusted"] == ("GHR", "GARD")
    app.config["TRUSTED_PUBLISHERS"] = 3
    with pytest.raises(ReviewError, match="TRUSTED_PUBLISHERS"):
        _queue_settings(app)


def test_a_store_at_version_4_is_upgraded_and_its_claims_resynced(db_url, library):
    old = ReviewStore(db_url)
    with old.write() as conn:
        models.schema_version.create(conn)
        for migration in MIGRATIONS[:4]:
            migration.apply(conn)
            conn.execute(
                models.schema_version.insert().values(
                    version=migration.version, name=migration.name, applied_at=datetime.now(UTC)
                )
            )
        columns = [
            sa.column(c.name, c.type)
            for c in models.claims.columns
            if c.name not in ("priority", "priority_reasons", "publisher")
        ]
        conn.execute(
            sa.table("claims", *columns)
            .insert()
            .values(
                id="a" * 32,
                doc_id="d",
                title="t",
                sentence="It cures it.",
                passage_id="p",
                position=0,
                start=0,
                end=12,
                topic="",
                repeats=1,
                present=True,
                build="old",
                first_seen=datetime.now(UTC),
                auto_status="unsupported",
                auto_rule="r",
                auto_reason="",
                auto_correction="",
                auto_sources=[],
                needs_second_review=False,
                version=0,
            )
        )
        conn.execute(models.meta.insert().values(key="synced_build", value="old"))
    assert old.migrate() == [5, 6]
    claim = get_claim(old, "a" * 32)
    assert claim.priority == 50 and claim.priority_reasons == () and claim.publisher == ""
    assert sync_claims(old, library) is not None  # the upgrade forgot the synced build, so this sync runs
    synced_claim = find_claims(old, ClaimQuery(queue="all", state="all", per_page=1)).claims[0]
    assert synced_claim.priority_reasons
    old.dispose()


def test_exposure_is_counted_per_passage_and_raises_the_priority_at_the_next_sync(synced, library):
    from webapp.review.overlay import exposure

    claim = find_claims(synced, ClaimQuery(queue="all", per_page=1)).claims[0]
    counter = exposure(synced)
    for _ in range(40):
        counter.shown([claim.passage_id, claim.passage_id])  # once a page, however many of its sentences match
    counter.flush()
    counter.shown([claim.passage_id])
    counter.flush()
    with synced.read() as conn:
        rows = conn.execute(sa.select(models.passage_exposure)).all()
    assert [(r.passage_id, r.shown) for r in rows] == [(claim.passage_id, 41)]
    sync_claims(synced, library, force=True)
    again = get_claim(synced, claim.id)
    assert "its passage was shown 41 times in search results" in again.priority_reasons
    assert again.priority > claim.priority
