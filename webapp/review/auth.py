"""Who is asking: reviewers log in with a password (a server-side session) for the pages, or send an API token.

Readers need no account and can change nothing: every write needs a logged-in reviewer (pages, with a CSRF token
in the form) or a live API token (`Authorization: Bearer sc_...`), else 401. The session cookie holds a random
session id that the store checks on every request (`sessions.py`), so logout, disabling an account and a password
change end sessions for good, even for a copy of the cookie. Readers who are neither logged in nor sending a
valid token see no reviewer names (`names_visible`).
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for

from .accounts import Reviewer, authenticate, change_own_password, get_reviewer, reviewer_for_token
from .errors import AccountError, AuthenticationError, LoginThrottledError
from .sessions import end_session, session_reviewer, start_session
from .web import service, store

bp = Blueprint("review_auth", __name__)
CSRF_FIELD = "csrf_token"
SESSION_KEY = "session_id"


def current_reviewer() -> Reviewer | None:
    """The reviewer logged in to this session (live, and the account still active), or None."""
    if "reviewer" not in g:
        reviewer = None
        session_id = session.get(SESSION_KEY)
        if isinstance(session_id, str):
            reviewer_id = session_reviewer(store(), session_id, service().sessions)
            reviewer = get_reviewer(store(), reviewer_id) if reviewer_id is not None else None
            if reviewer is None or not reviewer.active:
                session.pop(SESSION_KEY, None)
                reviewer = None
                g.session_ended = True
        g.reviewer = reviewer
    return g.reviewer


def _bearer_token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def names_visible() -> bool:
    """Whether this request may see reviewers' names: a logged-in reviewer, or a valid API token."""
    if "names_visible" not in g:
        token = _bearer_token()
        g.names_visible = current_reviewer() is not None or bool(token and reviewer_for_token(store(), token))
    return g.names_visible


def csrf_token() -> str:
    """This session's CSRF token, created on first use."""
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


def check_csrf() -> None:
    sent = request.form.get(CSRF_FIELD, "")
    expected = session.get(CSRF_FIELD, "")
    if not (sent and expected and hmac.compare_digest(sent, expected)):
        abort(
            400,
            description="The form has expired or did not come from this site (CSRF check failed). "
            "Reload the page and submit it again.",
        )


def require_reviewer() -> Reviewer:
    """The logged-in reviewer for a form post (CSRF checked), or 401."""
    reviewer = current_reviewer()
    if reviewer is None:
        if g.get("session_ended"):
            raise AuthenticationError(
                "your session has ended (logged out, unused for too long, or ended by a "
                "password change): log in again to do this"
            )
        raise AuthenticationError("log in as a reviewer to do this")
    check_csrf()
    return reviewer


def token_reviewer() -> Reviewer:
    """The reviewer whose API token came with the request, or 401."""
    token = _bearer_token()
    if not token:
        raise AuthenticationError("send an API token: 'Authorization: Bearer <token>' (sourcecheck reviewer token)")
    reviewer = reviewer_for_token(store(), token)
    if reviewer is None:
        raise AuthenticationError("the API token is not valid, revoked, expired, or its reviewer is disabled")
    return reviewer


def template_globals() -> dict:
    return {
        "current_reviewer": current_reviewer,
        "names_visible": names_visible,
        "csrf_token": csrf_token,
        "csrf_field": CSRF_FIELD,
    }


def safe_next(target: str | None) -> str:
    """`target` if it is a path on this site, else the queue: never an open redirect (`//host`, `/\\host`, a
    scheme), and never a control character, which would break the Location header or be dropped by browsers."""
    if (
        target
        and target.startswith("/")
        and target.isprintable()
        and "\\" not in target
        and not target.startswith("//")
    ):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("review.queue")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; a successful login starts a fresh session and goes back where the reviewer was."""
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("review/login.html", next_url=next_url, error=None, name="")
    check_csrf()
    name = request.form.get("name", "").strip()
    try:
        reviewer = authenticate(
            store(), name, request.form.get("password", ""), request.remote_addr or "", service().throttle
        )
    except AuthenticationError as e:
        status = 429 if isinstance(e, LoginThrottledError) else 401
        response = render_template("review/login.html", next_url=next_url, error=str(e), name=name)
        headers = {"Retry-After": str(e.retry_after)} if isinstance(e, LoginThrottledError) else {}
        return response, status, headers
    session.clear()  # a new session for the new identity (and a new CSRF token)
    session[SESSION_KEY] = start_session(store(), reviewer.id, service().sessions)
    return redirect(next_url, 303)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """A page with the logout button (GET); logging out is a form post with the CSRF token, and ends the session
    in the store, so a copy of the cookie no longer works either."""
    if request.method == "GET":
        return render_template("review/logout.html")
    check_csrf()
    session_id = session.get(SESSION_KEY)
    if isinstance(session_id, str):
        end_session(store(), session_id)
    session.clear()
    return redirect(url_for("review.queue"), 303)


def _password_page(error: str | None = None, status: int = 200, headers: dict | None = None):
    return (
        render_template("review/password.html", error=error, changed=bool(request.args.get("changed"))),
        status,
        headers or {},
    )


@bp.route("/review/password", methods=["GET", "POST"])
def password():
    """A logged-in reviewer changes their own password: the current one, then the new one twice. Every other
    session of theirs ends and their API tokens are revoked."""
    if request.method == "GET":
        if current_reviewer() is None:
            return redirect(url_for("review_auth.login", next=request.path), 303)
        return _password_page()
    reviewer = require_reviewer()
    new = request.form.get("new_password", "")
    if new != request.form.get("new_password_again", ""):
        return _password_page("the two new passwords are not the same: type the new one twice", 400)
    try:
        change_own_password(
            store(),
            reviewer,
            request.form.get("current_password", ""),
            new,
            request.remote_addr or "",
            service().throttle,
            session.get(SESSION_KEY),
        )
    except LoginThrottledError as e:
        return _password_page(str(e), 429, {"Retry-After": str(e.retry_after)})
    except AuthenticationError:
        return _password_page("the current password is not right", 401)
    except AccountError as e:
        return _password_page(str(e), 400)
    return redirect(url_for("review_auth.password", changed=1), 303)
