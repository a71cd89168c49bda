"""A multi-segment index (two build workers) of many small real documents: the seed posts, one paragraph each."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import SourceText, build_index_from
from indexer.engine.whoosh import WhooshEngine
from indexer.index import pipeline as pipeline_module

FAST = WhooshEngine(internals=True)


def paragraph_sources(seeds_dir: Path) -> list[SourceText]:
    """Every paragraph of every seed post as its own document, titled with the post's first line."""
    sources = []
    for path in sorted(seeds_dir.glob("*.txt")):
        title, *lines = [line.strip() for line in path.read_text().splitlines() if line.strip()]
        for n, line in enumerate(lines, 1):
            sources.append(SourceText(line, f"{path.stem}-{n}", title.strip("*"), path=f"{path.name}#{n}"))
    return sources


@pytest.fixture(scope="session")
def paragraphs(seeds_dir) -> list[SourceText]:
    return paragraph_sources(seeds_dir)


def build_paragraph_index(root: Path, seeds_dir: Path, engine=None) -> Path:
    """Built by two worker processes: two segments with the engine internals (one, merged, without)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline_module, "SERIAL_BELOW", 0)
        summary = build_index_from(paragraph_sources(seeds_dir), root, procs=2, engine=engine)
    assert summary.documents > 50
    return root


@pytest.fixture(scope="session")
def paragraph_index(tmp_path_factory, seeds_dir) -> Path:
    """The paragraphs indexed by the default engine, by two workers (read-only for tests)."""
    return build_paragraph_index(tmp_path_factory.mktemp("paragraph-index"), seeds_dir)


@pytest.fixture(scope="session")
def fast_paragraph_index(tmp_path_factory, seeds_dir) -> Path:
    """The paragraphs indexed with the engine internals whatever the setting says: two segments (read-only)."""
    return build_paragraph_index(tmp_path_factory.mktemp("fast-paragraph-index"), seeds_dir, FAST)
