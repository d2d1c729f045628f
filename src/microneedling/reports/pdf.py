"""HTML to PDF with WeasyPrint: the printed page and the PDF come from one template."""

from __future__ import annotations

import logging
from typing import cast

from microneedling.reports.templates import TEMPLATES

# WeasyPrint logs every CSS property it does not support at WARNING; the templates use only
# print CSS it supports, so anything logged is noise for a clinic's log.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def html_to_pdf(html: str) -> bytes:
    """Render a complete HTML document to PDF bytes (A4 unless the page's CSS says otherwise).

    Relative URLs resolve against the reports' template folder; nothing is fetched from the
    network.
    """
    from weasyprint import HTML  # imported late: loading Pango takes ~0.5 s
    from weasyprint.urls import URLFetcher

    # A sheet holds patient data: it must never make the renderer call out to the network.
    fetcher = URLFetcher(allowed_protocols=("file", "data"))
    document = HTML(string=html, base_url=str(TEMPLATES), url_fetcher=fetcher)
    return cast(bytes, document.write_pdf())
