"""What a build's verdicts depend on besides the documents and the knowledge files: the code that cleans, splits
and checks text, and the versions of the libraries it runs on. A build whose fingerprint differs is not reused.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

# The modules whose code decides passages and verdicts (the index and search code do not change a verdict), by
# their dotted names: a module that moves is found where it is, and one missing from the list fails at once.
# tests/indexer/test_index.py checks that every module the checker imports is here.
CHECKING_MODULES = (
    "indexer.checking.analysis",
    "indexer.checking.evidence",
    "indexer.documents.html_text",
    "indexer.documents.loading",
    "indexer.documents.tables",
    "indexer.engine.nltk_import",
    "indexer.engine.punkt",
    "indexer.knowledge.base",
    "indexer.knowledge.claims",
    "indexer.knowledge.facts",
    "indexer.knowledge.patterns",
    "indexer.knowledge.quantities",
    "indexer.knowledge.relations",
    "indexer.knowledge.schema",
    "indexer.language.passages",
    "indexer.language.text",
)
LIBRARIES = ("nltk", "whoosh-reloaded", "pydantic")


def source_file(module: str) -> Path:
    """The source file of `module` (a dotted name), without importing it."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"versions.CHECKING_MODULES names {module!r}, which does not exist")
    return Path(spec.origin)


@lru_cache(maxsize=1)
def checker_fingerprint() -> str:
    """A hash of the checking code, the library versions and the Python version (changes whenever any does)."""
    digest = hashlib.sha256()
    for name in CHECKING_MODULES:
        digest.update(name.encode() + b"\0" + source_file(name).read_bytes())
    for library in LIBRARIES:
        try:
            version = metadata.version(library)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{library}={version}\0".encode())
    digest.update(f"python={sys.version_info.major}.{sys.version_info.minor}".encode())
    return digest.hexdigest()[:16]
