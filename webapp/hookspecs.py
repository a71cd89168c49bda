"""The hooks a plugin may implement (pluggy, as Datasette does): how the reviewer workflow, or any other plugin,
adds to the web app without the public pages importing it.

A plugin is a module with functions named after these specs and marked `@hookimpl`; `webapp/plugins.py` loads the
default ones and `create_app` calls them. The public views apply the overlay hooks to what they show, so search,
documents and the API work the same with no plugin at all (then they show the automatic checks).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click
    from flask import Flask

    from indexer import CheckedDocument, Hit, SearchPage

    from .errors import ErrorStatus

PROJECT = "sourcecheck"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def init_app(app: Flask) -> None:
    """Add settings, blueprints, template globals and request hooks to `app` (once, from create_app)."""


@hookspec(firstresult=True)
def overlay_page(page: SearchPage) -> SearchPage | None:
    """The search page as readers should see it (reviewers' decisions applied, say); None: leave it as it is.
    The first plugin to return a page wins; the same holds for the other overlay hooks."""


@hookspec(firstresult=True)
def overlay_document(checked: CheckedDocument) -> CheckedDocument | None:
    """One page of a checked document as readers should see it; None: leave it as it is."""


@hookspec(firstresult=True)
def overlay_passage(hit: Hit) -> Hit | None:
    """One passage (/api/v1/passages/<id>) as readers should see it; None: leave it as it is."""


@hookspec
def error_statuses() -> dict[type[Exception], ErrorStatus]:
    """The HTTP status and error code of each error class the plugin raises (merged into webapp/errors.py's)."""


@hookspec
def api_endpoints() -> dict[str, str]:
    """Name -> URL (or URL template) of the plugin's /api/v1 endpoints, listed by GET /api/v1/."""


@hookspec
def openapi_schemas() -> dict[str, Any]:
    """JSON Schemas the plugin's /api/v1 operations refer to (components of the OpenAPI document)."""


@hookspec
def footer_links() -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """A labelled group of links for every page's footer: (label, ((text, endpoint), ...)); None: none."""


@hookspec
def page_messages() -> list[str]:
    """Notices for the page being rendered (shown above its content), e.g. that a part of it is unavailable; text
    is escaped (markupsafe.Markup is written as it is)."""


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add commands to the `sourcecheck` command line (webapp/cli.py)."""
