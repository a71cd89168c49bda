"""Who is asking: reviewers log in with a password (a session cookie) for the pages, or send an API token.

Readers need no account and can change nothing: every write needs a logged-in reviewer (pages, with a CSRF token
in the form) or a live API token (`Authorization: Bearer sc_...`), else 401. Accounts are checked on every
request, so disabling one ends its sessions and tokens at once.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for

from .accounts import Reviewer, authenticate, get_reviewer, reviewer_for_token
from .errors import AuthenticationError, LoginThrottledError
from .web import service, store

bp = Blueprint("review_auth", __name__)
CSRF_FIELD = "csrf_token"


def current_reviewer() -> Reviewer | None:
    """The reviewer logged in to this session (and still active), or None."""
    if "reviewer" not in g:
        reviewer = None
        reviewer_id = session.get("reviewer_id")
        if isinstance(reviewer_id, int):
            reviewer = get_reviewer(store(), reviewer_id)
            if reviewer is None or not reviewer.active:
                session.pop("reviewer_id", None)
                reviewer = None
        g.reviewer = reviewer
    return g.reviewer


def csrf_token() -> str:
    """This session's CSRF token, created on first use."""
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


def check_csrf() -> None:
    sent = request.form.get(CSRF_FIELD, "")
    expected = session.get(CSRF_FIELD, "")
    if not (sent and expected and hmac.compare_digest(sent, expected)):
        abort(400, description="The form has expired or did not come from this site (CSRF check failed). "
                               "Reload the page and submit it again.")


def require_reviewer() -> Reviewer:
    """The logged-in reviewer for a form post (CSRF checked), or 401."""
    reviewer = current_reviewer()
    if reviewer is None:
        raise AuthenticationError("log in as a reviewer to do this")
    check_csrf()
    return reviewer


def token_reviewer() -> Reviewer:
    """The reviewer whose API token came with the request, or 401."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("send an API token: 'Authorization: Bearer <token>' (sourcecheck reviewer token)")
    reviewer = reviewer_for_token(store(), token.strip())
    if reviewer is None:
        raise AuthenticationError("the API token is not valid, revoked, or its reviewer is disabled")
    return reviewer


def template_globals() -> dict:
    return {"current_reviewer": current_reviewer, "csrf_token": csrf_token, "csrf_field": CSRF_FIELD}


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("review.queue")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; a successful login starts a fresh session and goes back where the reviewer was."""
    next_url = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("review/login.html", next_url=next_url, error=None, name="")
    check_csrf()
    name = request.form.get("name", "").strip()
    try:
        reviewer = authenticate(store(), name, request.form.get("password", ""), request.remote_addr or "",
                                service().throttle)
    except AuthenticationError as e:
        status = 429 if isinstance(e, LoginThrottledError) else 401
        response = render_template("review/login.html", next_url=next_url, error=str(e), name=name)
        headers = {"Retry-After": str(e.retry_after)} if isinstance(e, LoginThrottledError) else {}
        return response, status, headers
    session.clear()  # a new session for the new identity (and a new CSRF token)
    session["reviewer_id"] = reviewer.id
    return redirect(next_url, 303)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """A page with the logout button (GET); logging out is a form post with the CSRF token."""
    if request.method == "GET":
        return render_template("review/logout.html")
    check_csrf()
    session.clear()
    return redirect(url_for("review.queue"), 303)
