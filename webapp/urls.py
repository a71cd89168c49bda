"""Absolute URLs (OpenSearch, the ClaimReview export, the OpenAPI server) that never follow a forged Host header.

The base is, in order: the PUBLIC_URL setting (the site's canonical address); else the request's host when Flask
vouches for it (TRUSTED_HOSTS is set: Flask refuses any other host with 400) or when it is a loopback name
(development, tests); else none, and the URL stays relative (logged once, naming PUBLIC_URL).
"""

from __future__ import annotations

from flask import current_app, request

LOOPBACK = ("localhost", "127.0.0.1", "::1")
_WARNED = "sourcecheck.public_url_warned"


def _hostname(host: str) -> str:
    if host.startswith("["):  # [::1]:5000
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def site_root() -> str | None:
    """The site's root URL without a trailing slash, or None when no trustworthy one is known."""
    config = current_app.config
    if config["PUBLIC_URL"]:
        return config["PUBLIC_URL"]
    if config.get("TRUSTED_HOSTS") or _hostname(request.host).lower() in LOOPBACK:
        return request.host_url.rstrip("/")
    if not current_app.extensions.get(_WARNED):
        current_app.extensions[_WARNED] = True
        current_app.logger.warning(
            "absolute URLs are relative: set PUBLIC_URL (or TRUSTED_HOSTS) to the site's "
            "address; the Host header %r is not trusted",
            request.host[:100],
        )
    return None


def absolute(path: str) -> str:
    """`path` (as url_for gives it, under the app's root) as an absolute URL when a trusted base is known."""
    root = site_root()
    if root is None:
        return path
    return root + path.removeprefix(request.script_root)
