"""The signed consent document as a PDF: the text the patient read, their drawn signature, the
time of signing in the clinic's zone, the signer and the witness, if any.

The clinic's e-consent service calls :func:`consent_pdf` as its renderer when a document is
signed, and stores the bytes with their SHA-256; the same template gives the printable HTML.
"""

from __future__ import annotations

import base64

from microneedling.clinic.services.econsent import SignedConsent
from microneedling.reports.pdf import html_to_pdf
from microneedling.reports.templates import render


def consent_html(signed: SignedConsent) -> str:
    """The signed document as a complete, print-ready HTML page (no external resources)."""
    signature = base64.b64encode(signed.signature_png).decode("ascii")
    return render(
        "consent_document.html",
        doc=signed,
        content=signed.content,
        signature_src=f"data:image/png;base64,{signature}",
    )


def consent_pdf(signed: SignedConsent) -> bytes:
    """The same document as a PDF (WeasyPrint), bytes starting with ``%PDF``."""
    return html_to_pdf(consent_html(signed))
