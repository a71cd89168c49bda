"""The baseline: SQLite FTS5 with English (Porter) stemming and bm25() over the same passages as our index.

The passages come from our build's document store, so both engines search exactly the same text; title and
heading get the same weights as our field boosts. A query's words are OR-ed, as our parser does.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

from indexer.engine.whoosh.schema import HEADING_BOOST, TITLE_BOOST
from indexer.index.store import DocumentStore

_WORD = re.compile(r"\w+")
SCHEMA = (
    "CREATE VIRTUAL TABLE passages USING fts5("
    "passage_id UNINDEXED, doc_id UNINDEXED, title, heading, text, tokenize = 'porter unicode61')"
)
# bm25() takes one weight per column, in column order (unindexed columns included)
RANK = f"bm25(passages, 0, 0, {TITLE_BOOST}, {HEADING_BOOST}, 1.0)"


def passages(build: Path):
    """(passage_id, doc_id, title, heading, text) for every passage of the build, in store order."""
    for checked in DocumentStore(build).all():
        doc = checked.document
        for p in checked.passages:
            yield p.id, doc.id, doc.title, p.heading, doc.text[p.start : p.end]


def build(index_build: Path, db_path: Path) -> dict:
    """Create the FTS5 database from our build's passages; its size and indexing rate."""
    db_path.unlink(missing_ok=True)
    rows = list(passages(index_build))  # read first, so only the FTS5 indexing itself is timed
    started = time.perf_counter()
    db = sqlite3.connect(db_path)
    with db:
        db.execute(SCHEMA)
        db.executemany("INSERT INTO passages VALUES (?, ?, ?, ?, ?)", rows)
        db.execute("INSERT INTO passages(passages) VALUES ('optimize')")
    db.close()
    seconds = time.perf_counter() - started
    return {
        "documents": len({row[1] for row in rows}),
        "passages": len(rows),
        "seconds": round(seconds, 3),
        "passages_per_s": round(len(rows) / seconds, 1),
        "db_mb": round(db_path.stat().st_size / 1024 / 1024, 2),
    }


def match_expression(query: str) -> str:
    """The query's words, each quoted (so nothing is read as FTS5 syntax), OR-ed together."""
    return " OR ".join(f'"{w}"' for w in _WORD.findall(query.lower()))


class Baseline:
    """Searches the FTS5 database: the top passages with a highlighted text, like a results page."""

    def __init__(self, db_path: Path) -> None:
        self.db = sqlite3.connect(db_path, check_same_thread=False)

    def search(self, query: str, limit: int = 10) -> list[tuple]:
        """(passage_id, doc_id, title, highlighted text, score) of the best `limit` passages."""
        expression = match_expression(query)
        if not expression:
            return []
        return self.db.execute(
            f"SELECT passage_id, doc_id, title, highlight(passages, 4, '<mark>', '</mark>'), {RANK} AS score "
            "FROM passages WHERE passages MATCH ? ORDER BY score LIMIT ?",
            (expression, limit),
        ).fetchall()

    def close(self) -> None:
        self.db.close()
