"""Test-client fixtures: the app over the session's seed index, each app with its own instance folder."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def make_app(seed_index, tmp_path_factory):
    """create_app over the seed index (or `index_dir`), with a fresh instance folder and `settings` on top."""
    from webapp import create_app

    def make(index_dir: Path | None = None, **settings):
        instance = tmp_path_factory.mktemp("instance")
        config = {"TESTING": True, "INDEX_DIR": str(index_dir or seed_index), **settings}
        return create_app(config, instance_path=str(instance))

    return make


@pytest.fixture(scope="session")
def app(make_app):
    return make_app()


@pytest.fixture()
def client(app):
    return app.test_client()
