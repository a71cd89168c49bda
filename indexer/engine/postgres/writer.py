"""Writing a generation's passages from one build process: its own connection, rows sent with COPY, committed when
the process's part is finished; the part handed back is the process's term statistics (summed by the commit)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from whoosh.util.numeric import byte_to_length, length_to_byte

from ..whoosh.schema import term_spans
from .connect import connect_raw

# the tsvector's weight of each searched field, the prefix of its terms in `tf`, and where its positions start (so a
# phrase never runs from one field into the next)
FIELDS = {"title": ("A", "t", 1), "heading": ("B", "h", 2001), "text": ("D", "x", 4001)}
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
MAX_POSITIONS = 256  # positions PostgreSQL keeps for one lexeme
MAX_LEXEME = 2046  # bytes of one lexeme (PostgreSQL refuses longer ones)
COLUMNS = (
    "generation",
    "seq",
    "passage_id",
    "doc_id",
    "status",
    "topics",
    "fields",
    "tsv",
    "tf",
    "len_text",
    "len_title",
    "len_heading",
)
FLUSH = 500  # rows sent in one COPY


def stored_length(n: int) -> int:
    """A field length as whoosh keeps it (one byte, so long fields are approximate): the scores then agree."""
    return byte_to_length(length_to_byte(n))


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def analysed(fields: dict) -> tuple[str, dict[str, int], dict[str, int]]:
    """(tsvector literal, term frequencies by "prefix:term", each field's length) of one passage's fields."""
    positions: dict[str, list[str]] = {}
    tf: Counter = Counter()
    lengths = {}
    for field, (weight, prefix, start) in FIELDS.items():
        n = 0
        for n, (term, _, _) in enumerate(term_spans(fields.get(field) or ""), 1):
            tf[f"{prefix}:{term}"] += 1
            if len(term.encode()) <= MAX_LEXEME:
                kept = positions.setdefault(term, [])
                if len(kept) < MAX_POSITIONS:
                    kept.append(f"{min(start + n - 1, MAX_POSITION)}{weight}")
        lengths[field] = n
    tsv = " ".join(f"{_lexeme(term)}:{','.join(dict.fromkeys(ps))}" for term, ps in positions.items())
    return tsv, dict(tf), lengths


class Part:
    """What one process's writer found: passages, each field's total length, and (field, term) -> [df, freq]."""

    def __init__(self) -> None:
        self.passages = 0
        self.lengths: Counter = Counter()
        self.terms: dict[tuple[str, str], list[int]] = {}

    def add(self, tf: dict[str, int], lengths: dict[str, int]) -> None:
        self.passages += 1
        self.lengths.update(lengths)
        names = {prefix: field for field, (_, prefix, _) in FIELDS.items()}
        for key, n in tf.items():
            prefix, term = key.split(":", 1)
            entry = self.terms.setdefault((names[prefix], term), [0, 0])
            entry[0] += 1
            entry[1] += n


class PassageWriter:
    """COPYs the passages of one process into generation `generation` (one transaction, committed by `finish`)."""

    def __init__(self, url: str, generation: int) -> None:
        self.url, self.generation = url, generation
        self.part = Part()
        self._rows: list[tuple] = []
        self._postings: list[tuple] = []
        self._conn: Any = None
        self._first: int | None = None  # (this writer's number << 32): its passages' numbers start here
        self._n = 0

    def add_document(self, **fields: Any) -> None:
        tsv, tf, lengths = analysed(fields)
        self.part.add(tf, lengths)  # whoosh's average field lengths are of the exact lengths
        topics = [t.strip().lower() for t in (fields.get("topics") or "").split(",") if t.strip()]
        if self._first is None:
            self._connect()
        seq = self._first + self._n
        self._n += 1
        stored = {prefix: stored_length(lengths[field]) for field, (_, prefix, _) in FIELDS.items()}
        self._postings.extend((self.generation, key, seq, n, stored[key[0]]) for key, n in tf.items())
        self._rows.append(
            (
                self.generation,
                seq,
                fields["passage_id"],
                fields["doc_id"],
                fields["status"],
                topics,
                json.dumps(fields, ensure_ascii=False),
                tsv,
                json.dumps(tf, ensure_ascii=False),
                stored_length(lengths["text"]),
                stored_length(lengths["title"]),
                stored_length(lengths["heading"]),
            )
        )
        if len(self._rows) >= FLUSH:
            self._flush()

    def _connect(self) -> None:
        self._conn = connect_raw(self.url)
        writer = self._conn.execute("SELECT nextval('search_writer_seq')").fetchone()[0]
        self._first = writer << 32

    def _flush(self) -> None:
        g = self.generation
        with self._conn.cursor() as cur:
            with cur.copy(f"COPY search_postings_g{g} (generation, key, seq, tf, len) FROM STDIN") as copy:
                for row in self._postings:
                    copy.write_row(row)
            with cur.copy(f"COPY search_passages_g{g} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in self._rows:
                    copy.write_row(row)
        self._rows, self._postings = [], []

    def finish(self) -> Part | None:
        if self._rows:
            self._flush()
        if self._conn is not None:
            self._conn.commit()
            self._conn.close()
            self._conn = None
        return self.part if self.part.passages else None

    def abandon(self) -> None:
        self._rows, self._postings = [], []
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()  # rolls the part back
