import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from searchbackend import WHOOSH, edit_manifest, stored_builds

import indexer.index.build as index_module
from indexer import (
    BuildError,
    BuildLockedError,
    IndexNotFoundError,
    Library,
    SearchRequest,
    build_index,
    current_build,
    open_index,
)
from indexer.documents.loading import CLEANING_VERSION
from indexer.index.build import open_catalog


def corpus(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def test_build_swaps_in_a_searchable_index(tmp_path, seeds_dir):
    summary = build_index([seeds_dir], tmp_path / "ix")
    assert summary.documents == 5 and summary.passages > 50
    assert summary.sentences["inaccurate"] >= 1
    build = current_build(tmp_path / "ix")
    assert build is not None and build.name.startswith("build-" if WHOOSH else "generation-")
    if WHOOSH:
        assert os.path.islink(tmp_path / "ix" / "current")
    page = Library(tmp_path / "ix").search(SearchRequest("insemination"))
    assert page.total > 0


def test_failed_build_keeps_previous_index(tmp_path, seeds_dir, monkeypatch):
    root = tmp_path / "ix"
    build_index([seeds_dir], root)
    before = current_build(root)

    def explode(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(index_module, "_summarised", explode)
    with pytest.raises(BuildError, match="previous index is kept"):
        build_index([seeds_dir], root)
    assert current_build(root) == before
    assert stored_builds(root) == [before]  # the half-built folder (generation) is removed
    assert Library(root).search(SearchRequest("miscarriage")).total > 0


def test_build_with_no_documents_fails_and_keeps_old(tmp_path, seeds_dir):
    root = tmp_path / "ix"
    build_index([seeds_dir], root)
    before = current_build(root)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "blank.txt").write_text("")
    with pytest.raises(BuildError, match="no documents"):
        build_index([empty], root)
    assert current_build(root) == before


def test_unchanged_documents_are_not_rechecked(tmp_path):
    folder = corpus(tmp_path, {"a.txt": "A\n\nMiscarriage is common.", "b.txt": "B\n\nICI is the same as IUI."})
    root = tmp_path / "ix"
    assert build_index([folder], root).reused == 0
    (folder / "b.txt").write_text("B\n\nICI places sperm at the cervix.")
    second = build_index([folder], root)
    assert second.reused == 1 and second.documents == 2
    hits = Library(root).search(SearchRequest("cervix")).hits
    assert hits and hits[0].doc_id == "b"


def test_bad_files_are_skipped_and_rest_indexed(tmp_path):
    folder = corpus(tmp_path, {"good.txt": "Good\n\nMiscarriage is common.", "empty.txt": ""})
    (folder / "bin.txt").write_bytes(b"\x00\x00binary")
    summary = build_index([folder], tmp_path / "ix")
    assert summary.documents == 1
    assert sorted(Path(e.path).name for e in summary.skipped) == ["bin.txt", "empty.txt"]


def test_second_concurrent_build_is_refused(tmp_path, seeds_dir):
    root = tmp_path / "ix"
    root.mkdir()
    with index_module.build_lock(root):
        with pytest.raises(BuildLockedError, match="another build is running"):
            build_index([seeds_dir], root)


def test_waiting_build_proceeds_when_lock_is_released(tmp_path, seeds_dir):
    root = tmp_path / "ix"
    root.mkdir()
    acquired = threading.Event()

    def hold():
        with index_module.build_lock(root):
            acquired.set()
            threading.Event().wait(0.5)

    holder = threading.Thread(target=hold)
    holder.start()
    acquired.wait(5)
    summary = build_index([seeds_dir], root, wait=10)
    holder.join()
    assert summary.documents == 5


def test_killed_build_leaves_previous_index_and_next_build_succeeds(tmp_path, seeds_dir):
    root = tmp_path / "ix"
    build_index([seeds_dir], root)
    before = current_build(root)
    # A child process takes the lock, begins a build (a folder, a generation), and is killed with SIGKILL mid-way.
    script = (
        "import os, sys, time, indexer.index.build as m\n"
        f"builds = m.open_catalog(m.Path({str(root)!r}))\n"
        "with builds.lock():\n"
        "    builds.begin()\n"
        "    print('locked', flush=True)\n"
        "    time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "locked"
    child.kill()
    child.wait()
    child.stdout.close()
    assert current_build(root) == before
    stale = [b for b in stored_builds(root) if b != before]
    assert len(stale) == 1
    assert Library(root).search(SearchRequest("miscarriage")).total > 0
    summary = build_index([seeds_dir], root)
    assert summary.documents == 5
    assert stored_builds(root) == [before, current_build(root)]  # the killed build's is pruned


def test_open_without_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexNotFoundError, match="sourcecheck build"):
        Library(tmp_path / "nothing")


def test_library_picks_up_a_swapped_index(tmp_path):
    folder = corpus(tmp_path, {"a.txt": "A\n\nMiscarriage is common."})
    root = tmp_path / "ix"
    build_index([folder], root)
    library = Library(root)
    assert library.search(SearchRequest("tampons")).total == 0
    (folder / "b.txt").write_text("B\n\nAvoid tampons for two weeks after a miscarriage.")
    build_index([folder], root)
    assert library.search(SearchRequest("tampons")).total == 1


def stored_paths(root: Path) -> dict[str, str]:
    """Document id -> the path of the file it was loaded from, in the build being served."""
    store = open_index(root)[2]
    return {doc_id: store.get(doc_id).document.path for doc_id in store.ids()}


def test_a_newcomer_never_takes_an_existing_documents_id(tmp_path):
    folder = corpus(tmp_path, {"my-post.txt": "Mine\n\nMiscarriage is common."})
    mine, theirs = folder / "my-post.txt", folder / "My Post.txt"
    root = tmp_path / "ix"
    build_index([folder], root)
    assert stored_paths(root) == {"my-post": str(mine)}
    theirs.write_text("Theirs\n\nICI is the same as IUI.")  # sorts first: by name order alone it would win
    second = build_index([folder], root)
    ids = stored_paths(root)
    [newcomer] = [doc_id for doc_id, path in ids.items() if path == str(theirs)]
    assert ids["my-post"] == str(mine) and newcomer.startswith("my-post-")
    assert second.warnings == [
        f"{theirs}: its name gives the id 'my-post', which {mine} has; it was given the id '{newcomer}'"
    ]
    assert second.reused == 1  # the original kept its id, so its checks were reused
    third = build_index([folder], root)  # stable from now on, without a warning
    assert stored_paths(root) == ids and third.warnings == [] and third.reused == 2


def test_the_same_name_in_another_folder_keeps_ids_across_builds(tmp_path, monkeypatch):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder, text in ((a, "A\n\nICI is the same as IUI."), (b, "B\n\nMiscarriage is common.")):
        folder.mkdir()
        (folder / "post.txt").write_text(text)
    root = tmp_path / "ix"
    build_index([b], root)
    summary = build_index([a, b], root)  # a/ comes first: by order alone a/post.txt would take "post"
    ids = stored_paths(root)
    [other] = [doc_id for doc_id in ids if doc_id != "post"]
    assert ids == {"post": str(b / "post.txt"), other: str(a / "post.txt")}
    assert summary.warnings == [
        f"{a / 'post.txt'}: its name gives the id 'post', which {b / 'post.txt'} has; it was given the id '{other}'"
    ]
    monkeypatch.chdir(tmp_path)  # the same files named from another working directory, in another order
    build_index([Path("b"), Path("a")], root)
    assert {doc_id: Path(path).resolve() for doc_id, path in stored_paths(root).items()} == {
        "post": b / "post.txt",
        other: a / "post.txt",
    }


def test_a_build_cleaned_another_way_is_not_reused(tmp_path):
    folder = corpus(tmp_path, {"a.txt": "A\n\nMiscarriage is common."})
    root = tmp_path / "ix"
    build_index([folder], root)
    assert build_index([folder], root).reused == 1
    edit_manifest(root, cleaning=CLEANING_VERSION - 1)  # as a build made with older cleaning rules has it
    assert build_index([folder], root).reused == 0


def test_a_build_checked_by_other_code_or_libraries_is_not_reused(tmp_path):
    """The reuse key covers the checking code and the NLTK, whoosh and pydantic versions, not only the knowledge."""
    from indexer.index.versions import CHECKING_MODULES, checker_fingerprint

    folder = corpus(tmp_path, {"a.txt": "A\n\nMiscarriage is common."})
    root = tmp_path / "ix"
    build_index([folder], root)
    assert open_catalog(root).manifest(current_build(root))["checker"] == checker_fingerprint()
    edit_manifest(root, checker="0" * 16)  # as a build made by an older checker or another NLTK has it
    assert build_index([folder], root).reused == 0
    assert build_index([folder], root).reused == 1
    assert {
        "indexer.checking.evidence",
        "indexer.knowledge.relations",
        "indexer.language.passages",
        "indexer.engine.punkt",
        "indexer.language.text",
    } <= set(CHECKING_MODULES)


# what the checker imports but cannot change a verdict with: errors, settings, the engine switch (its paths give the
# same passages: tests/indexer/test_punkt.py) and provenance (it is read again for every document, reused or not)
_NOT_VERDICTS = {"indexer.errors", "indexer.settings", "indexer.engine.pins", "indexer.documents.provenance"}


def _indexer_imports(module: str) -> set[str]:
    """The indexer modules `module` imports (at any depth in its code), by dotted name."""
    import ast
    import importlib.util

    path = importlib.util.find_spec(module).origin
    package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(Path(path).read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[: len(base) - node.level + 1] if node.level else []
            name = ".".join([*base, node.module] if node.module else base)
            for alias in node.names:  # "from . import x" may name a module
                if (
                    importlib.util.find_spec(name)
                    and not node.module
                    and importlib.util.find_spec(f"{name}.{alias.name}")
                ):
                    found.add(f"{name}.{alias.name}")
            found.add(name)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] == "indexer"}


def test_the_reuse_key_covers_every_module_the_checker_runs():
    """Each indexer module that checking a document imports, directly or not, is hashed into the reuse key."""
    from indexer.index.versions import CHECKING_MODULES

    seen, todo = set(), ["indexer.checking.analysis"]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(_indexer_imports(module))
    assert seen - _NOT_VERDICTS <= set(CHECKING_MODULES)
    assert set(CHECKING_MODULES) <= seen | {"indexer.documents.loading"}
