"""The app factory: settings, the library, the public pages and API, then the plugins (the reviewer workflow)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask

from indexer import FLAGGED, STATUSES

from . import caching, errors, formats, library, security
from .api import bp as api_bp
from .config import SETTINGS, load_config
from .labels import LABELS, label
from .pages import bp as pages_bp
from .plugins import DEFAULT_PLUGINS, plugin_manager
from .plugins import init_app as init_plugins


def create_app(
    test_config: Mapping[str, Any] | None = None,
    instance_path: str | None = None,
    plugins: Iterable[str | object] | None = None,
) -> Flask:
    """The app: defaults, then instance/config.toml, then SOURCECHECK_* variables, then `test_config`.

    `instance_path` (or $SOURCECHECK_INSTANCE_PATH) moves the instance folder, which holds config.toml and the
    generated secret key. `plugins` (module names, or modules) replaces the default plugins (DEFAULT_PLUGINS in
    webapp/plugins.py: the reviewer workflow); `()` serves the search pages, documents and API alone.
    """
    instance_path = instance_path or SETTINGS["INSTANCE_PATH"].from_environment()
    app = Flask(  # the package's name: templates, static files, the instance folder and the logger are the package's
        "webapp", instance_path=os.path.abspath(instance_path) if instance_path else None, instance_relative_config=True
    )
    load_config(app, test_config)
    app.json.sort_keys = False  # keep the envelope's keys in the documented order
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals.update(
        label=label, LABELS=LABELS, STATUSES=STATUSES, FLAGGED=FLAGGED, site_name=app.config["SITE_NAME"]
    )
    manager = plugin_manager(DEFAULT_PLUGINS if plugins is None else plugins)
    init_plugins(app, manager)
    library.init_app(app)
    security.init_app(app)
    caching.init_app(app)  # compression, Cache-Control, ETags
    formats.init_app(app)
    errors.init_app(app, manager.hook.error_statuses())
    register_blueprints(app)
    manager.hook.init_app(app=app)  # the reviewer workflow (issue 4): /login, /review, review API, decisions
    return app


def register_blueprints(app: Flask) -> None:
    """Every blueprint of the public pages and API, in one place (plugins register their own)."""
    app.register_blueprint(pages_bp)
    app.register_blueprint(api_bp)
