"""Plugins: which ones the app loads, and the calls the public views make into them (the specs: hookspecs.py).

The default plugins are named here and imported by name, the way Datasette loads its own default plugins, so the
app's core never imports them: the reviewer workflow (`webapp/review/plugin.py`) is one. `create_app(test_config,
plugins=())` starts the search pages, documents and API with none; the overlay calls then return what they are
given.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any, TypeVar

import pluggy
from flask import Flask, current_app

from indexer import CheckedDocument, Hit, SearchPage

from . import hookspecs

DEFAULT_PLUGINS = ("webapp.review.plugin",)
EXTENSION = "sourcecheck.plugins"
T = TypeVar("T")


def plugin_manager(plugins: Iterable[str | object] = DEFAULT_PLUGINS) -> pluggy.PluginManager:
    """A plugin manager with `plugins` registered: module names, or modules and objects with hook implementations."""
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    for plugin in plugins:
        if isinstance(plugin, str):
            manager.register(importlib.import_module(plugin), plugin)
        else:
            manager.register(plugin)
    return manager


def init_app(app: Flask, manager: pluggy.PluginManager) -> None:
    """Keep `manager` for `app` and give templates the plugins' footer links and page messages."""
    app.extensions[EXTENSION] = manager
    app.jinja_env.globals.update(footer_links=footer_links, page_messages=page_messages)


def hooks() -> Any:
    """The hooks of the current app's plugins (`hooks().name(arg=...)` calls every implementation)."""
    return current_app.extensions[EXTENSION].hook


def _first(found: T | None, value: T) -> T:
    return value if found is None else found


def overlay_page(page: SearchPage | None) -> SearchPage | None:
    """The search page as readers should see it (the plugins' `overlay_page`); None stays None."""
    return None if page is None else _first(hooks().overlay_page(page=page), page)


def overlay_document(checked: CheckedDocument | None) -> CheckedDocument | None:
    """One page of a checked document as readers should see it (`overlay_document`); None stays None."""
    return None if checked is None else _first(hooks().overlay_document(checked=checked), checked)


def overlay_passage(hit: Hit | None) -> Hit | None:
    """One passage as readers should see it (`overlay_passage`); None stays None."""
    return None if hit is None else _first(hooks().overlay_passage(hit=hit), hit)


def api_endpoints() -> dict[str, str]:
    """The plugins' /api/v1 endpoints, for GET /api/v1/."""
    return {name: url for found in hooks().api_endpoints() for name, url in found.items()}


def openapi_schemas(app: Flask) -> dict[str, Any]:
    """The JSON Schemas the plugins' operations refer to."""
    return {
        name: schema for found in app.extensions[EXTENSION].hook.openapi_schemas() for name, schema in found.items()
    }


def footer_links() -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """(label, ((text, endpoint), ...)) for each plugin that links from the footer."""
    return [group for group in hooks().footer_links() if group]


def page_messages() -> list[str]:
    """Notices for this page from the plugins (the reviewer store is down, say)."""
    return [message for found in hooks().page_messages() for message in found]
