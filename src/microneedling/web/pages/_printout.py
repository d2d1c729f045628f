"""A print-ready page: a printout's HTML served with a CSP that allows its own stylesheet."""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi.responses import HTMLResponse

from microneedling.web.headers import CONTENT_SECURITY_POLICY

# Patient documents must not linger in shared caches or the browser's history cache.
NO_STORE = {"Cache-Control": "no-store"}
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def printout_page(html: str) -> HTMLResponse:
    """A print-ready page. Its stylesheet is the PDF template's own <style> block (WeasyPrint
    reads it there), so the page's CSP allows exactly that block by its SHA-256 (CSP level 3
    hash source) and nothing else inline."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"
        for block in _STYLE.findall(html)
    )
    policy = CONTENT_SECURITY_POLICY.replace("style-src 'self'", f"style-src 'self' {hashes}")
    return HTMLResponse(html, headers={**NO_STORE, "Content-Security-Policy": policy})
