"""The NLTK parts the library uses (the Snowball stemmer, Punkt sentence boundaries), imported without SciPy.

Importing any NLTK module runs nltk/__init__.py, which imports nearly all of NLTK, and where SciPy is installed four
of those modules import it too (collocation measures, a significance test, Gale-Church alignment, a parser): 0.9 s
of every process start, more than the rest of `import indexer` (a whole build's start waits for it). Each of those
imports is optional in NLTK (`try: from scipy ... except ImportError`) and nothing of ours uses what it brings, so
for the NLTK version pinned in pyproject.toml (engine/pins.py), whose imports were read for this, NLTK is imported
with SciPy marked missing, and the mark is lifted at once: a later `import scipy` works as usual. Any other NLTK
version, or a process that imported SciPy already, imports NLTK as it is.
"""

from __future__ import annotations

import sys
from importlib import metadata

from .pins import PINS


def _import_nltk() -> None:
    if "nltk" in sys.modules or "scipy" in sys.modules:
        return
    try:
        pinned = metadata.version("nltk") == PINS["nltk"]
    except metadata.PackageNotFoundError:
        pinned = False
    if not pinned:
        return
    sys.modules["scipy"] = None  # `import scipy` raises ImportError while this is here
    try:
        import nltk  # noqa: F401
    finally:
        if sys.modules.get("scipy", 0) is None:
            del sys.modules["scipy"]


_import_nltk()

from nltk.stem.snowball import SnowballStemmer  # noqa: E402

from .punkt import sentence_tokenizer  # noqa: E402

__all__ = ["SnowballStemmer", "sentence_tokenizer"]
