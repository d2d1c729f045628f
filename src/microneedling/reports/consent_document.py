"""The signed consent document as a PDF: the text the patient read, their drawn signature, the
time of signing in the clinic's zone, the signer and the witness, if any.

The clinic's e-consent service calls :func:`consent_pdf` as its renderer when a document is
signed, and stores the bytes with their SHA-256; the same template gives the printable HTML.
"""

from __future__ import annotations

import base64

from microneedling.clinic.services.econsent import ConsentRenderer, SignedConsent
from microneedling.reports.letterhead import PrintedLogo
from microneedling.reports.pdf import html_to_pdf
from microneedling.reports.templates import render


def consent_html(signed: SignedConsent, logo: PrintedLogo | None = None) -> str:
    """The signed document as a complete, print-ready HTML page (no external resources),
    under the clinic's logo when it has one."""
    signature = base64.b64encode(signed.signature_png).decode("ascii")
    return render(
        "consent_document.html",
        doc=signed,
        content=signed.content,
        logo=logo,
        signature_src=f"data:image/png;base64,{signature}",
    )


def consent_pdf(signed: SignedConsent, logo: PrintedLogo | None = None) -> bytes:
    """The same document as a PDF (WeasyPrint), bytes starting with ``%PDF``."""
    return html_to_pdf(consent_html(signed, logo))


def consent_renderer(logo: PrintedLogo | None) -> ConsentRenderer:
    """The e-consent service's renderer: the signed PDF under this logo (or none)."""

    def draw(signed: SignedConsent) -> bytes:
        return consent_pdf(signed, logo)

    return draw
