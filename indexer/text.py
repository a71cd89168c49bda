"""Word-level text normalisation shared by the checker, the knowledge base and the search schema.

One tokenizer and one stemmer everywhere, so that a rule written as "placing sperm" matches "places sperm"
in a document and a query for "miscarriages" finds "miscarriage".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from nltk.stem.snowball import SnowballStemmer

# Words, numbers with decimals or percent signs, and contractions' "n't" as its own token ("isn't" -> is, n't).
_TOKEN = re.compile(r"n't|\d+(?:[.,]\d+)*%?|[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E]
)

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
