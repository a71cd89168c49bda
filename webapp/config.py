"""Settings: defaults, then the instance config file, then `SOURCECHECK_*` environment variables, then a test mapping.

Nothing is read at import time; `load_config` runs inside `create_app`. Every setting is listed in `defaults()`
and in the README's settings table.
"""

from __future__ import annotations

import os
import secrets
import time
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

from indexer import SourcecheckError, default_index_dir

CONFIG_FILE = "config.toml"  # in the instance folder
SECRET_FILE = "secret_key"  # generated in the instance folder on first start unless SECRET_KEY is set
MAX_PER_PAGE = 100


class ConfigError(SourcecheckError):
    """A setting has a value the app cannot use."""


def defaults() -> dict[str, Any]:
    return {
        "INDEX_DIR": str(default_index_dir()),  # honours SOURCECHECK_INDEX_DIR, like the CLI
        "KNOWLEDGE_DIR": None,  # None: the knowledge base shipped with the indexer
        "SEEDS_DIR": None,  # what `sourcecheck serve` indexes when there is no index; None: ./seeds
        "EVIDENCE_RANKING": True,  # supported passages above flagged ones when relevance is close
        "PER_PAGE": 10,
        "SITE_NAME": "Sourcecheck",
        "PUBLIC_URL": None,  # the site's canonical address (https://host[/prefix]): the base of absolute URLs
        "SECRET_KEY": None,
        "MAX_CONTENT_LENGTH": 1024 * 1024,
    }


def load_config(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    """Fill `app.config` in order of precedence, check it, and make sure there is a secret key."""
    app.config.from_mapping(defaults())
    app.config.from_file(CONFIG_FILE, load=tomllib.load, silent=True, text=False)
    app.config.from_prefixed_env("SOURCECHECK")
    if test_config is not None:
        app.config.from_mapping(test_config)
    check_config(app.config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret(Path(app.instance_path))


def check_config(config: dict[str, Any]) -> None:
    """ConfigError naming the setting whose value cannot be used (environment values arrive as JSON or text)."""
    config["INDEX_DIR"] = str(config["INDEX_DIR"])
    per_page = config["PER_PAGE"]
    if isinstance(per_page, bool) or not isinstance(per_page, int) or not 1 <= per_page <= MAX_PER_PAGE:
        raise ConfigError(f"PER_PAGE must be a whole number from 1 to {MAX_PER_PAGE}, not {per_page!r}")
    ranking = config["EVIDENCE_RANKING"]
    if isinstance(ranking, str) and ranking.lower() in ("true", "false", "on", "off", "yes", "no", "1", "0"):
        ranking = ranking.lower() in ("true", "on", "yes", "1")
    if not isinstance(ranking, bool):
        raise ConfigError(f"EVIDENCE_RANKING must be true or false, not {ranking!r}")
    config["EVIDENCE_RANKING"] = ranking
    config["PUBLIC_URL"] = _public_url(config["PUBLIC_URL"])


def _public_url(value: Any) -> str | None:
    """PUBLIC_URL without its trailing slash; ConfigError unless it is an http(s) address without query."""
    if not value:
        return None
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(f"PUBLIC_URL must be the site's address, like https://example.org, not {value!r}")
    return value.rstrip("/")


def instance_secret(folder: Path) -> str:
    """The secret key kept in the instance folder, generated (readable by the owner only) on first start."""
    path = folder / SECRET_FILE
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: when several workers start at once, one writes the key and the others read it
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32))
    return _read_secret(path)


def _read_secret(path: Path) -> str:
    for _ in range(50):  # another worker may be between creating the file and writing it
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)
    raise ConfigError(f"{path}: the secret key file is empty; delete it to generate a new one")
