"""The `sourcecheck` console script: the library's commands (indexer/cli.py: build, search, check, eval, kb), the
web app's `serve`, and the plugins' commands (the review plugin's `reviewer`), composed here where both packages
are visible, so that the library never imports the web app.
"""

from __future__ import annotations

import click

from indexer import SourcecheckError
from indexer.cli import INDEX_DIR_HELP
from indexer.cli import main as library_cli

from .plugins import plugin_manager
from .server import serve as run_server


@click.group(commands=dict(library_cli.commands))  # a copy: adding to this group leaves the library's alone
@click.version_option(package_name="sourcecheck")
def main() -> None:
    """Sourcecheck: search health information with every claim checked against authoritative sources."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option("--index-dir", type=click.Path(file_okay=False), help=INDEX_DIR_HELP)
@click.option(
    "--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="Server threads or processes."
)
def serve(host, port, index_dir, workers) -> None:
    """Serve the web app with a production server; builds the index from seeds/ first if there is none."""
    try:
        run_server(host=host, port=port, index_dir=index_dir, workers=workers)
    except SourcecheckError as e:
        raise click.ClickException(str(e)) from e


plugin_manager().hook.register_commands(cli=main)
