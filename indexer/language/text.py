"""Word-level text normalisation shared by the checker, the knowledge base and the search schema.

One stemmer everywhere (Snowball, `stem`), so that a rule written as "placing sperm" matches "places sperm" in a
document and a query for "miscarriages" finds "miscarriage". The token patterns differ where their readers need
different things; each is defined once, here or in the one module that reads it:

    _TOKEN           words(): the checker's words; "n't" a token of its own (negation), numbers with decimals and
                     percent signs whole ("1.5", "15%": measures), a possessive "'s" dropped
    _CLAIM_TOKEN     claim_tokens(): the same words, plus the punctuation rule patterns read (",;:()" and dashes:
                     apposition, asides); _ASCII_CLAIM_TOKEN is the same pattern for ASCII text, faster
    schema.TOKEN     the index's analyzer (engine/whoosh/schema.py): runs of word characters joined by "." or "'"
                     ("e.g", "U.S", "don't" one term), as every build and query since the first has been analysed;
                     changing it changes every index and ranking, so it is kept apart from the checker's
    vocabulary._WORD "did you mean" (index/vocabulary.py): letters only, two or more, the words a misspelling is
                     corrected to
    query._PLAIN_WORD, library._suggest's pattern: whether a query is plain words (no operators, wildcards or
                     quotes), and the words of a query a suggestion may replace
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..engine.nltk_import import SnowballStemmer

# Words, numbers with decimals or percent signs, and contractions' "n't" as its own token ("isn't" -> is, n't).
_TOKEN = re.compile(r"n't|\d+(?:[.,]\d+)*%?|[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
# zero-width characters, direction marks, and bidi embeddings, overrides and isolates
_INVISIBLE = dict.fromkeys([*range(0x200B, 0x2010), 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])

_stemmer = SnowballStemmer("english")


def fold(text: str) -> str:
    """Lower-case, NFKC-normalise, drop invisible characters and unify apostrophes."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_APOSTROPHES)
    return text.lower()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball stem of one lower-case word (cached: corpora repeat words)."""
    return _stemmer.stem(word)


def _split_contraction(word: str) -> list[str]:
    if word.endswith("n't") and len(word) > 3:
        return [word[:-3], "n't"]
    if word.endswith("'s"):
        return [word[:-2]]
    return [word]


def words(text: str) -> list[str]:
    """Folded word tokens of `text`, contractions split ("isn't" -> ["is", "n't"])."""
    out: list[str] = []
    for match in _TOKEN.finditer(fold(text).replace("n\u2019t", "n't")):
        out.extend(_split_contraction(match.group()))
    return out


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """Folded word tokens with their character offsets in `text` (for highlighting)."""
    folded = fold(text)
    if len(folded) != len(text):  # NFKC changed lengths: fall back to lower() so offsets stay true
        folded = text.lower().translate(_APOSTROPHES)
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded)]


def stems(text: str) -> list[str]:
    """Stemmed tokens of `text`: the form rules and the index both compare."""
    return [stem(w) for w in words(text)]


def stemmed_line(text: str) -> str:
    """Stems joined by single spaces, with a leading and trailing space, for token-exact regexes."""
    return " " + " ".join(stems(text)) + " "


# Punctuation the checker keeps as tokens: it marks apposition ("IUI, or intracervical insemination,") and
# asides ("ICI (also called IUI)"). A spaced hyphen or an en or em dash becomes "-".
PUNCTUATION = ",;:()-"
_CLAIM_TOKEN = re.compile(r"n't|\d+(?:[.,]\d+)*%?|[^\W\d_]+(?:'[^\W\d_]+)?|[,;:()]|\s-+\s|[\u2013\u2014]+", re.UNICODE)
_ASCII_CLAIM_TOKEN = re.compile(r"n't|\d+(?:[.,]\d+)*%?|[a-z]+(?:'[a-z]+)?|[,;:()]|\s-+\s")  # same, faster
_SPACED_DASH = re.compile(r"\s-+\s")  # the one claim token that takes in spaces (see _CLAIM_TOKEN)
_CACHE_LIMIT = 500_000  # corpora repeat words; the bound keeps odd inputs from growing caches without end
_claim_stems: dict[str, tuple[str, ...]] = {}


def _claim_stems_of(token: str) -> tuple[str, ...]:
    mark = token.strip()[:1]
    if mark and mark in PUNCTUATION:
        return (mark,)
    if not mark or mark in "\u2013\u2014":
        return ("-",)
    return tuple(stem(w) for w in _split_contraction(token))


def claim_tokens(text: str) -> list[str]:
    """Stemmed words and kept punctuation of `text`, in order: what rule patterns are matched against."""
    if text.isascii():
        found = _ASCII_CLAIM_TOKEN.findall(text.lower())
    else:
        found = _CLAIM_TOKEN.findall(fold(text))
    out: list[str] = []
    cache = _claim_stems
    for token in found:
        stemmed = cache.get(token)
        if stemmed is None:
            stemmed = _claim_stems_of(token)
            if len(cache) < _CACHE_LIMIT:
                cache[token] = stemmed
        out.extend(stemmed)
    return out


def claim_line(tokens: list[str]) -> str:
    """Tokens joined by single spaces, with a leading and trailing space, for token-exact regexes."""
    return " " + " ".join(tokens) + " "


_WORD_LIMIT = 200_000  # words a memo keeps: MedQuAD has 60,000 distinct ones
_NO_FEATURES: frozenset[str] = frozenset()  # shared: most words have none


class _Memo(dict):
    """A bounded memo of a one-argument function: a missing key is computed, and kept while there is room."""

    def __init__(self, compute) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: str):
        value = self.compute(key)
        if len(self) < _WORD_LIMIT:
            self[key] = value
        return value


class FeatureIndex:
    """The features rule patterns look for in a sentence ("=stem", "^prefix", "#" for a number).

    Only features some pattern uses are produced, so the sets stay small; a token's features are cached.
    """

    def __init__(self, used: set[str]) -> None:
        self.exact = frozenset(f for f in used if f.startswith("="))
        self.prefixes = frozenset(f for f in used if f.startswith("^"))
        self.lengths = tuple(sorted({len(f) - 1 for f in self.prefixes}))
        self._cache: dict[str, tuple[str, ...]] = {}
        # Per word of text between spaces (lower-cased): its claim tokens joined, and their features (both learnt
        # when the word is first read; a word's features are computed on their own only if their memo was full).
        self._word_line = _Memo(self._learn)
        self._word_features = _Memo(lambda word: self._features_of(claim_tokens(word)))

    def _of(self, token: str) -> tuple[str, ...]:
        if token in PUNCTUATION:
            return ()
        out = ["=" + token] if "=" + token in self.exact else []
        if token[0].isdigit():
            out.append("#")
        out += [f for k in self.lengths if k <= len(token) and (f := "^" + token[:k]) in self.prefixes]
        return tuple(out)

    def features(self, tokens: list[str]) -> set[str]:
        out: set[str] = set()
        cache = self._cache
        for token in tokens:
            found = cache.get(token)
            if found is None:
                found = self._of(token)
                if len(cache) < _CACHE_LIMIT:
                    cache[token] = found
            if found:
                out.update(found)
        return out

    def _learn(self, word: str) -> str:
        tokens = claim_tokens(word)
        if len(self._word_features) < _WORD_LIMIT:
            self._word_features[word] = self._features_of(tokens)
        return " ".join(tokens)

    def _features_of(self, tokens: list[str]) -> frozenset[str]:
        return frozenset(self.features(tokens)) or _NO_FEATURES

    def read(self, text: str) -> tuple[str, set[str]]:
        """`claim_line(claim_tokens(text))` and `features(claim_tokens(text))`.

        Corpora repeat words, so ASCII text is read word by word (split at spaces) from a memo. That is exact
        because no claim token spans a space except a spaced dash (" - "), and text with one is read whole; a
        word joins to "" only when it has no tokens ("&"), as no token (a stem included) is empty.
        """
        lowered = text.lower()
        if not text.isascii() or ("-" in lowered and _SPACED_DASH.search(lowered)):
            tokens = claim_tokens(text)
            return claim_line(tokens), self.features(tokens)
        words = lowered.split()
        line = " " + " ".join(filter(None, map(self._word_line.__getitem__, words))) + " "
        # most words have no features (an empty frozenset, false): union() is given only the others
        return line, set().union(*filter(None, map(self._word_features.__getitem__, words)))
