"""The rule pattern language, compiled to regular expressions over stemmed text, with a cheap token prefilter.

A sentence is matched as its stems joined by spaces, with a few punctuation marks kept as tokens of their own
(see `text.claim_line`). A pattern is a sequence of:

    word          the word's stem ("placing" matches "places"); a number also matches its percentage ("20" -> "20%")
    word*         any token starting with the word's stem ("intrauter*")
    (a b|c)       alternatives, each one or more words or gaps, or a whole {concept}; (a|b)? makes them optional
    {concept}     any phrase of a named concept from the knowledge base's terms
    ..  / ..N     a gap of up to 6 (or N) words
    *             exactly one word
    #             a number ("20", "15%", "1.5")
    <,> <(> <)> <-> <;> <:>   that punctuation mark (a dash is "-"), <,>? if optional; elsewhere it is skipped
    a & b         both parts anywhere in the sentence, in either order ("{insemination} & {repeat-losses}")
    $             the end of the text searched: a relation's cue ending in it stands right before the object

Example: "{ici} .. {aka} .. {iui}" matches "intra cervical insemination, also known as intrauterine insemination".

Each compiled pattern also lists the tokens it cannot match without (`needs`): a sentence lacking them is skipped
without running the regex, which keeps checking a large corpus fast.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

from ..language.text import PUNCTUATION, stem, words

_PIECE = re.compile(r"\{[^}]*\}|\([^)]*\)\??|<[^>]+>\??|\.\.\d*|\S+")
_DEFAULT_GAP = 6
_SKIP = rf"(?:[{re.escape(PUNCTUATION)}] )*"  # punctuation a pattern does not mention is passed over
_WORD = rf"[^\s{re.escape(PUNCTUATION)}]\S* "
_NUMBER = r"\d[\d.,]*%? "


# Frequent words make poor prefilter keys: a phrase is keyed by its least common word, a pattern indexed by its
# least common piece (see `cost`).
_COMMON_WORDS = (
    "the a an is are be been being was were of to in on at for and or it its this that these those can could may "
    "might will would should must shall do does did done have has had having you your yours we our us they their "
    "them he she her his him i me my not no n't as by with from about into than then so if when while which who "
    "what how why more most less many much some any all one two three first second third another other such also "
    "very just only even after before over under up down out off again there here time times get gets got make "
    "makes made take takes way ways well good new like use used home self soft keep keeps kept back day days "
    "treatment treatments support together data test tests help helps shown option options health people women "
    "risk cause causes problem problems disease diseases symptoms doctor doctors body blood cell cells loss "
    "children child patients patient person years year early"
)
_COMMON = frozenset("=" + stem(w) for w in _COMMON_WORDS.split()) | frozenset("=" + w for w in _COMMON_WORDS.split())


def cost(need: frozenset[str]) -> float:
    """How likely a sentence is to have one of `need`'s features: common words and short prefixes cost more."""
    return sum(50 if f in _COMMON else 4 if f.startswith("^") and len(f) < 6 else 1 for f in need)


class PatternError(ValueError):
    """A pattern is malformed; the message says which part."""


_COMPILED: dict[str, re.Pattern[str]] = {}


def _compiled(expression: str) -> re.Pattern[str]:
    compiled = _COMPILED.get(expression)
    if compiled is None:
        compiled = _COMPILED[expression] = re.compile(expression)
    return compiled


@dataclass(frozen=True)
class Span:
    """Where the parts of an "a & b" pattern matched: from the first part's start to the last part's end."""

    first: int
    last: int

    def start(self) -> int:
        return self.first

    def end(self) -> int:
        return self.last


@dataclass(frozen=True)
class Pattern:
    """A compiled pattern: its regex and, per required piece, the features one of which a sentence must have."""

    source: str
    expression: str  # the regular expression, compiled on first use: most rules never meet a candidate sentence
    needs: tuple[frozenset[str], ...]
    single_words: bool = False  # one piece of one-word alternatives: the needs alone decide a match
    together: tuple[str, ...] = ()  # further parts of an "a & b" pattern, each anywhere in the sentence
    # For a pattern of one group of phrases ("{male-factor}": "low sperm count|poor sperm quality|..."), each
    # phrase's words' features: `needs` holds one word of each phrase, so a sentence with "low" passes it, while
    # a phrase matches only where all its words are (empty when every phrase is one word, or for other patterns)
    choices: tuple[tuple[frozenset[str], ...], ...] = ()

    @property
    def regex(self) -> re.Pattern[str]:
        return _compiled(self.expression)

    def search(self, line: str, features: frozenset[str] | set[str]) -> re.Match[str] | Span | None:
        """The first match in `line`, or None; `features` are the sentence's (see `text.FeatureIndex`)."""
        return self.find(line) if self.possible(features) else None

    def possible(self, features: frozenset[str] | set[str]) -> bool:
        """Whether a sentence with `features` has every piece the pattern needs (else it cannot match)."""
        words, either = self._required
        if not words <= features:
            return False
        for need in either:
            if need.isdisjoint(features):
                return False
        if self.choices:
            by_key = self._choices_by_key
            if by_key.keys().isdisjoint(features):
                return False  # the sentence has no phrase's rarest word: most sentences
            for key in by_key.keys() & features:  # only the phrases whose rarest word the sentence has
                for words, either in by_key[key]:
                    if words <= features and all(not need.isdisjoint(features) for need in either):
                        return True
            return False
        return True

    @cached_property
    def _required(self) -> tuple[frozenset[str], tuple[frozenset[str], ...]]:
        return split_needs(self.needs)

    @cached_property
    def _choices_by_key(self) -> dict[str, list[tuple[frozenset[str], tuple[frozenset[str], ...]]]]:
        """Each feature -> the choices whose least common word it is a feature of (split as `split_needs`)."""
        by_key: dict[str, list] = {}
        for choice in self.choices:
            for feature in min(choice, key=cost):
                by_key.setdefault(feature, []).append(split_needs(choice))
        return by_key

    def features(self) -> frozenset[str]:
        """Every feature `possible` may look for (a feature index must produce them all)."""
        return frozenset().union(*self.needs, *(need for choice in self.choices for need in choice))

    def find(self, line: str) -> re.Match[str] | Span | None:
        """The first match in `line`, or None, without the feature prefilter (for callers that applied it)."""
        match = self.regex.search(line)
        if match is None or not self.together:
            return match
        first, last = match.start(), match.end()
        for expression in self.together:
            part = _compiled(expression).search(line)
            if part is None:
                return None
            first, last = min(first, part.start()), max(last, part.end())
        return Span(first, last)

    def occurs(self, line: str, features: frozenset[str] | set[str]) -> bool:
        """Whether the pattern matches, without building a match when the features settle it."""
        if self.single_words:
            return not self.needs[0].isdisjoint(features)
        return self.search(line, features) is not None


def one_need_each(patterns) -> frozenset[str] | None:
    """One need of each of `patterns` (`Pattern.possible` holds only where each of its needs does): a line with none
    of these features is possible for none of them. None when one is an "a & b" pattern, which is always tried."""
    if any(p.together for p in patterns):
        return None
    return frozenset().union(*(min(p.needs, key=cost) for p in patterns))


def split_needs(needs: tuple[frozenset[str], ...]) -> tuple[frozenset[str], tuple[frozenset[str], ...]]:
    """Needs as the features a sentence must all have (one subset test) and the needs met by any one of theirs."""
    words = frozenset(f for need in needs if len(need) == 1 for f in need)
    return words, tuple(need for need in needs if len(need) > 1)


def _literal(token: str) -> tuple[str, frozenset[str]]:
    stemmed = stem(token)
    if token.isdigit():
        return re.escape(token) + "%? ", frozenset({"=" + token, "=" + token + "%"})
    return re.escape(stemmed) + " ", frozenset({"=" + stemmed})


def _phrase(phrase: str) -> tuple[str, frozenset[str]]:
    """Regex for a phrase of words, prefixes, numbers and gaps, and the features of its least common word."""
    if any(c in phrase for c in "(){}<>|"):
        raise PatternError(f"alternative {phrase!r} cannot hold groups, concepts or punctuation")
    parts, key = [], None
    for word in phrase.split():
        if word.startswith(".."):
            parts.append(_gap(word))
            continue
        regex, need = _word(word)
        parts.append(regex + _SKIP)
        key = need if key is None or cost(need) < cost(key) else key  # any word of the phrase is required
    if key is None:
        raise PatternError(f"phrase {phrase!r} has no words")
    return "".join(parts), key


def _gap(piece: str) -> str:
    if not re.fullmatch(r"\.\.\d*", piece):
        raise PatternError(f"bad gap {piece!r} (use .. or ..N)")
    return f"(?:{_WORD}{_SKIP}){{0,{int(piece[2:]) if len(piece) > 2 else _DEFAULT_GAP}}}"


@lru_cache(maxsize=8192)  # concepts recur across rules: compile each word once
def _word(word: str) -> tuple[str, frozenset[str]]:
    if word == "#":
        return _NUMBER, frozenset({"#"})
    if word.endswith("*") and len(word) > 1:
        base = words(word[:-1])
        if len(base) != 1:
            raise PatternError(f"prefix {word!r} must be one word")
        return _prefix(base[0])
    tokens = words(word)
    if not tokens:
        raise PatternError(f"{word!r} has no letters or digits")
    pieces = [_literal(t) for t in tokens]
    return _SKIP.join(p[0] for p in pieces), pieces[0][1]


# Endings that complete a prefix into words whose stems may be shorter than the prefix ("experienc*" + "e":
# "experience" stems to "experi"); those stems are matched too.
_ENDINGS = (
    "",
    "e",
    "es",
    "s",
    "ed",
    "ing",
    "y",
    "ies",
    "ion",
    "ions",
    "ation",
    "ment",
    "ness",
    "al",
    "ity",
    "ive",
    "ly",
    "ze",
    "zed",
    "zation",
    "se",
    "sed",
    "sation",
    "ty",
    "ce",
    "cy",
    "nce",
    "ncy",
    "nt",
)


def _prefix(prefix: str) -> tuple[str, frozenset[str]]:
    """Tokens starting with the prefix or its stem, or equal to the stem of a word the prefix begins."""
    starts = sorted({stem(prefix), prefix})
    shorter = sorted({s for s in (stem(prefix + e) for e in _ENDINGS) if not s.startswith(tuple(starts))})
    regex = "(?:" + "|".join([re.escape(s) + r"\S*" for s in starts] + [re.escape(s) for s in shorter]) + ") "
    need = frozenset(["^" + s for s in starts] + ["=" + s for s in shorter])
    return regex, need


def alternatives(phrases: list[str]) -> tuple[str, frozenset[str]]:
    """Regex matching any of `phrases` (longest first, so the longest phrase wins) and their first-word features."""
    return _alternatives(tuple(phrases))


@lru_cache(maxsize=2048)
def _alternatives(phrases: tuple[str, ...]) -> tuple[str, frozenset[str]]:
    compiled = {_phrase(p) for p in phrases}
    regex = "(?:" + "|".join(sorted((c[0] for c in compiled), key=len, reverse=True)) + ")"
    return regex, frozenset().union(*(c[1] for c in compiled))


def _expand(alternative: str, concepts: Mapping[str, list[str]]) -> list[str]:
    """An alternative that is a whole "{concept}" stands for the concept's phrases."""
    if alternative.startswith("{") and alternative.endswith("}"):
        name = alternative[1:-1].strip()
        if name not in concepts:
            raise PatternError(f"unknown concept {{{name}}}")
        return list(concepts[name])
    return [alternative]


def compile_pattern(pattern: str, concepts: Mapping[str, list[str]]) -> Pattern:
    """Compile `pattern` against `concepts`; raises PatternError naming the unknown or bad part."""
    if " & " in pattern:
        parts = [compile_pattern(part.strip(), concepts) for part in pattern.split(" & ")]
        needs = tuple(dict.fromkeys(n for p in parts for n in p.needs))
        return Pattern(pattern, parts[0].expression, needs, False, tuple(p.expression for p in parts[1:]))
    out: list[str] = []
    needs: list[frozenset[str]] = []
    pieces = _PIECE.findall(pattern)
    if not pieces:
        raise PatternError("pattern is empty")
    for piece in pieces:
        if piece.startswith("{"):
            name = piece[1:-1].strip()
            if name not in concepts:
                raise PatternError(f"unknown concept {{{name}}}")
            regex, need = alternatives(list(concepts[name]))
        elif piece.startswith("("):
            optional = piece.endswith("?")
            alts = [a.strip() for a in piece.rstrip("?")[1:-1].split("|")]
            if not all(alts):
                raise PatternError(f"empty alternative in {piece}")
            regex, need = alternatives([p for alt in alts for p in _expand(alt, concepts)])
            regex, need = (regex + "?", None) if optional else (regex, need)
        elif piece.startswith("<"):
            mark = piece.rstrip("?")[1:-1]
            if len(mark) != 1 or mark not in PUNCTUATION:
                raise PatternError(f"unknown punctuation {piece} (use one of {' '.join(PUNCTUATION)})")
            out.append("(?:" + re.escape(mark) + " )" + ("?" if piece.endswith("?") else ""))
            continue
        elif piece.startswith(".."):
            out.append(_gap(piece))
            continue
        elif piece == "*":
            out.append(_WORD)
            continue
        elif piece == "$":
            out.append("$")
            continue
        elif piece == "^":
            out.append("(?<=^ )")  # the text searched starts with a space: only its first token follows it
            continue
        else:
            regex, need = _word(piece)
            regex += _SKIP
        out.append(regex)
        if need:
            needs.append(need)
    if not needs:
        raise PatternError("pattern has no required word")
    group = len(pieces) == 1 and pieces[0][0] in "({" and not pieces[0].endswith("?")
    phrases = _phrases_of(pieces[0], concepts) if group else []
    single = group and all(len(p.split()) == 1 for p in phrases)
    choices = () if single else tuple(dict.fromkeys(_words_needed(p) for p in phrases))
    # Anchor on a token boundary: the line starts with a space and every token ends with one.
    return Pattern(pattern, "(?<= )" + "".join(out), tuple(dict.fromkeys(needs)), single, choices=choices)


def _words_needed(phrase: str) -> tuple[frozenset[str], ...]:
    """The features of each word of `phrase` (gaps need none)."""
    return tuple(dict.fromkeys(_word(w)[1] for w in phrase.split() if not w.startswith("..")))


def _phrases_of(piece: str, concepts: Mapping[str, list[str]]) -> list[str]:
    if piece.startswith("{"):
        return list(concepts[piece[1:-1].strip()])
    return [p for alt in piece[1:-1].split("|") for p in _expand(alt.strip(), concepts)]
