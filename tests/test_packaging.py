"""The package as a site deploys it: `pip install .` (not editable) into a fresh virtual environment.

An editable checkout finds every file beside the code, so the rest of the suite cannot see a file that the wheel
leaves out. Here the installed copy serves the pages that read templates, static files and knowledge data.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("indexer", "webapp")

# Run inside the installed environment: serves the pages that read package files, from the installed copy only.
SMOKE = r"""
import json, sys
from pathlib import Path
import indexer, webapp
for module in (indexer, webapp):
    assert sys.prefix in module.__file__, f"{module.__name__} imported from {module.__file__}, not the venv"
from indexer import build_index
build_index([Path(sys.argv[1])], Path(sys.argv[2]))
app = webapp.create_app({"INDEX_DIR": sys.argv[2], "DATABASE_URL": "sqlite:///" + sys.argv[3]},
                        instance_path=sys.argv[4])
client = app.test_client()
statuses = {}
for url in ("/", "/?q=IUI", "/about", "/topics", "/opensearch.xml", "/static/style.css", "/static/app.js",
            "/static/favicon.svg", "/review/static/review.css", "/login", "/api/v1/openapi.json"):
    response = client.get(url, headers={"Host": "localhost"})
    statuses[url] = response.status_code
    response.close()
print(json.dumps(statuses))
"""


def package_data_files() -> set[str]:
    """Every non-Python file under the packages' folders (what the code may read at run time)."""
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts:
                found.add(path.relative_to(ROOT).as_posix())
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # Built from a copy without the checkout's build/ and *.egg-info: setuptools would otherwise take files listed
    # by an earlier (editable) install's SOURCES.txt, and a fresh clone has none.
    source = tmp_path_factory.mktemp("source") / "sourcecheck"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", "build", "*.egg-info", "var", "instance", "artifacts", "__pycache__", ".*_cache", ".hypothesis"
        ),
    )
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
        text=True,
    )
    (built,) = out.glob("sourcecheck-*.whl")
    return built


def test_the_wheel_holds_every_package_data_file(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = sorted(package_data_files() - names)
    assert not missing, f"pip install . would leave out {missing}: add them to [tool.setuptools.package-data]"


def test_an_installed_copy_serves_every_page_that_reads_package_files(wheel, tmp_path):
    venv = tmp_path / "venv"
    # The system site-packages provide the dependencies (nothing is downloaded); the wheel goes into the venv's own
    # site-packages, which come first on sys.path, so the checkout's editable install is not what runs.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "-q", "--disable-pip-version-check", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
    )
    work = tmp_path / "elsewhere"  # not the checkout: ./seeds and the checkout's files are out of reach
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOURCECHECK_") and k != "PYTHONPATH"}
    done = subprocess.run(
        [
            str(python),
            "-c",
            SMOKE,
            str(ROOT / "seeds"),
            str(tmp_path / "index"),
            str(tmp_path / "review.sqlite3"),
            str(tmp_path / "instance"),
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    statuses = __import__("json").loads(done.stdout.strip().splitlines()[-1])
    assert statuses == dict.fromkeys(statuses, 200), statuses
