"""Sourcecheck's web app: search pages for readers and support staff, and the JSON API (/api/v1).

flask --app webapp run          development server
sourcecheck serve               production server (waitress); builds the index from seeds/ if there is none
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from indexer import FLAGGED, STATUSES

from . import caching, errors, formats, library, review, security
from .config import SETTINGS, load_config
from .labels import LABELS, label


def create_app(test_config: Mapping[str, Any] | None = None, instance_path: str | None = None) -> Flask:
    """The app: defaults, then instance/config.toml, then SOURCECHECK_* variables, then `test_config`.

    `instance_path` (or $SOURCECHECK_INSTANCE_PATH) moves the instance folder, which holds config.toml and the
    generated secret key.
    """
    instance_path = instance_path or SETTINGS["INSTANCE_PATH"].from_environment()
    app = Flask(
        __name__, instance_path=os.path.abspath(instance_path) if instance_path else None, instance_relative_config=True
    )
    load_config(app, test_config)
    app.json.sort_keys = False  # keep the envelope's keys in the documented order
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals.update(
        label=label, LABELS=LABELS, STATUSES=STATUSES, FLAGGED=FLAGGED, site_name=app.config["SITE_NAME"]
    )
    library.init_app(app)
    security.init_app(app)
    caching.init_app(app)  # compression, Cache-Control, ETags
    formats.init_app(app)
    errors.init_app(app)
    register_blueprints(app)
    review.init_app(app)  # reviewer workflow (issue 4): /login, /review, review API, decisions on results
    return app


def register_blueprints(app: Flask) -> None:
    """Every blueprint, in one place."""
    from .api import bp as api
    from .pages import bp as pages

    app.register_blueprint(pages)
    app.register_blueprint(api)
