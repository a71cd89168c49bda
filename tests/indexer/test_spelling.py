"""Did-you-mean suggestions from the build's vocabulary."""

from __future__ import annotations

from collections import Counter

from indexer import Library, SearchRequest
from indexer.index.vocabulary import Vocabulary, count_words


def test_misspelt_query_gets_a_suggestion(seed_index):
    page = Library(seed_index).search(SearchRequest("miscarrage"))
    assert page.suggestion == "miscarriage"


def test_known_words_get_no_suggestion(seed_index):
    assert Library(seed_index).search(SearchRequest("miscarriage")).suggestion is None


def test_one_edit_first_then_most_frequent():
    counts = Counter()
    count_words("stress stress stress strep stream", counts)
    vocabulary = Vocabulary(dict(counts))
    assert vocabulary.suggest("stres", limit=1) == ["stress"]  # one edit, the most frequent
    assert vocabulary.suggest("srtess", limit=1) == ["stress"]  # a swap counts as one edit
    assert vocabulary.suggest("strem", limit=3) == ["stream", "strep"]  # only words one edit away
    assert vocabulary.suggest("streemz", limit=2, maxdist=2) == ["stream"]  # two edits, same first letter
    assert vocabulary.suggest("ttream", maxdist=2) == ["stream"]
    assert vocabulary.suggest("qqqqqq") == []


def test_a_build_without_vocabulary_suggests_nothing(tmp_path):
    """A folder built before the vocabulary existed (none is written on PostgreSQL)."""
    from indexer.engine.folder import FolderCatalog

    assert Vocabulary(FolderCatalog(tmp_path, None).vocabulary(tmp_path)).suggest("anything") == []
