"""Syncing claims from the current index build into the store.

Runs once per build: the store remembers the build it last synced (`meta.synced_build`), so every web process can
call `sync_claims` cheaply and only the first one after a rebuild does the work (under a lock, so two processes
never sync the same build twice). A decided claim whose automatic verdict changed gets a version bump (a reviewer
still looking at the old verdict gets a conflict), an audit entry, and shows as "changed" in the queue.

New claims go in with one bulk insert (COPY on PostgreSQL), counted for the queue (counts.py) in the same
transaction; the planner's statistics are refreshed in it too, since the queue's pages are planned on them, and
PostgreSQL's table vacuumed after it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from indexer import Library

from .audit import append
from .claims import CLAIM_STATUSES, normalise, normalised_fingerprint
from .counts import compact, insert_claims
from .models import claims, passage_exposure
from .priority import priority
from .store import ReviewStore

SYNCED_BUILD = "synced_build"
_LOCK_ID = 0x5C_5F_4E_C0  # the advisory lock for syncing on PostgreSQL
_AUTO = ("auto_status", "auto_rule", "auto_reason", "auto_correction", "auto_sources")
_PLACE = ("title", "sentence", "passage_id", "position", "start", "end", "topic", "repeats", "publisher")
_RANK = ("priority", "priority_reasons")


@dataclass
class SyncSummary:
    build: str
    added: int = 0
    updated: int = 0
    gone: int = 0
    changed: list[str] = field(default_factory=list)  # decided claims whose automatic status changed

    def as_dict(self) -> dict:
        return {
            "build": self.build,
            "added": self.added,
            "updated": self.updated,
            "gone": self.gone,
            "changed": self.changed,
        }


def _sentences(library: Library) -> tuple[dict[str, dict], Counter]:
    """Every sentence of the build by fingerprint (first occurrence), and passages per normalised sentence."""
    found: dict[str, dict] = {}
    repeats: Counter = Counter()
    for info in library.documents():
        checked = library.document(info["id"])
        if checked is None:
            continue
        publisher = checked.document.source.publisher
        for passage in checked.passages:
            seen = set()
            for check in passage.checks:
                norm = normalise(check.text)
                if norm not in seen:
                    seen.add(norm)
                    repeats[norm] += 1
                claim_id = normalised_fingerprint(info["id"], norm)
                if claim_id not in found:
                    found[claim_id] = {
                        "doc_id": info["id"],
                        "title": checked.document.title,
                        "sentence": check.text,
                        "passage_id": passage.id,
                        "position": passage.position,
                        "start": check.start,
                        "end": check.end,
                        "topic": check.topic,
                        "norm": norm,
                        "publisher": publisher,
                        "auto_status": check.status,
                        "auto_rule": check.rule,
                        "auto_reason": check.reason,
                        "auto_correction": check.correction,
                        "auto_sources": [s.as_dict() for s in check.sources],
                    }
    return found, repeats


def needs_sync(store: ReviewStore, library: Library) -> bool:
    build = library.build
    if build is None:
        return False
    with store.read() as conn:
        return store.get_meta(conn, SYNCED_BUILD) != build.name


def sync_claims(store: ReviewStore, library: Library, force: bool = False) -> SyncSummary | None:
    """Bring the claims up to date with the library's current build; None if it was already synced."""
    library.refresh()
    build = library.build
    if build is None or not (force or needs_sync(store, library)):
        return None
    found, repeats = _sentences(library)
    summary = SyncSummary(build.name)
    with store.write() as conn:
        if store.dialect == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
        if not force and store.get_meta(conn, SYNCED_BUILD) == build.name:
            return None  # another process synced it while we read the build
        existing = {row.id: row for row in conn.execute(sa.select(claims))}
        shown = dict(conn.execute(sa.select(passage_exposure.c.passage_id, passage_exposure.c.shown)).all())
        now = store.now()
        added, kept = [], 0  # written in bulk: a statement a claim took minutes on a large library
        for claim_id, values in found.items():
            norm = values.pop("norm")
            values["repeats"] = repeats[norm]
            old = existing.get(claim_id)
            if old is None and values["auto_status"] not in CLAIM_STATUSES:
                continue
            rank = priority(
                values["sentence"], values["auto_status"], values["repeats"], shown.get(values["passage_id"], 0)
            )
            values["priority"], values["priority_reasons"] = rank.score, list(rank.reasons)
            if old is None:
                added.append(
                    {
                        "id": claim_id,
                        "present": True,
                        "build": build.name,
                        "first_seen": now,
                        "status": None,
                        "decision_auto_status": None,
                        "needs_second_review": False,
                        "version": 0,
                        **values,
                    }
                )
            elif _unchanged(old, values):
                if old.build != build.name:
                    kept += 1
            else:
                _update(conn, old, values, build.name, now, summary)
        gone = [claim_id for claim_id, old in existing.items() if claim_id not in found and old.present]
        insert_claims(store, conn, added)
        for ids in _batches(gone):
            conn.execute(claims.update().where(claims.c.id.in_(ids)).values(present=False, build=build.name))
        if kept:  # every claim still present but of an older build is one of these: one statement for them all
            conn.execute(claims.update().where(claims.c.present, claims.c.build != build.name).values(build=build.name))
        compact(conn)
        store.analyze(conn, claims)
        summary.added, summary.gone = len(added), len(gone)
        store.set_meta(conn, SYNCED_BUILD, build.name)
    store.vacuum(claims)
    return summary


def _batches(rows: list, size: int = 2000):
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _unchanged(old, values: dict) -> bool:
    """The claim is still present with the same automatic verdict in the same place."""
    return old.present and all(getattr(old, k) == values[k] for k in _AUTO + _PLACE + _RANK)


def _update(conn: sa.Connection, old, values: dict, build: str, now, summary: SyncSummary) -> None:
    """Record a claim's new verdict or place; a changed verdict gets a version bump and, if decided, an audit entry."""
    auto_changed = any(getattr(old, k) != values[k] for k in _AUTO)
    update = {**values, "present": True, "build": build}
    if auto_changed:
        update["version"] = claims.c.version + 1
        if old.status is not None and old.auto_status != values["auto_status"]:
            summary.changed.append(old.id)
            append(
                conn,
                now,
                "system",
                "automatic_status_changed",
                old.id,
                old.auto_status,
                values["auto_status"],
                note=f"a rebuild ({build}) changed the automatic status; the decision ({old.status}) needs review",
                details={"build": build, "rule_before": old.auto_rule, "rule_after": values["auto_rule"]},
            )
    conn.execute(claims.update().where(claims.c.id == old.id).values(**update))
    summary.updated += 1
