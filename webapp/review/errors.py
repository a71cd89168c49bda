"""Errors raised by the reviewer store.

    SourcecheckError (indexer)
    ├── NotFoundError (indexer)     no claim or reviewer with that id or name (the library's own, re-exported)
    └── ReviewError                 base of every reviewer-workflow error shown to a user
        ├── InvalidRequestError     a decision or a filter is invalid (names the parameter)
        ├── ConflictError           a claim changed since the caller read it (carries the current claim)
        ├── AuthenticationError     wrong name, password or token, or a disabled account
        │   └── LoginThrottledError too many failed logins; `retry_after` seconds to wait
        ├── AccountError            an account operation cannot be done (duplicate name, weak password)
        └── StoreUnavailableError   the reviewer database cannot be reached (down, refused, locked)

The web app maps each to one HTTP status in one place (webapp/errors.py; the review plugin adds these rows).
"""

from __future__ import annotations

from indexer import NotFoundError, SourcecheckError

__all__ = [
    "AccountError",
    "AuthenticationError",
    "ConflictError",
    "InvalidRequestError",
    "LoginThrottledError",
    "NotFoundError",
    "ReviewError",
    "StoreUnavailableError",
]


class ReviewError(SourcecheckError):
    """Base of the reviewer workflow's errors."""


class InvalidRequestError(ReviewError):
    """A request is invalid; `param` names the offending parameter."""

    def __init__(self, message: str, param: str) -> None:
        super().__init__(message)
        self.param = param


class ConflictError(ReviewError):
    """Someone else decided on the claim first; `current` is the claim as it is now (`param`: the version)."""

    def __init__(self, message: str, current) -> None:
        super().__init__(message)
        self.current = current
        self.param = "version"


class AuthenticationError(ReviewError):
    """Credentials were wrong, or the account is disabled."""


class LoginThrottledError(AuthenticationError):
    """Too many failed logins for this account or client."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed logins; try again in {retry_after} seconds")
        self.retry_after = retry_after


class AccountError(ReviewError):
    """An account operation cannot be done."""


class StoreUnavailableError(ReviewError):
    """The reviewer database cannot be reached or cannot answer; search goes on without reviewers' decisions."""
