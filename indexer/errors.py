"""Errors raised by the indexer library.

SourcecheckError              base: every error a caller should show to a user
├── DocumentError             a document cannot be read or is skipped (names the file and why)
├── KnowledgeBaseError        a rule file is malformed (names the file, the rule id and what is wrong)
├── IndexNotFoundError        no index has been built in the folder yet
├── NotFoundError             nothing has that id or name (a document, passage, claim, reviewer); names the parameter
├── BuildError                a build failed; the previous index stays in place
│   └── BuildLockedError      another build holds the lock
└── QueryError                a search request is invalid (names the parameter)
"""

from __future__ import annotations


class SourcecheckError(Exception):
    """Base of every error the library raises on purpose."""


class DocumentError(SourcecheckError):
    """A document could not be loaded; the message names the file and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class KnowledgeBaseError(SourcecheckError):
    """A knowledge-base file is malformed."""


class IndexNotFoundError(SourcecheckError):
    """No index exists in the given folder."""


class NotFoundError(SourcecheckError):
    """Nothing has the id or name asked for; `param` names the parameter that held it, if one did."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


class BuildError(SourcecheckError):
    """An index build failed; the previous index is still the one served."""


class BuildLockedError(BuildError):
    """Another build is running on the same index folder."""


class QueryError(SourcecheckError):
    """A search request is invalid; `param` names the offending parameter."""

    def __init__(self, message: str, param: str = "q") -> None:
        super().__init__(message)
        self.param = param
