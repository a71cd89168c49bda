"""The search backend a test run uses (SOURCECHECK_TEST_SEARCH_BACKEND, read by tests/conftest.py), and copying an
index on it. Importable as `searchbackend` (tests/ is on sys.path, as for pgserver)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

BACKEND = os.environ.get("SOURCECHECK_TEST_SEARCH_BACKEND", "whoosh")
WHOOSH = BACKEND == "whoosh"


def copy_index(source: Path, target: Path) -> Path:
    """A copy of the index served from `source`, served from `target`: the folder copied, or on PostgreSQL the
    library's generation copied into a new library (either is much faster than building)."""
    url = os.environ.get("SOURCECHECK_SEARCH_URL")
    if url:
        from indexer.engine.postgres import PostgresCatalog

        PostgresCatalog(url, str(target)).copy_from(str(source))
    else:
        shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns(".lock"))
    return target


def _catalog(index_dir: Path):
    from indexer.index.build import open_catalog

    return open_catalog(index_dir)


def edit_manifest(index_dir: Path, **changes) -> None:
    """Change the served build's manifest (as a build made by older code has it)."""
    builds = _catalog(index_dir)
    build = builds.current()
    manifest = {**builds.manifest(build), **changes}
    if WHOOSH:
        (build / "manifest.json").write_text(json.dumps(manifest))
    else:
        import sqlalchemy as sa

        from indexer.engine.postgres.connect import engine

        with engine(builds.url).begin() as conn:
            conn.execute(
                sa.text("UPDATE search_generations SET manifest = CAST(:m AS jsonb) WHERE id = :g"),
                {"m": json.dumps(manifest), "g": build.id},
            )


def document_lines(index_dir: Path) -> list[dict]:
    """The served build's stored documents, decoded, in build order."""
    builds = _catalog(index_dir)
    return [json.loads(line) for line in builds.documents(builds.current()).lines()]


def stored_builds(index_dir: Path) -> list:
    """Every build the library holds (served, kept for readers, or left by a killed build), oldest first."""
    builds = _catalog(index_dir)
    if WHOOSH:
        return sorted(index_dir.glob("build-*"))
    import sqlalchemy as sa

    from indexer.engine.postgres import Generation
    from indexer.engine.postgres.connect import engine

    with engine(builds.url).connect() as conn:
        rows = conn.execute(
            sa.text("SELECT id FROM search_generations WHERE library = :name ORDER BY id"), {"name": builds.library}
        )
        return [Generation(builds.library, row.id) for row in rows]
