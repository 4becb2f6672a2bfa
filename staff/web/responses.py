"""What every page response carries: rendered HTML, the security headers, and the shared error page.

The headers make the browser's defences do their part: no script but our own files (CSP, so an injected
`<script>` in a transcript cannot run even if escaping failed), no framing (click-jacking), no sniffing,
no cross-site referrers, and no caching of pages that show personal data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import HTMLResponse, Response

from staff.web.i18n import environment

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS: Mapping[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def render(
    language: str,
    template: str,
    context: Mapping[str, Any],
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """A template rendered in one interface language (autoescaped), as an HTML response."""
    html = environment(language).get_template(template).render(**context)
    return HTMLResponse(html, status_code=status_code, headers=dict(headers or {}))


def with_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
