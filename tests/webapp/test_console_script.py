"""The `sourcecheck` console script is composed in webapp/cli.py: the library's commands, serve, and the review
plugin's `reviewer`; the library's own group (indexer/cli.py) stays without the web app's commands."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from indexer.cli import main as library_cli
from webapp.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_the_console_script_is_the_composed_command():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"sourcecheck": "webapp.cli:main"}


def test_every_command_is_there_and_the_library_keeps_its_own():
    assert set(library_cli.commands) == {"build", "search", "check", "eval", "kb"}
    assert set(main.commands) == {"build", "search", "check", "eval", "kb", "serve", "reviewer"}
    assert all(main.commands[name] is command for name, command in library_cli.commands.items())
    assert set(main.commands["reviewer"].commands) == {
        "add",
        "password",
        "token",
        "list",
        "revoke",
        "disable",
        "enable",
        "sync",
    }


def test_serve_and_version_options(runner):
    help_text = runner.invoke(main, ["serve", "--help"]).output
    for option in ("--host", "--port", "--index-dir", "--workers"):
        assert option in help_text
    version = runner.invoke(main, ["--version"])
    assert version.exit_code == 0 and "version" in version.output


def test_a_bad_serve_address_is_an_error_not_a_traceback(runner, tmp_path, seed_index):
    result = runner.invoke(main, ["serve", "--host", "no-such-host.invalid", "--index-dir", str(seed_index)])
    assert result.exit_code == 1 and result.output.startswith("Error: cannot listen on no-such-host.invalid")


def test_library_commands_do_not_import_the_web_app():
    code = "import sys, indexer.cli; assert not [m for m in sys.modules if m.startswith('webapp')]; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
