"""Settings declared once: each with its name, the values it takes, its default and what it means.

    Kind           the values a setting takes: parses a raw value (from a file, JSON-decoded from the
                   environment, or given in code) into the setting's type, or names what it needs
    Setting        one setting: name, kind, default, meaning; `SOURCECHECK_<NAME>` in the environment
    Settings       an ordered table of settings: defaults, checking a whole configuration
    SettingError   a value a setting cannot take; the message names the setting and what it needs

The library's own settings are `INDEXER_SETTINGS` below; the web app declares its settings with the same types in
`webapp/config.py` (taking these in). Every setting is documented in the README's settings tables, and
tests/test_documentation.py fails when a declared setting is missing there or a documented one is not declared.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from .errors import SourcecheckError

PREFIX = "SOURCECHECK_"
TRUE_WORDS = ("true", "on", "yes", "1")
FALSE_WORDS = ("false", "off", "no", "0")


class SettingError(SourcecheckError):
    """A setting has a value that cannot be used; `name` is the setting."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


@dataclass(frozen=True)
class Kind:
    """The values a setting takes: `parse` returns the value to use, or raises ValueError; `needs` says what a
    value must be, for the error ("a whole number from 1 to 100").

    A raw value may come from TOML, from an environment variable (JSON-decoded when it can be: `20`, `false`,
    `["br"]`, else the text) or from code; each kind below takes every form a valid value can arrive in.
    """

    needs: str
    parse: Callable[[Any], Any]

    def or_none(self, none: str = "none") -> Kind:
        """This kind, or None (also when empty); `none` says what None means."""
        return Kind(
            f"{self.needs}, or {none}", lambda value: None if value is None or value == "" else self.parse(value)
        )

    @classmethod
    def whole(cls, low: int, high: int | None = None) -> Kind:
        """A whole number from `low` (to `high`)."""

        def parse(value: Any) -> int:
            if isinstance(_not_bool(value), int) and value >= low and (high is None or value <= high):
                return value
            raise ValueError(value)

        return cls(
            f"a whole number from {low} to {high}" if high is not None else f"a whole number of {low} or more", parse
        )

    @classmethod
    def boolean(cls) -> Kind:
        return cls("true or false", _boolean)

    @classmethod
    def path(cls) -> Kind:
        return cls("a folder path", _path)

    @classmethod
    def text(cls) -> Kind:
        return cls("text", _text)

    @classmethod
    def secret(cls) -> Kind:
        return cls("text", _secret)

    @classmethod
    def strings(cls, needs: str, split: bool = False) -> Kind:
        """A list of strings, or one string with commas between them; `split`: made a tuple of the non-blank ones,
        stripped (otherwise kept as given, for a library that reads both forms)."""

        def parse(value: Any) -> Any:
            items = value.split(",") if isinstance(value, str) else value
            if not isinstance(items, list | tuple) or not all(isinstance(v, str) for v in items):
                raise ValueError(value)
            return tuple(v.strip() for v in items if v.strip()) if split else value

        return cls(needs, parse)

    @classmethod
    def choice(cls, *values: str) -> Kind:
        def parse(value: Any) -> str:
            if value in values:
                return value
            raise ValueError(value)

        return cls("one of " + ", ".join(values), parse)


@dataclass(frozen=True)
class Setting:
    """One setting. `default` is the value when nothing sets it; `environment_only` settings are read only from
    `SOURCECHECK_<NAME>` (they say where the rest is read from, so a configuration file cannot hold them)."""

    name: str
    kind: Kind
    default: Any
    meaning: str
    environment_only: bool = False

    @property
    def envvar(self) -> str:
        return PREFIX + self.name

    def parse(self, value: Any) -> Any:
        """The value to use; SettingError naming the setting when it cannot be used."""
        try:
            return self.kind.parse(value)
        except (TypeError, ValueError):
            raise SettingError(self.name, f"{self.name} must be {self.kind.needs}, not {value!r}") from None

    def from_environment(self, environ: Mapping[str, str] | None = None) -> Any:
        """The text of `SOURCECHECK_<NAME>` parsed (not JSON-decoded: every kind takes the text of a good value),
        or the default when it is unset or empty. The web app's configuration is read by Flask instead."""
        raw = (os.environ if environ is None else environ).get(self.envvar)
        if not raw:
            return self.default
        try:
            return self.kind.parse(raw)
        except (TypeError, ValueError):  # named as it was set
            raise SettingError(self.name, f"{self.envvar} must be {self.kind.needs}, not {raw!r}") from None


class Settings(Mapping[str, Setting]):
    """Settings by name, in the order declared."""

    def __init__(self, *settings: Setting) -> None:
        self._settings: dict[str, Setting] = {}
        for setting in settings:
            if setting.name in self._settings:
                raise ValueError(f"setting {setting.name} is declared twice")
            self._settings[setting.name] = setting

    def __getitem__(self, name: str) -> Setting:
        return self._settings[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._settings)

    def __len__(self) -> int:
        return len(self._settings)

    def defaults(self) -> dict[str, Any]:
        """The default of every setting a configuration holds (not the environment-only ones), copied."""
        return {s.name: copy.deepcopy(s.default) for s in self._settings.values() if not s.environment_only}

    def check(self, config: MutableMapping[str, Any]) -> None:
        """Replace each of these settings in `config` by its parsed value; SettingError naming the first bad one."""
        for setting in self._settings.values():
            if setting.name in config:
                config[setting.name] = setting.parse(config[setting.name])


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(value)
    return value


def _boolean(value: Any) -> bool:
    if isinstance(value, str) and value.lower() in TRUE_WORDS + FALSE_WORDS:
        return value.lower() in TRUE_WORDS
    if isinstance(value, bool):
        return value
    raise ValueError(value)


def _path(value: Any) -> str:
    # a folder named `2024` arrives from the environment as the number 2024
    if isinstance(_not_bool(value), str | os.PathLike):
        return os.fspath(value)
    if isinstance(value, int | float):
        return str(value)
    raise ValueError(value)


def _text(value: Any) -> str:
    if isinstance(_not_bool(value), str | int | float):  # `SITE_NAME=2024` arrives as a number
        return str(value)
    raise ValueError(value)


def _secret(value: Any) -> str | bytes:
    if isinstance(value, str | bytes):
        return value
    raise ValueError(value)


INDEX_DIR = Setting(
    "INDEX_DIR",
    Kind.path(),
    "var/index",
    "the index folder (relative to the working directory); the CLI's --index-dir overrides it",
)

ENGINE_INTERNALS = Setting(
    "ENGINE_INTERNALS",
    Kind.boolean(),
    True,
    "the engine's fast paths into whoosh's and NLTK's internals (indexer/engine/); false: the plain libraries",
    environment_only=True,
)


def _search_url(value: Any) -> str:
    """A PostgreSQL address for SQLAlchemy (`postgresql+psycopg://...`), or empty for the whoosh folder."""
    if value is None or value == "":
        return ""
    if isinstance(value, str) and re.match(r"postgresql(\+psycopg)?://", value):
        return value
    raise ValueError(value)


SEARCH_URL_KIND = Kind(
    "a postgresql+psycopg://user@host:port/database address, or empty (the whoosh folder)", _search_url
)

SEARCH_URL = Setting(
    "SEARCH_URL",
    SEARCH_URL_KIND,
    "",
    "where builds are written and searched: empty, whoosh files in the index folder; a PostgreSQL database "
    "(postgresql+psycopg://...), where the index folder's path names the library",
    environment_only=True,
)

SEARCH_READ_URL = Setting(
    "SEARCH_READ_URL",
    SEARCH_URL_KIND,
    "",
    "where searches go when SEARCH_URL is PostgreSQL (a streaming standby); empty: SEARCH_URL itself",
    environment_only=True,
)

INDEXER_SETTINGS = Settings(INDEX_DIR, ENGINE_INTERNALS, SEARCH_URL, SEARCH_READ_URL)
