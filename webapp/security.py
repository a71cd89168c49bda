"""Security headers on every response. Document text is untrusted: templates autoescape it, and the policy below
forbids inline script and style and anything loaded from elsewhere, so an escaping slip still cannot run code."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # health searches are sensitive: never tell the sites we link to what the reader searched for
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


def set_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def safe_url(url: str) -> str:
    """`url` if it is an http(s) link, else "#": a link's target never runs script, whatever the data says."""
    return url if urlsplit(url.strip()).scheme in ("http", "https") else "#"


def init_app(app: Flask) -> None:
    app.after_request(set_security_headers)
    app.jinja_env.filters["safe_url"] = safe_url
