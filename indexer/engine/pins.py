"""Whether the engine's fast paths, which reach into whoosh's and NLTK's private internals, are used.

They are written against one version of each library: the exact pins of pyproject.toml, repeated in PINS (a test
keeps the two in step). They run when the ENGINE_INTERNALS setting is on (the default) and those versions are the
ones installed; otherwise the plain libraries do the same work (NLTK's own Punkt, whoosh's own writer and scorer),
so a library can be upgraded before its internals are checked again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import lru_cache
from importlib import metadata

from ..settings import ENGINE_INTERNALS

# distribution -> the version the fast paths were written and tested against
PINS = {"whoosh-reloaded": "2.7.5", "nltk": "3.10.4"}

log = logging.getLogger(__name__)


def internals(environ: Mapping[str, str] | None = None) -> bool:
    """True when the fast paths are to be used: ENGINE_INTERNALS is on and the pinned versions are installed."""
    return ENGINE_INTERNALS.from_environment(environ) and pinned_versions_installed()


@lru_cache(maxsize=1)
def pinned_versions_installed() -> bool:
    """Whether every library in PINS is installed at its pinned version (logs a warning naming those that are not)."""
    others = []
    for name, pinned in PINS.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "absent"
        if installed != pinned:
            others.append(f"{name} {installed} (written for {pinned})")
    if others:
        log.warning("engine internals off: %s; the plain libraries are used", ", ".join(others))
    return not others
