"""The web app's settings table: the app runs on the declared defaults, every setting the code reads is declared,
and a bad value of any of them stops the app at start naming it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from indexer import SettingError
from webapp import create_app
from webapp.config import REVIEW, SETTINGS, WEB, ConfigError

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "webapp").rglob("*.py")) + sorted((ROOT / "indexer").rglob("*.py"))
CONFIG_KEY = re.compile(r"""config(?:\[|\.get\(|\.setdefault\()\s*["']([A-Z][A-Z0-9_]*)["']""")
ENVIRONMENT_NAME = re.compile(r"SOURCECHECK_([A-Z][A-Z0-9_]*)")


@pytest.fixture()
def clean_environment(monkeypatch):
    import os

    for name in [n for n in os.environ if n.startswith("SOURCECHECK_")]:
        monkeypatch.delenv(name)


def test_the_app_runs_on_the_declared_defaults(tmp_path, clean_environment):
    app = create_app(instance_path=str(tmp_path))
    for name, default in SETTINGS.defaults().items():
        if name != "SECRET_KEY":  # generated into the instance folder when not set
            assert app.config[name] == default, name
    assert app.config["SECRET_KEY"] == (tmp_path / "secret_key").read_text()


def test_every_setting_the_code_reads_is_declared():
    """A key of app.config is one of ours (declared) or Flask's own; a SOURCECHECK_ name is a declared setting."""
    flask_own = set(Flask.default_config)
    read, named = set(), set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        read |= {(m, path.name) for m in CONFIG_KEY.findall(text)}
        named |= {(m, path.name) for m in ENVIRONMENT_NAME.findall(text)}
    assert read, "the pattern finds no setting read: it is out of date"
    assert sorted((n, f) for n, f in read if n not in SETTINGS and n not in flask_own) == []
    assert sorted((n, f) for n, f in named if n not in SETTINGS) == []


def test_web_and_reviewer_settings_are_one_table():
    assert set(WEB).isdisjoint(REVIEW) and list(SETTINGS) == [*WEB, *REVIEW]


def test_reviewer_defaults_agree_with_the_reviewer_domain():
    from webapp.review.accounts import DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS
    from webapp.review.priority import THRESHOLD

    days = REVIEW["TOKEN_LIFETIME_DAYS"]
    assert days.default == DEFAULT_TOKEN_DAYS and days.parse(MAX_TOKEN_DAYS) == MAX_TOKEN_DAYS
    with pytest.raises(SettingError, match="TOKEN_LIFETIME_DAYS"):
        days.parse(MAX_TOKEN_DAYS + 1)
    assert REVIEW["PRIORITY_THRESHOLD"].default == THRESHOLD


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SITE_NAME", "true"),
        ("INDEX_DIR", "[1]"),
        ("KNOWLEDGE_DIR", "{}"),
        ("MAX_CONTENT_LENGTH", "0"),
        ("SESSION_COOKIE_SECURE", "sometimes"),
        ("SESSION_COOKIE_SAMESITE", '"None"'),
        ("COMPRESS_ALGORITHM", "5"),
        ("TRUSTED_HOSTS", "[5]"),
        ("PUBLIC_URL", "ftp://example.org"),
        ("INSTANCE_PATH", "[]"),
    ],
)
def test_a_bad_environment_value_stops_the_app_naming_the_setting(tmp_path, monkeypatch, name, value):
    monkeypatch.setenv(f"SOURCECHECK_{name}", value)
    with pytest.raises(ConfigError, match=f"^{name} must be "):
        create_app(instance_path=str(tmp_path))


def test_environment_values_arrive_parsed(tmp_path, clean_environment, monkeypatch):
    monkeypatch.setenv("SOURCECHECK_SITE_NAME", "2024")
    monkeypatch.setenv("SOURCECHECK_SESSION_COOKIE_SECURE", "true")
    monkeypatch.setenv("SOURCECHECK_TRUSTED_PUBLISHERS", "GHR, GARD")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SITE_NAME"] == "2024" and app.config["SESSION_COOKIE_SECURE"] is True
    assert app.extensions["sourcecheck.review"].queue["trusted"] == ("GHR", "GARD")
