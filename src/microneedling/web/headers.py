"""Security headers on every response: CSP, no caching of anything but static assets, HSTS.

- ``Content-Security-Policy`` (on all but PDFs and images): scripts, styles, images, fonts
  and requests from this origin only; no inline script or style (templates keep theirs in
  ``web/static``), no plugins, no framing, forms post only here. The interactive API docs
  (``/api/docs``) load Swagger UI from its CDN with an inline bootstrap script, so that one
  page gets its own policy allowing exactly that.
- ``Cache-Control: no-store`` on every response that does not set its own (pages and API
  answers carry patient data; only the static assets say they may be cached).
- ``Strict-Transport-Security`` when the request came over HTTPS (directly, or per
  ``X-Forwarded-Proto`` from a proxy in ``trusted_proxies``) and ``hsts_max_age_seconds`` > 0.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from microneedling.web.forwarded import forwarded_scheme

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
#: Swagger UI: its CDN's script and stylesheet plus the inline call that starts it.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' https://cdn.jsdelivr.net 'unsafe-inline'; "
    "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)

_NOT_DOCUMENTS = (b"application/pdf", b"image/")
_ALWAYS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    def __init__(
        self,
        app: ASGIApp,
        api_prefix: str,
        *,
        hsts_max_age_s: int = 0,
        trusted_proxies: Sequence[str] = (),
    ) -> None:
        self.app = app
        self.docs_path = f"{api_prefix}/docs"
        self.hsts = (
            f"max-age={hsts_max_age_s}; includeSubDomains".encode() if hsts_max_age_s else b""
        )
        self.trusted_proxies = tuple(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = DOCS_POLICY if scope.get("path") == self.docs_path else CONTENT_SECURITY_POLICY
        csp = (b"content-security-policy", policy.encode())
        extra = list(_ALWAYS)
        if self.hsts and forwarded_scheme(scope, self.trusted_proxies) == "https":
            extra.append((b"strict-transport-security", self.hsts))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in extra if n not in present]
                media = dict(headers).get(b"content-type", b"")
                # PDFs and images are no documents to police, and Chromium's own PDF viewer
                # (with inline styles) would inherit the policy and break.
                if csp[0] not in present and not media.startswith(_NOT_DOCUMENTS):
                    headers.append(csp)
                if b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
