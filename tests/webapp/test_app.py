"""The app factory: settings in order of precedence, the secret key, and the index opened once and refreshed."""

from __future__ import annotations

import importlib
import os
import shutil
import stat

import pytest
from searchbackend import WHOOSH

from webapp import create_app
from webapp.config import ConfigError


def test_import_creates_no_app():
    module = importlib.import_module("webapp")
    assert not hasattr(module, "app") and callable(module.create_app)


def test_settings_precedence(tmp_path, monkeypatch, seed_index):
    (tmp_path / "config.toml").write_text('PER_PAGE = 7\nSITE_NAME = "From the file"\nEVIDENCE_RANKING = false\n')
    app = create_app(instance_path=str(tmp_path))
    assert (app.config["PER_PAGE"], app.config["SITE_NAME"], app.config["EVIDENCE_RANKING"]) == (
        7,
        "From the file",
        False,
    )
    monkeypatch.setenv("SOURCECHECK_PER_PAGE", "12")
    monkeypatch.setenv("SOURCECHECK_EVIDENCE_RANKING", "true")
    monkeypatch.setenv("SOURCECHECK_INDEX_DIR", str(seed_index))
    app = create_app(instance_path=str(tmp_path))
    assert (app.config["PER_PAGE"], app.config["EVIDENCE_RANKING"]) == (12, True)
    assert app.config["SITE_NAME"] == "From the file" and app.config["INDEX_DIR"] == str(seed_index)
    app = create_app({"PER_PAGE": 3}, instance_path=str(tmp_path))
    assert app.config["PER_PAGE"] == 3
    data = app.test_client().get("/api/v1/search?q=miscarriage").get_json()["data"]
    assert data["per_page"] == 3 and len(data["results"]) == 3


def test_instance_path_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCECHECK_INSTANCE_PATH", str(tmp_path / "inst"))
    app = create_app()
    assert app.instance_path == str(tmp_path / "inst")
    assert (tmp_path / "inst" / "secret_key").is_file()


@pytest.mark.parametrize(
    ("name", "value"),
    [("PER_PAGE", "0"), ("PER_PAGE", '"ten"'), ("PER_PAGE", "500"), ("EVIDENCE_RANKING", "maybe")],
)
def test_bad_settings_fail_clearly(tmp_path, monkeypatch, name, value):
    monkeypatch.setenv(f"SOURCECHECK_{name}", value)
    with pytest.raises(ConfigError, match=name):
        create_app(instance_path=str(tmp_path))


def test_secret_key_generated_once_into_the_instance_folder(tmp_path):
    first = create_app(instance_path=str(tmp_path)).config["SECRET_KEY"]
    path = tmp_path / "secret_key"
    assert len(first) == 64 and path.read_text() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert create_app(instance_path=str(tmp_path)).config["SECRET_KEY"] == first
    other = tmp_path / "other"
    assert create_app(instance_path=str(other)).config["SECRET_KEY"] != first


def test_configured_secret_key_is_not_written(tmp_path):
    app = create_app({"SECRET_KEY": "configured"}, instance_path=str(tmp_path))
    assert app.config["SECRET_KEY"] == "configured" and not (tmp_path / "secret_key").exists()


def test_no_index_yet_is_a_clear_503(tmp_path):
    app = create_app({"INDEX_DIR": str(tmp_path / "empty")}, instance_path=str(tmp_path / "inst"))
    client = app.test_client()
    response = client.get("/api/v1/search?q=IUI")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "index_missing"
    page = client.get("/?q=IUI")
    assert page.status_code == 503 and "sourcecheck build" in page.get_data(as_text=True)
    assert client.get("/about").status_code == 200  # the knowledge base needs no index


def test_a_newly_swapped_index_is_served_without_a_restart(tmp_path, seeds_dir):
    from indexer import build_index, current_build

    some = tmp_path / "some"
    some.mkdir()
    first_doc = sorted(seeds_dir.glob("*.txt"))[0]
    shutil.copy(first_doc, some)
    index = tmp_path / "index"
    build_index([some], index)
    app = create_app({"INDEX_DIR": str(index)}, instance_path=str(tmp_path / "inst"))
    client = app.test_client()
    assert len(client.get("/api/v1/documents").get_json()["data"]) == 1
    library = app.extensions["sourcecheck.library"].get()
    build_index([seeds_dir], index)
    assert len(client.get("/api/v1/documents").get_json()["data"]) == 5
    assert app.extensions["sourcecheck.library"].get() is library  # opened once per process
    assert library.build == current_build(index)
    if WHOOSH:
        assert os.path.realpath(index / "current") == str(library.build)
