"""whoosh query objects (what search/query.py's parser makes) as a PostgreSQL tsquery over the passages' weighted
tsvector, and the terms a match is scored by.

Term -> 'stem':W (W the field's weight: title A, heading B, text D); Or -> |, And -> &, AndNot -> a & !b, Not -> !a,
Phrase -> 'a':W <-> 'b':W, AndMaybe -> its required part (the optional part only adds to the score). NullQuery and an
empty group match nothing (None); Every matches everything (EVERYTHING).
"""

from __future__ import annotations

from whoosh import query as wq

from .writer import FIELDS

EVERYTHING = "EVERYTHING"


def _lexeme(term: str, field: str) -> str | None:
    spec = FIELDS.get(field)
    if spec is None:
        return None  # a field that is not searched (status, doc_id...): nothing matches it as a word
    quoted = "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"
    return f"{quoted}:{spec[0]}"


def _text(term) -> str:
    return term.decode() if isinstance(term, bytes) else term


def _group(parts: list[str | None], joiner: str, every_wins: bool) -> str | None:
    if EVERYTHING in parts:
        if every_wins:
            return EVERYTHING
        parts = [p for p in parts if p != EVERYTHING]
        if not parts:
            return EVERYTHING
    kept = [p for p in parts if p is not None]
    if joiner == " & " and len(kept) < len(parts):
        return None  # one part matches nothing, so all of them together match nothing
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else "(" + joiner.join(kept) + ")"


def to_tsquery(q: wq.Query) -> str | None:
    """The tsquery text of `q`, None if it matches nothing, EVERYTHING if it matches every passage."""
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return None
    if isinstance(q, wq.Every):
        return EVERYTHING
    if isinstance(q, wq.Term):
        return _lexeme(_text(q.text), q.fieldname)
    if isinstance(q, wq.Phrase):
        words = [_lexeme(_text(w), q.fieldname) for w in q.words]
        if not words or None in words:
            return None
        return words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")"
    if isinstance(q, wq.AndNot):
        positive, negative = to_tsquery(q.a), to_tsquery(q.b)
        if positive is None or negative == EVERYTHING:
            return None
        if negative is None:
            return positive
        return f"(!{negative})" if positive == EVERYTHING else f"({positive} & !{negative})"
    if isinstance(q, wq.AndMaybe):
        return to_tsquery(q.a)
    if isinstance(q, wq.Not):
        inner = to_tsquery(q.query)
        if inner == EVERYTHING:
            return None
        return EVERYTHING if inner is None else f"(!{inner})"
    if isinstance(q, wq.Or):  # DisjunctionMax and Or
        return _group([to_tsquery(s) for s in q.subqueries], " | ", every_wins=True)
    if isinstance(q, wq.And):  # And, Ordered, Require...
        return _group([to_tsquery(s) for s in q.subqueries], " & ", every_wins=False)
    if isinstance(q, wq.CompoundQuery):
        return _group([to_tsquery(s) for s in q.subqueries], " | ", every_wins=True)
    return None  # ranges, wildcards (expanded before this) and the like: not in our query language


def all_terms(q: wq.Query) -> list[tuple[str, str]]:
    """Every searched (field, term) pair of `q` that can add to a score (not under a NOT), each once."""
    found: dict[tuple[str, str], None] = {}

    def visit(node) -> None:
        if isinstance(node, wq.Term | wq.Phrase):
            if node.fieldname in FIELDS:
                for word in node.words if isinstance(node, wq.Phrase) else [node.text]:
                    found[(node.fieldname, _text(word))] = None
        elif isinstance(node, wq.AndNot):
            visit(node.a)
        elif isinstance(node, wq.AndMaybe):
            visit(node.a)
            visit(node.b)
        elif isinstance(node, wq.CompoundQuery):
            for sub in node.subqueries:
                visit(sub)

    visit(q)
    return list(found)


def score_sql(q: wq.Query, term_sql, phrase_param) -> str | None:
    """The SQL of a match's score as whoosh adds it up: a term its BM25 (`term_sql(field, term)`, None if unknown), a
    phrase its words' when the phrase is there (`phrase_param(tsquery)` names the parameter), a group the sum of its
    parts; NOT adds nothing."""
    if isinstance(q, wq.Term):
        return term_sql(q.fieldname, _text(q.text)) if q.fieldname in FIELDS else None
    if isinstance(q, wq.Phrase):
        words = [term_sql(q.fieldname, _text(w)) for w in q.words] if q.fieldname in FIELDS else [None]
        tsquery = to_tsquery(q)
        if None in words or tsquery is None:
            return None
        if len(words) == 1:
            return words[0]
        return f"(CASE WHEN tsv @@ CAST({phrase_param(tsquery)} AS tsquery) THEN {' + '.join(words)} ELSE 0 END)"
    if isinstance(q, wq.AndNot):
        return score_sql(q.a, term_sql, phrase_param)
    if isinstance(q, wq.AndMaybe):
        parts = [score_sql(s, term_sql, phrase_param) for s in (q.a, q.b)]
    elif isinstance(q, wq.CompoundQuery):
        parts = [score_sql(s, term_sql, phrase_param) for s in q.subqueries]
    else:
        return None
    kept = [p for p in parts if p is not None]
    return ("(" + " + ".join(kept) + ")") if kept else None


def flat_terms(q: wq.Query) -> list[tuple[str, str]] | None:
    """The (field, term) pairs of a term or a plain OR of terms (most queries: words across the fields, synonyms,
    expanded wildcards), repeats kept; None for anything else (phrases, AND, NOT, boosts)."""
    subqueries = [q] if isinstance(q, wq.Term) else q.subqueries if type(q) is wq.Or and q.boost == 1.0 else None
    if not subqueries or not all(type(s) is wq.Term and s.boost == 1.0 for s in subqueries):
        return None
    if any(s.fieldname not in FIELDS for s in subqueries):
        return None
    return [(s.fieldname, _text(s.text)) for s in subqueries]
