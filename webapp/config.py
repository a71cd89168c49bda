"""Every setting of the web app, declared once (`SETTINGS`), and loading them: defaults, then the instance config
file, then `SOURCECHECK_*` environment variables, then a test mapping.

Nothing is read at import time; `load_config` runs inside `create_app`. `SETTINGS` holds every setting the app and
the reviewer workflow read (the indexer's own, INDEX_DIR, included), each with its kind, default and meaning;
`load_config` checks the `WEB` ones and the reviewer workflow the `REVIEW` ones when it starts, each failing with a
message naming the setting. The README's settings tables document every one (tests/test_documentation.py).
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

from indexer import INDEXER_SETTINGS, Kind, Setting, SettingError, Settings

CONFIG_FILE = "config.toml"  # in the instance folder
SECRET_FILE = "secret_key"  # generated in the instance folder on first start unless SECRET_KEY is set
MAX_PER_PAGE = 100
MAX_TOKEN_DAYS = 3650


class ConfigError(SettingError):
    """A setting has a value the app cannot use."""


def _public_url(value: Any) -> str | None:
    """PUBLIC_URL without its trailing slash; ValueError unless it is an http(s) address without query."""
    if not value:
        return None
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(value)
    return value.rstrip("/")


COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "text/csv",
    "text/plain",
    "application/javascript",
    "text/javascript",
    "application/json",
    "application/ld+json",
    "application/opensearchdescription+xml",
    "image/svg+xml",
]

PATH = Kind.path()
LOGINS = Kind.whole(1)

WEB = Settings(
    *INDEXER_SETTINGS.values(),
    Setting(
        "INSTANCE_PATH",
        PATH.or_none(),
        None,
        "the instance folder: config.toml, the secret key, the reviewer store",
        environment_only=True,
    ),
    Setting(
        "KNOWLEDGE_DIR",
        PATH.or_none("none (the knowledge base shipped with the indexer)"),
        None,
        "another folder of knowledge files",
    ),
    Setting(
        "SEEDS_DIR",
        PATH.or_none("none (./seeds, else the checkout's seeds/)"),
        None,
        "what `sourcecheck serve` indexes when there is no index yet",
    ),
    Setting("EVIDENCE_RANKING", Kind.boolean(), True, "supported passages above flagged ones when relevance is close"),
    Setting("PER_PAGE", Kind.whole(1, MAX_PER_PAGE), 10, "results per page when the request does not say"),
    Setting("SITE_NAME", Kind.text(), "Sourcecheck", "the name on every page"),
    Setting(
        "PUBLIC_URL",
        Kind("the site's address, like https://example.org", _public_url),
        None,
        "the site's canonical address (https://host[/prefix]): the base of absolute URLs",
    ),
    Setting(
        "TRUSTED_HOSTS",
        Kind.strings("a list of host names").or_none(),
        None,
        "Flask's: the host names the app answers for",
    ),
    Setting(
        "SECRET_KEY", Kind.secret().or_none("none (generated in the instance folder)"), None, "signs session cookies"
    ),
    Setting("MAX_CONTENT_LENGTH", Kind.whole(1).or_none(), 1024 * 1024, "Flask's: the largest request body, in bytes"),
    Setting(
        "SESSION_COOKIE_SECURE",
        Kind.boolean(),
        False,
        "Flask's: session cookies are Secure on every request (otherwise only on those that came over HTTPS)",
    ),
    Setting(
        "SESSION_COOKIE_SAMESITE",
        Kind.choice("Lax", "Strict").or_none("none (Lax)"),
        "Lax",
        "Flask's: the session cookie's SameSite",
    ),
    Setting(
        "COMPRESS_ALGORITHM",
        Kind.strings("a list of encodings"),
        ["br", "zstd", "gzip", "deflate"],  # br: /topics 192 KB -> 12 KB
        "flask-compress's: the encodings offered, in order of preference",
    ),
    Setting(
        "COMPRESS_MIMETYPES",
        Kind.strings("a list of media types"),
        COMPRESSED_TYPES,
        "flask-compress's: the media types compressed",
    ),
)

REVIEW = Settings(
    Setting(
        "DATABASE_URL",
        Kind.text().or_none("none (SQLite in the instance folder)"),
        None,
        "SQLAlchemy URL of the reviewer store",
    ),
    Setting("ORGANISATION_NAME", Kind.text().or_none("none (SITE_NAME)"), None, "author of the ClaimReview export"),
    Setting(
        "ORGANISATION_URL",
        Kind.text().or_none("none (the site's root URL)"),
        None,
        "the organisation's address in the export",
    ),
    Setting(
        "LOGIN_MAX_FAILURES",
        LOGINS,
        5,
        "failed logins for one account from one client address before that address is throttled for that account",
    ),
    Setting("LOGIN_CLIENT_MAX_FAILURES", LOGINS, 20, "failed logins from one client address, whatever the names"),
    Setting("LOGIN_ACCOUNT_MAX_FAILURES", LOGINS, 100, "failed logins for one account from any address, within a day"),
    Setting(
        "LOGIN_LOCKOUT_SECONDS", LOGINS, 30, "the first lockout; it doubles with each further failure, up to 15 minutes"
    ),
    Setting("SESSION_IDLE_MINUTES", Kind.whole(1), 30, "a reviewer's session ends after this long without a request"),
    Setting("SESSION_LIFETIME_HOURS", Kind.whole(1), 12, "and this long after login, however busy"),
    Setting(
        "TOKEN_LIFETIME_DAYS",
        Kind.whole(1, MAX_TOKEN_DAYS),
        90,
        "how long a new API token lasts (`sourcecheck reviewer token --days` overrides it)",
    ),
    Setting(
        "PRIORITY_THRESHOLD",
        Kind.whole(0),
        30,
        "the priority an undecided unverified claim needs to be in the default queue",
    ),
    Setting(
        "TRUSTED_PUBLISHERS",
        Kind.strings("a list of publisher names", split=True),
        (),
        "publishers whose unverified statements stay out of the default queue",
    ),
)

SETTINGS = Settings(*WEB.values(), *REVIEW.values())


def defaults() -> dict[str, Any]:
    """The default of every setting the app's configuration holds."""
    return SETTINGS.defaults()


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
    """Each web setting parsed in place; ConfigError naming the one whose value cannot be used (the reviewer
    workflow checks its own, `REVIEW`, when it starts)."""
    try:
        WEB.check(config)
    except SettingError as e:
        raise ConfigError(e.name, str(e)) from None


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
    raise ConfigError("SECRET_KEY", f"{path}: the secret key file is empty; delete it to generate a new one")
