"""The build's vocabulary of words as written, for "did you mean" suggestions.

whoosh's own spelling field (`TEXT(spelling=True)`) adds one posting for every word occurrence of every passage and
cost a third of indexing time; a word list with counts, stored once per build by the catalog, gives the suggestions
instead. (whoosh's list corrector misses some words one edit away, so the search for near words is done here.)
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

_WORD = re.compile(r"[^\W\d_]{2,}")


def count_words(text: str, counts: Counter) -> None:
    """Add the words of `text` (lower-cased, letters only) to `counts`."""
    counts.update(_WORD.findall(text.lower()))


def distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`; limit + 1 once past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before, row = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (ca != cb))
            if before is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return row[-1]


class Vocabulary:
    """Suggests the known words closest to a word: fewest edits first (a swap of two letters counts as one), then
    the most frequent. One edit away is looked up directly; two edits away keeps the first letter."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self._letters = sorted({c for w in counts for c in w})
        self._by_initial: dict[str, list[str]] | None = None

    def suggest(self, word: str, limit: int = 5, maxdist: int = 2) -> list[str]:
        near = [w for w in self._one_edit(word) if w in self.counts]
        if not near and maxdist > 1 and word:
            found = ((distance(word, w, maxdist), w) for w in self._initials().get(word[0], ()))
            near = [w for d, w in found if d <= maxdist and w != word]
        ranked = sorted(near, key=lambda w: (distance(word, w, maxdist), -self.counts[w], w))
        return ranked[:limit]

    def _initials(self) -> dict[str, list[str]]:
        if self._by_initial is None:
            groups: dict[str, list[str]] = defaultdict(list)
            for w in self.counts:
                groups[w[0]].append(w)
            self._by_initial = dict(groups)
        return self._by_initial

    def _one_edit(self, word: str) -> set[str]:
        letters = self._letters
        splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
        edits = {a + b[1:] for a, b in splits if b}
        edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        edits |= {a + c + b[1:] for a, b in splits if b for c in letters}
        edits |= {a + c + b for a, b in splits for c in letters}
        edits.discard(word)
        return edits
