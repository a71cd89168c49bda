"""The rule pattern language, compiled to regular expressions over stemmed text.

A sentence is matched as its stems joined by spaces (see `text.stemmed_line`). A pattern is a sequence of:

    word          the word's stem ("placing" matches "places")
    word*         any token starting with the word's stem ("intrauter*")
    (a b|c)       alternatives, each one or more words; (a|b)? makes them optional
    {concept}     any phrase of a named concept from the knowledge base's terms
    ..  / ..N     a gap of up to 6 (or N) tokens
    *             exactly one token
    #             a number ("20", "15%", "1.5")

Example: "{ici} .. {aka} .. {iui}" matches "intra cervical insemination, also known as intrauterine insemination".
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .text import stem, words

_PIECE = re.compile(r"\{[^}]*\}|\([^)]*\)\??|\.\.\d*|\S+")
_DEFAULT_GAP = 6


class PatternError(ValueError):
    """A pattern is malformed; the message says which part."""


def phrase_regex(phrase: str) -> str:
    """Regex for one literal phrase: each word stemmed, each followed by a space."""
    tokens = words(phrase)
    if not tokens:
        raise PatternError(f"phrase {phrase!r} has no words")
    out = []
    for token in tokens:
        out.append(re.escape(stem(token)) + " ")
    return "".join(out)


def _word_regex(word: str) -> str:
    if word == "#":
        return r"\d[\d.,]*%? "
    if word.endswith("*") and len(word) > 1:
        base = words(word[:-1])
        if len(base) != 1:
            raise PatternError(f"prefix {word!r} must be one word")
        return _prefix_regex(base[0])
    return phrase_regex(word)


def _prefix_regex(prefix: str) -> str:
    """Tokens starting with the prefix, or stems the stemmer cut shorter than it ("evidenc*" -> "evid").

    Snowball removes at most a few trailing letters, so a stem that is the prefix less up to three letters
    is the stem of a word that began with the prefix.
    """
    shorter = [re.escape(prefix[:k]) for k in range(max(3, len(prefix) - 3), len(prefix))]
    starts = {re.escape(stem(prefix)), re.escape(prefix)}
    options = [s + r"\S*" for s in sorted(starts)] + shorter
    return "(?:" + "|".join(options) + ") "


def alternatives_regex(phrases: list[str]) -> str:
    """Regex matching any of `phrases`, longest first so the longest phrase wins."""
    parts = sorted({_alt(p) for p in phrases}, key=len, reverse=True)
    return "(?:" + "|".join(parts) + ")"


def _alt(phrase: str) -> str:
    return "".join(_word_regex(w) for w in phrase.split())


def compile_pattern(pattern: str, concepts: Mapping[str, list[str]]) -> re.Pattern[str]:
    """Compile `pattern` against `concepts`; raises PatternError naming the unknown or bad part."""
    out = []
    pieces = _PIECE.findall(pattern)
    if not pieces:
        raise PatternError("pattern is empty")
    for piece in pieces:
        if piece.startswith("{"):
            name = piece[1:-1].strip()
            if name not in concepts:
                raise PatternError(f"unknown concept {{{name}}}")
            out.append(alternatives_regex(concepts[name]))
        elif piece.startswith("("):
            optional = piece.endswith("?")
            alts = [a.strip() for a in piece.rstrip("?")[1:-1].split("|")]
            if not all(alts):
                raise PatternError(f"empty alternative in {piece}")
            out.append(alternatives_regex(alts) + ("?" if optional else ""))
        elif piece.startswith(".."):
            gap = int(piece[2:]) if len(piece) > 2 else _DEFAULT_GAP
            out.append(r"(?:\S+ ){0,%d}" % gap)
        elif piece == "*":
            out.append(r"\S+ ")
        elif piece == "#":
            out.append(r"\d[\d.,]*%? ")
        else:
            out.append(_word_regex(piece))
    if all(p.startswith("(?:\\S+ )") for p in out):
        raise PatternError("pattern has only gaps")
    # Anchor on a token boundary: the stemmed line starts with a space and every token ends with one.
    return re.compile("(?<= )" + "".join(out))
