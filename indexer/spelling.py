"""The build's vocabulary of words as written, for "did you mean" suggestions.

whoosh's own spelling field (`TEXT(spelling=True)`) adds one posting for every word occurrence of every passage and
cost a third of indexing time; a sorted word list with counts, written once per build, gives the same suggestions.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from whoosh.spelling import Corrector, ListCorrector

VOCABULARY = "vocabulary.json"
_WORD = re.compile(r"[^\W\d_]{2,}")


def count_words(text: str, counts: Counter) -> None:
    """Add the words of `text` (lower-cased, letters only) to `counts`."""
    counts.update(_WORD.findall(text.lower()))


def write_vocabulary(build: Path, counts: Counter) -> None:
    (build / VOCABULARY).write_text(json.dumps(dict(sorted(counts.items())), ensure_ascii=False))


class Vocabulary(Corrector):
    """Suggests the known words closest to a word: fewest edits first (a swap of two letters counts as one), then
    the most frequent."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self._words = ListCorrector(sorted(counts))
        self._scale = 1.0 / (max(counts.values(), default=0) + 1)
        self._letters = sorted({c for w in counts for c in w})

    @classmethod
    def load(cls, build: Path) -> Vocabulary:
        try:
            return cls(json.loads((build / VOCABULARY).read_text()))
        except FileNotFoundError:
            return cls({})  # a build from before the vocabulary existed: no suggestions

    def suggest(self, text: str, limit: int = 5, maxdist: int = 2, prefix: int = 0) -> list[str]:
        """Known words one edit from `text` (looked up directly: fast), else up to `maxdist` edits away with the
        first letter kept (whoosh's automaton search, several times faster with that prefix)."""
        near = [w for w in self._one_edit(text) if w in self.counts]
        if near:
            return sorted(near, key=lambda w: (-self.counts[w], w))[:limit]
        return super().suggest(text, limit, maxdist, max(prefix, 1))

    def _one_edit(self, word: str) -> set[str]:
        letters = self._letters
        splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
        edits = {a + b[1:] for a, b in splits if b}
        edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        edits |= {a + c + b[1:] for a, b in splits if b for c in letters}
        edits |= {a + c + b for a, b in splits for c in letters}
        edits.discard(word)
        return edits

    def _suggestions(self, text, maxdist, prefix):
        if not self.counts:
            return
        for score, word in self._words._suggestions(text, maxdist, prefix):
            yield score + self.counts[word] * self._scale, word  # frequency only breaks ties between distances
