"""What a build's verdicts depend on besides the documents and the knowledge files: the code that cleans, splits
and checks text, and the versions of the libraries it runs on. A build whose fingerprint differs is not reused.
"""

from __future__ import annotations

import hashlib
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

# The modules whose code decides passages and verdicts (the index and search code do not change a verdict).
CHECKING_MODULES = (
    "analysis",
    "documents",
    "evidence",
    "html_text",
    "knowledge",
    "knowledge_facts",
    "knowledge_schema",
    "passages",
    "patterns",
    "punkt",
    "relations",
    "text",
)
LIBRARIES = ("nltk", "whoosh-reloaded", "pydantic")


@lru_cache(maxsize=1)
def checker_fingerprint() -> str:
    """A hash of the checking code, the library versions and the Python version (changes whenever any does)."""
    digest = hashlib.sha256()
    folder = Path(__file__).parent
    for name in CHECKING_MODULES:
        digest.update(name.encode() + b"\0" + (folder / f"{name}.py").read_bytes())
    for library in LIBRARIES:
        try:
            version = metadata.version(library)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{library}={version}\0".encode())
    digest.update(f"python={sys.version_info.major}.{sys.version_info.minor}".encode())
    return digest.hexdigest()[:16]
