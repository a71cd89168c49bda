"""The settings declaration: kinds parse every form a good value arrives in and name the setting for a bad one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer import INDEXER_SETTINGS, Kind, Setting, SettingError, Settings, default_index_dir


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        (Kind.whole(1, 100), 10, 10),
        (Kind.whole(1, 100), 100, 100),
        (Kind.whole(0), 0, 0),
        (Kind.boolean(), False, False),
        (Kind.boolean(), "On", True),
        (Kind.boolean(), "no", False),
        (Kind.path(), Path("/srv/index"), "/srv/index"),
        (Kind.path(), 2024, "2024"),  # an environment value 2024 arrives JSON-decoded
        (Kind.text(), "Sourcecheck", "Sourcecheck"),
        (Kind.text(), 2024, "2024"),
        (Kind.strings("names", split=True), " GHR, GARD ,,", ("GHR", "GARD")),
        (Kind.strings("names", split=True), ["GHR", " "], ("GHR",)),
        (Kind.strings("encodings"), "gzip, br", "gzip, br"),  # kept as given: the library reads both forms
        (Kind.strings("encodings"), ["gzip"], ["gzip"]),
        (Kind.choice("Lax", "Strict"), "Strict", "Strict"),
        (Kind.whole(1).or_none(), None, None),
        (Kind.whole(1).or_none(), "", None),
        (Kind.whole(1).or_none(), 5, 5),
    ],
)
def test_kinds_take_every_form_of_a_good_value(kind, raw, value):
    assert Setting("X", kind, None, "x").parse(raw) == value


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        (Kind.whole(1, 100), 0, "PER_PAGE must be a whole number from 1 to 100, not 0"),
        (Kind.whole(1, 100), "ten", "PER_PAGE must be a whole number from 1 to 100, not 'ten'"),
        (Kind.whole(1), True, "PER_PAGE must be a whole number of 1 or more, not True"),
        (Kind.whole(0), -1, "PER_PAGE must be a whole number of 0 or more, not -1"),
        (Kind.boolean(), "maybe", "PER_PAGE must be true or false, not 'maybe'"),
        (Kind.path(), ["a"], "PER_PAGE must be a folder path, not ['a']"),
        (Kind.text(), False, "PER_PAGE must be text, not False"),
        (Kind.strings("a list of publisher names", split=True), 3, "PER_PAGE must be a list of publisher names"),
        (Kind.strings("names"), ["a", 1], "PER_PAGE must be names, not ['a', 1]"),
        (Kind.choice("Lax", "Strict"), "None", "PER_PAGE must be one of Lax, Strict, not 'None'"),
        (Kind.whole(1).or_none(), 0, "PER_PAGE must be a whole number of 1 or more, or none, not 0"),
    ],
)
def test_a_bad_value_fails_naming_the_setting_and_what_it_needs(kind, raw, message):
    with pytest.raises(SettingError, match="^" + re.escape(message)) as info:
        Setting("PER_PAGE", kind, None, "x").parse(raw)
    assert info.value.name == "PER_PAGE"


def test_a_table_gives_defaults_checks_in_place_and_refuses_a_name_twice():
    table = Settings(
        Setting("PER_PAGE", Kind.whole(1), 10, "results per page"),
        Setting("WHERE", Kind.path().or_none(), None, "a folder", environment_only=True),
        Setting("TYPES", Kind.strings("types"), ["text/html"], "types"),
    )
    assert list(table) == ["PER_PAGE", "WHERE", "TYPES"] and table["PER_PAGE"].envvar == "SOURCECHECK_PER_PAGE"
    defaults = table.defaults()
    assert defaults == {"PER_PAGE": 10, "TYPES": ["text/html"]}  # an environment-only setting is in no config
    defaults["TYPES"].append("text/css")
    assert table.defaults()["TYPES"] == ["text/html"]  # each caller gets its own copy
    config = {"PER_PAGE": 20, "OTHER": object()}
    table.check(config)
    assert config["PER_PAGE"] == 20
    with pytest.raises(SettingError, match="PER_PAGE"):
        table.check({"PER_PAGE": "20"})
    with pytest.raises(ValueError, match="PER_PAGE is declared twice"):
        Settings(table["PER_PAGE"], table["PER_PAGE"])


def test_index_dir_comes_from_the_environment_or_its_declared_default(monkeypatch):
    setting = INDEXER_SETTINGS["INDEX_DIR"]
    monkeypatch.delenv("SOURCECHECK_INDEX_DIR", raising=False)
    assert default_index_dir() == Path(setting.default) == Path("var/index")
    monkeypatch.setenv("SOURCECHECK_INDEX_DIR", "")
    assert default_index_dir() == Path("var/index")  # empty: unset
    monkeypatch.setenv("SOURCECHECK_INDEX_DIR", "/srv/sourcecheck/index")
    assert default_index_dir() == Path("/srv/sourcecheck/index")
    assert setting.from_environment({"SOURCECHECK_INDEX_DIR": "elsewhere"}) == "elsewhere"
