"""NLTK's parts imported without SciPy (indexer/engine/nltk_import.py): importing the library leaves SciPy out, and
SciPy imports as usual afterwards; SciPy imported first, or another NLTK version, leaves NLTK's imports as they are."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("scipy")  # where SciPy is missing, NLTK cannot import it anyway


def _run(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_the_library_imports_without_scipy_and_scipy_imports_afterwards():
    code = (
        "import sys, indexer; print('scipy' in sys.modules); "
        "import scipy.stats, nltk; print(scipy.stats.fisher_exact(((1, 2), (3, 4)))[1] > 0)"
    )
    assert _run(code) == ["False", "True"]


def test_the_stemmer_and_sentence_splitter_work_as_before():
    code = (
        "from indexer.language.text import stems; from indexer.language.passages import split_sentences; "
        "print(*stems('Miscarriages happened'), len(split_sentences('Dr. Smith came. She left.')))"
    )
    assert _run(code) == ["miscarriag", "happen", "2"]


def test_scipy_imported_first_is_what_nltk_uses():
    code = (
        "import sys, scipy.stats, indexer; "
        "print(sys.modules['nltk.metrics.association'].fisher_exact is scipy.stats.fisher_exact)"
    )
    assert _run(code) == ["True"]


def test_another_nltk_version_imports_nltk_as_it_is():
    code = (
        "import importlib.metadata as m; version = m.version; "
        "m.version = lambda name: '0' if name == 'nltk' else version(name); "
        "import sys, indexer; print('scipy' in sys.modules)"
    )
    assert _run(code) == ["True"]
