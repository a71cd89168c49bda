"""Turning what a person typed into a whoosh query: lenient parsing, synonym expansion, capped wildcards."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from whoosh import qparser
from whoosh import query as wq

from ..engine.whoosh.schema import SEARCH_FIELDS, analyzer, term_spans
from ..errors import QueryError
from ..knowledge.base import KnowledgeBase

MAX_QUERY_CHARS = 500
MAX_EXPANSIONS = 64  # terms a wildcard may stand for: keeps "a*" from scanning the whole vocabulary
MIN_PREFIX = 2
# Bounds on a query's wildcard work, whatever is typed: the words looked at for all its wildcards, the wildcards in
# one word, and the longest word a wildcard is tested against (longer ones are not matched, except by a plain
# "prefix*"). The work is at most MAX_EXAMINED tests of a word of MAX_WILDCARD_TERM characters, each a fixed number
# of regex searches without backtracking. And the terms all its wildcards stand for, in all fields: a hundred
# prefixes of 64 terms each made a search of 21,000 terms (3.5 s on MedQuAD).
MAX_EXAMINED = 10_000  # about 0.1 s of looking
MAX_SEARCHED = 512
MAX_WILDCARDS = 8
MAX_WILDCARD_TERM = 64
_STARS = re.compile(r"\*+")  # a run of stars means what one star means
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_QUOTED = re.compile(r'"[^"]*"')
_OPERATOR_WORDS = {"and", "or", "not", "andnot", "andmaybe"}
_OPERATORS = {w.upper() for w in _OPERATOR_WORDS}  # whoosh reads them as operators only in capitals
_PLAIN_WORD = re.compile(r"[^\W_]+")
# Built once per schema / knowledge base (keyed by id, holding the object so that the id cannot be reused)
_PARSERS: dict[int, tuple] = {}
_SYNONYMS: dict[int, tuple] = {}


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the query as typed, cleaned of control characters
    query: wq.Query
    expansions: tuple[str, ...]  # synonym groups applied, as readable strings
    notes: tuple[str, ...]  # what was changed or ignored, in plain words


def clean_query(text: str) -> str:
    """The query with control and invisible characters removed; QueryError if it is too long."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is too long ({len(text)} characters; the limit is {MAX_QUERY_CHARS})", "q")
    return " ".join(_CONTROL.sub(" ", text).split())


def _balance(text: str) -> str:
    """Close what the person left open: an odd quote, unbalanced parentheses."""
    if text.count('"') % 2:
        text = text[::-1].replace('"', "", 1)[::-1]
    depth = 0
    out = []
    for ch in text:
        if ch == ")" and depth == 0:
            continue
        depth += (ch == "(") - (ch == ")")
        out.append(ch)
    return "".join(out) + ")" * depth


def _quote(phrase: str) -> str:
    return f'"{phrase}"' if " " in phrase else phrase


def _synonym_patterns(kb: KnowledgeBase) -> list[tuple[re.Pattern, tuple[str, ...]]]:
    """Each synonym phrase as a pattern (a trailing plural "s" still counts), longest first; compiled once per
    knowledge base."""
    cached = _SYNONYMS.get(id(kb))
    if cached is None or cached[0] is not kb:
        phrases = sorted(((p, g) for g in kb.synonyms for p in g), key=lambda item: len(item[0]), reverse=True)
        patterns = [(re.compile(r"(?<!\w)" + re.escape(p) + r"(?:s|es)?(?!\w)", re.I), g) for p, g in phrases]
        cached = _SYNONYMS[id(kb)] = (kb, patterns)
    return cached[1]


def expand_synonyms(text: str, kb: KnowledgeBase) -> tuple[str, list[str]]:
    """Replace each known phrase outside quotes with an OR-group of its synonyms (longest phrases first)."""
    applied = []
    pieces = []
    last = 0
    for quoted in _QUOTED.finditer(text):
        pieces.append((text[last : quoted.start()], True))
        pieces.append((quoted.group(), False))
        last = quoted.end()
    pieces.append((text[last:], True))
    phrases = _synonym_patterns(kb)
    groups: list[str] = []
    out = []
    for piece, expandable in pieces:
        if expandable:
            for pattern, group in phrases:
                # placeholders keep later phrases out of earlier expansions
                if pattern.search(piece):
                    alternatives = "(" + " OR ".join(_quote(p) for p in group) + ")"
                    groups.append(alternatives)
                    piece = pattern.sub(f" \x03{len(groups) - 1}\x03 ", piece)
                    label = " / ".join(group)
                    if label not in applied:
                        applied.append(label)
            piece = re.sub("\x03(\\d+)\x03", lambda m: groups[int(m.group(1))], piece)
        out.append(piece)
    return "".join(out), applied


def _parser(schema) -> qparser.MultifieldParser:
    """The parser for `schema`, built once (building one cost as much as parsing)."""
    cached = _PARSERS.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    # words are OR-ed with no coordination bonus: BM25 already ranks a passage with more of them higher (measured on
    # MedQuAD, whoosh's bonus, OrGroup.factory(0.9), changed nDCG@10 by under 0.002; BENCHMARKS.md)
    parser = qparser.MultifieldParser(list(SEARCH_FIELDS), schema, group=qparser.OrGroup)
    for plugin in (
        qparser.FieldsPlugin,
        qparser.RangePlugin,
        qparser.EveryPlugin,
        qparser.SingleQuotePlugin,
        qparser.BoostPlugin,
    ):
        parser.remove_plugin_class(plugin)
    if len(_PARSERS) > 8:  # one schema per opened build: forget old builds'
        _PARSERS.clear()
    _PARSERS[id(schema)] = (schema, parser)
    return parser


def glob_matcher(pattern: str) -> Callable[[str], bool]:
    """A test of whether a whole word matches `pattern` ("*" any run of characters, "?" any one character).

    Each star-free piece is placed at its first fit after the one before and never moved again (the first fit
    leaves the most room for the pieces after it, so no match is missed): a word costs one search per piece, none
    of the backtracking of a ".*" regex (which made "re" + 27 "*" + "e*zq" take 30 s on five documents).
    """
    texts = _STARS.sub("*", pattern).split("*")
    pieces = [re.compile("".join("." if c == "?" else re.escape(c) for c in text), re.S) for text in texts]
    if len(pieces) == 1:
        return lambda word: pieces[0].fullmatch(word) is not None
    head, *middle, tail = pieces
    least, head_size, tail_size = sum(map(len, texts)), len(texts[0]), len(texts[-1])

    def matches(word: str) -> bool:
        end = len(word) - tail_size
        if len(word) < least or not head.match(word) or not tail.fullmatch(word, end):
            return False
        pos = head_size
        for piece in middle:
            found = piece.search(word, pos, end)
            if found is None:
                return False
            pos = found.end()
        return True

    return matches


class _Wildcards:
    """Replaces each wildcard or prefix of one query with an OR of at most MAX_EXPANSIONS matching terms, looking
    at no more than MAX_EXAMINED vocabulary terms and searching no more than MAX_SEARCHED terms in all (a query may
    hold a hundred wildcards)."""

    def __init__(self, reader, notes: list[str]) -> None:
        self.reader, self.notes = reader, notes
        self.examined = 0  # vocabulary terms looked at so far, for every wildcard of the query
        self.searched = 0  # terms the wildcards stand for so far
        self._done: dict[tuple[str, str], wq.Query] = {}  # (field, pattern): a repeated wildcard costs nothing

    def __call__(self, q: wq.Query) -> wq.Query:
        if isinstance(q, wq.Every):
            self.notes.append("'*' alone matches everything; add a word to search for")
            return wq.NullQuery
        if isinstance(q, (wq.Wildcard, wq.Prefix)):
            text = _STARS.sub("*", q.text + ("*" if isinstance(q, wq.Prefix) else ""))
            key = (q.fieldname, text)
            if key not in self._done:
                self._done[key] = self._expand(q.fieldname, text)
            return self._done[key]
        if q.is_leaf():
            return q
        return q.apply(self)

    def _expand(self, field: str, text: str) -> wq.Query:
        prefix = re.split(r"[*?]", text, maxsplit=1)[0]
        if len(prefix) < MIN_PREFIX:
            self.notes.append(f"'{text}' is too broad to search for and was ignored")
            return wq.NullQuery
        wildcards = len(re.findall(r"[*?]", text))
        if wildcards > MAX_WILDCARDS:
            self.notes.append(f"'{text}' has too many wildcards (the limit is {MAX_WILDCARDS}) and was ignored")
            return wq.NullQuery
        plain_prefix = text == prefix + "*"  # every term starting with the prefix matches: nothing to test
        if not plain_prefix and len(text) - text.count("*") > MAX_WILDCARD_TERM:
            self.notes.append(
                f"'{text}' is longer than any word a wildcard is matched against "
                f"(the limit is {MAX_WILDCARD_TERM} characters) and was ignored"
            )
            return wq.NullQuery
        matches = None if plain_prefix else glob_matcher(text)
        room = min(MAX_EXPANSIONS, MAX_SEARCHED - self.searched)
        terms = []
        for term in islice(self.reader.expand_prefix(field, prefix), MAX_EXAMINED - self.examined):
            self.examined += 1
            if len(terms) >= room:  # and there is one more
                if room == MAX_EXPANSIONS:
                    self.notes.append(f"'{text}' matches many words; only the first {MAX_EXPANSIONS} were searched")
                else:
                    self.notes.append(
                        f"the query's wildcards stand for too many words (the limit is {MAX_SEARCHED} in all); "
                        "some words they match were not searched"
                    )
                break
            term = term.decode() if isinstance(term, bytes) else term
            if matches is None or (len(term) <= MAX_WILDCARD_TERM and matches(term)):
                terms.append(wq.Term(field, term))
        else:
            if self.examined >= MAX_EXAMINED:
                self.notes.append(
                    f"the query's wildcards had too many words to look through (the limit is {MAX_EXAMINED:,}); "
                    "some words they match were not searched"
                )
        self.searched += len(terms)
        return wq.Or(terms) if terms else wq.NullQuery


def _and_not(q: wq.Query) -> wq.Query:
    """In an OR group, "a NOT b" means a without b, not "a, or anything without b"."""
    if isinstance(q, wq.Or):
        negatives = [sub.query for sub in q.subqueries if isinstance(sub, wq.Not)]
        positives = [sub for sub in q.subqueries if not isinstance(sub, wq.Not)]
        if negatives and positives:
            return wq.AndNot(wq.Or(positives), wq.Or(negatives))
        if negatives:
            return wq.NullQuery
    if isinstance(q, wq.Not):
        return wq.NullQuery
    return q


def _fallback(text: str, schema) -> wq.Query:
    """Plain words OR-ed together: used when the typed syntax cannot be parsed."""
    words = [t.text for t in analyzer()(text)]
    return wq.Or([wq.Term(field, w) for w in words for field in SEARCH_FIELDS]) if words else wq.NullQuery


def _plain_words(text: str) -> wq.Query | None:
    """The query whoosh's parser would make of words without any syntax (most queries), built directly; None if
    `text` has anything for the parser to read (quotes, brackets, operators, wildcards, punctuation)."""
    words = text.split()
    if not words or not all(_PLAIN_WORD.fullmatch(w) and w not in _OPERATORS for w in words):
        return None
    groups = []
    for word in words:
        terms = [term for term, _, _ in term_spans(word)]
        if len(terms) > 1:
            return None
        if terms:
            groups.append(wq.Or([wq.Term(field, terms[0]) for field in SEARCH_FIELDS]))
    if not groups:
        return wq.NullQuery
    return groups[0] if len(groups) == 1 else wq.Or(groups)


def parse_query(text: str, schema, kb: KnowledgeBase, reader) -> ParsedQuery:
    """Parse what a person typed; never raises on odd syntax (QueryError only for a query that is too long)."""
    cleaned = clean_query(text)
    notes: list[str] = []
    expanded, applied = expand_synonyms(_balance(cleaned), kb)
    if all(w.lower() in _OPERATOR_WORDS for w in re.findall(r"\w+", expanded)):
        expanded = expanded.lower()  # a query of only "AND"/"OR" means the words themselves
    try:
        q = _plain_words(expanded)
        if q is None:
            q = _parser(schema).parse(expanded)
    except Exception:  # whoosh's parser raises assorted errors on odd syntax; plain words are a fair reading
        notes.append("the query's syntax could not be read, so its words were searched for")
        q = _fallback(cleaned, schema)
    q = _and_not(_Wildcards(reader, notes)(q).normalize())
    return ParsedQuery(cleaned, q, tuple(applied), tuple(dict.fromkeys(notes)))
