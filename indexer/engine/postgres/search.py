"""Searching one generation with BM25 per field, times the field's boost, summed: whoosh's `FieldBM25` arithmetic
(idf log(N / (df + 1)) + 1, K1 1.2, B 0.75, field lengths as whoosh stores them) on the generation's own term
statistics, so queries score as on the whoosh folder.

A plain OR of terms (most queries) is scored term at a time: its terms' rows of search_postings, an index-only scan,
summed per passage (a filter keeps the passages whose rows pass it). Anything else (phrases, AND, NOT) is matched by
GIN with the tsquery of tsquery.py and
each match scored from its `tf`; a phrase adds its words' scores where the phrase is, as whoosh's does."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import sqlalchemy as sa

from ..whoosh.schema import HEADING_BOOST, TITLE_BOOST, build_schema
from .tsquery import EVERYTHING, all_terms, flat_terms, score_sql, to_tsquery
from .writer import FIELDS

K1, B = 1.2, 0.75
BOOSTS = {"title": TITLE_BOOST, "heading": HEADING_BOOST, "text": 1.0}
_SCHEMA = build_schema()  # queries are parsed against the same fields and analyzer as on whoosh
PREFIX_BATCH = 1000


class PostgresIndex:
    """One generation of a library, searched on `engine` (the primary, or a standby)."""

    def __init__(self, engine: sa.Engine, generation: int, stats: dict) -> None:
        self.engine, self.generation = engine, generation
        self.passages = max(int(stats.get("passages", 0)), 1)
        lengths = stats.get("lengths", {})
        self.average = {f: (lengths.get(f, 0) / self.passages) or 1.0 for f in FIELDS}
        self.schema = _SCHEMA

    def searcher(self) -> PostgresSearcher:
        return PostgresSearcher(self)

    def top(self, searcher: PostgresSearcher, query, limit: int, filter=None) -> tuple[int, list[tuple[float, int]]]:
        flat = flat_terms(query)
        if flat is not None:
            return self._term_at_a_time(searcher, flat, limit, filter)
        tsquery = to_tsquery(query)
        if tsquery is None:
            return 0, []
        params: dict = {"g": self.generation, "limit": limit}
        where = ["generation = :g", *_limits(filter, params)]
        if tsquery != EVERYTHING:
            where.append("tsv @@ CAST(:q AS tsquery)")
            params["q"] = tsquery
        score = self._score(searcher, query, params)
        sql = (
            f"SELECT seq, status, {score} AS score, count(*) OVER () AS total FROM search_passages "
            f"WHERE {' AND '.join(where)} ORDER BY score DESC, seq LIMIT :limit"
        )
        rows = searcher.run(sql, params)
        searcher.remember({row.seq: row.status for row in rows})
        return (rows[0].total if rows else 0), [(float(row.score), row.seq) for row in rows]

    def _term_at_a_time(self, searcher: PostgresSearcher, pairs: list, limit: int, filter=None) -> tuple[int, list]:
        """A plain OR of terms, scored from the postings of its terms alone: each (field, term)'s BM25 summed per
        passage (a term twice in the query counts twice), every passage with a posting matched (and, with a filter,
        whose row passes it)."""
        frequencies = searcher.document_frequencies(list(dict.fromkeys(pairs)))
        weights: dict[str, list[float]] = {}
        for field, term in pairs:
            df = frequencies.get((field, term), 0)
            if not df:
                continue
            key = f"{FIELDS[field][1]}:{term}"
            idf = math.log(self.passages / (df + 1)) + 1
            found = weights.setdefault(key, [0.0, K1 * (1 - B), K1 * B / self.average[field]])
            found[0] += BOOSTS[field] * idf * (K1 + 1)
        if not weights:
            return 0, []
        keys = list(weights)
        params = {
            "g": self.generation,
            "keys": keys,
            "w": [weights[k][0] for k in keys],
            "c1": [weights[k][1] for k in keys],
            "c2": [weights[k][2] for k in keys],
            "limit": limit,
        }
        limits = _limits(filter, params)
        passing = (
            f"AND p.seq IN (SELECT seq FROM search_passages WHERE generation = :g AND {' AND '.join(limits)}) "
            if limits
            else ""
        )
        rows = searcher.run(
            "SELECT p.seq, sum(q.w * p.tf / (p.tf + q.c1 + q.c2 * p.len)) AS score, count(*) OVER () AS total "
            "FROM search_postings p JOIN unnest(CAST(:keys AS text[]), CAST(:w AS float8[]), CAST(:c1 AS float8[]), "
            'CAST(:c2 AS float8[])) AS q(key, w, c1, c2) ON p.key = q.key COLLATE "C" '
            f"WHERE p.generation = :g {passing}GROUP BY p.seq ORDER BY score DESC, p.seq LIMIT :limit",
            params,
        )
        return (rows[0].total if rows else 0), [(float(row.score), row.seq) for row in rows]

    def _score(self, searcher: PostgresSearcher, query, params: dict) -> str:
        """The SQL expression of a passage's score: each matching term's BM25 on its field, times the field's boost,
        summed over the query's parts as whoosh sums them (a term twice in the query counts twice)."""
        frequencies = searcher.document_frequencies(all_terms(query))
        names: dict[str, str] = {}

        def term_sql(field: str, term: str) -> str | None:
            df = frequencies.get((field, term), 0)
            if not df:
                return None
            idf = math.log(self.passages / (df + 1)) + 1
            name = names.setdefault(f"{FIELDS[field][1]}:{term}", f"t{len(names)}")
            params[name] = f"{FIELDS[field][1]}:{term}"
            tf = f"COALESCE(CAST(tf ->> :{name} AS float8), 0)"
            norm = f"({K1 * (1 - B)!r} + {K1 * B / self.average[field]!r} * len_{field})"
            return f"{BOOSTS[field] * idf * (K1 + 1)!r} * {tf} / ({tf} + {norm})"

        def phrase_param(tsquery: str) -> str:
            name = names.setdefault(tsquery, f"t{len(names)}")
            params[name] = tsquery
            return f":{name}"

        return score_sql(query, term_sql, phrase_param) or "0.0"


def _limits(filter, params: dict) -> list[str]:
    """The SQL conditions on a passage's row of `filter` (statuses, documents, topic), their values into `params`."""
    where = []
    if filter and filter.statuses:
        where.append("status = ANY(:statuses)")
        params["statuses"] = list(filter.statuses)
    if filter and filter.doc_ids:
        where.append("doc_id = ANY(:doc_ids)")
        params["doc_ids"] = list(filter.doc_ids)
    if filter and filter.topic:
        where.append("topics @> ARRAY[CAST(:topic AS text)]")
        params["topic"] = filter.topic.lower()
    return where


class PostgresSearcher:
    """Searches of one thread: connections from the process's pool, the statuses and fields of recent results."""

    def __init__(self, index: PostgresIndex) -> None:
        self.index = index
        self.schema = index.schema
        self._statuses: dict[int, str] = {}

    def run(self, sql: str, params: dict) -> list:
        with self.index.engine.connect() as conn:
            return list(conn.execute(sa.text(sql), params))

    def remember(self, statuses: dict[int, str]) -> None:
        self._statuses = statuses

    def document_frequencies(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
        if not pairs:
            return {}
        rows = self.run(
            "SELECT field, term, df FROM search_terms WHERE generation = :g "
            "AND (field, term) IN (SELECT * FROM unnest(CAST(:fields AS text[]), CAST(:terms AS text[])))",
            {"g": self.index.generation, "fields": [f for f, _ in pairs], "terms": [t for _, t in pairs]},
        )
        return {(row.field, row.term): row.df for row in rows}

    def expand_prefix(self, field: str, prefix: str) -> Iterator[str]:
        after = prefix
        first = True
        while True:
            rows = self.run(
                "SELECT term FROM search_terms WHERE generation = :g AND field = :field "
                f"AND term {'>=' if first else '>'} :after AND starts_with(term, :prefix) "
                "ORDER BY term LIMIT :n",
                {"g": self.index.generation, "field": field, "after": after, "prefix": prefix, "n": PREFIX_BATCH},
            )
            for row in rows:
                yield row.term
            if len(rows) < PREFIX_BATCH:
                return
            after, first = rows[-1].term, False

    def frequency(self, field: str, term: str) -> int:
        rows = self.run(
            "SELECT freq FROM search_terms WHERE generation = :g AND field = :field AND term = :term",
            {"g": self.index.generation, "field": field, "term": term},
        )
        return rows[0].freq if rows else 0

    def stored_fields(self, key: int) -> dict:
        return self.stored([key])[0]

    def stored(self, keys: Sequence[int]) -> list[dict]:
        rows = self.run(
            "SELECT seq, fields FROM search_passages WHERE generation = :g AND seq = ANY(:keys)",
            {"g": self.index.generation, "keys": list(keys)},
        )
        found = {row.seq: row.fields for row in rows}
        return [found[k] for k in keys]

    def statuses(self, keys: Sequence[int]) -> list[str]:
        missing = [k for k in keys if k not in self._statuses]
        if missing:
            rows = self.run(
                "SELECT seq, status FROM search_passages WHERE generation = :g AND seq = ANY(:keys)",
                {"g": self.index.generation, "keys": missing},
            )
            self._statuses.update({row.seq: row.status for row in rows})
        return [self._statuses[k] for k in keys]

    def document(self, passage_id: str) -> dict | None:
        rows = self.run(
            "SELECT fields FROM search_passages WHERE generation = :g AND passage_id = :id LIMIT 1",
            {"g": self.index.generation, "id": passage_id},
        )
        return rows[0].fields if rows else None

    def by_topic(self, topic: str, statuses: Sequence[str], limit: int) -> list[dict]:
        rows = self.run(
            "SELECT fields FROM search_passages WHERE generation = :g AND topics @> ARRAY[CAST(:topic AS text)] "
            "AND status = ANY(:statuses) ORDER BY passage_id LIMIT :limit",
            {"g": self.index.generation, "topic": topic.lower(), "statuses": list(statuses), "limit": limit},
        )
        return [row.fields for row in rows]

    def close(self) -> None:
        self._statuses = {}

    def __enter__(self) -> PostgresSearcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
