"""The library per process and per request: the whoosh index is opened once per process, each request uses it
through `g`, and a newly swapped build is picked up on the next request without a restart."""

from __future__ import annotations

import threading

from flask import Flask, current_app, g

from indexer import KnowledgeBase, Library, default_knowledge_base, load_knowledge_base

EXTENSION = "sourcecheck.library"


class LibraryHolder:
    """Opens the Library on first use (so the app starts before the first build) and keeps it for the process."""

    def __init__(self, index_dir: str, knowledge_dir: str | None) -> None:
        self.index_dir = index_dir
        self.knowledge_dir = knowledge_dir
        self._library: Library | None = None
        self._kb: KnowledgeBase | None = None
        self._lock = threading.Lock()

    @property
    def kb(self) -> KnowledgeBase:
        if self._kb is None:
            with self._lock:
                if self._kb is None:
                    folder = self.knowledge_dir
                    self._kb = load_knowledge_base(folder) if folder else default_knowledge_base()
        return self._kb

    def get(self) -> Library:
        kb = self.kb
        with self._lock:
            if self._library is None:
                self._library = Library(self.index_dir, kb)  # IndexNotFoundError while nothing is built
            return self._library


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = LibraryHolder(app.config["INDEX_DIR"], app.config["KNOWLEDGE_DIR"])
    app.teardown_appcontext(_release)


def get_library() -> Library:
    """This request's library, refreshed once per request so that a newly swapped build is served at once."""
    if "library" not in g:
        library = current_app.extensions[EXTENSION].get()
        library.refresh()
        g.library = library
    return g.library


def get_kb() -> KnowledgeBase:
    """The knowledge base the library checks against; available before any index is built."""
    return current_app.extensions[EXTENSION].kb


def _release(_error: BaseException | None) -> None:
    g.pop("library", None)
