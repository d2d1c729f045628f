"""Documents and pictures for people: aftercare sheets, plan summaries (HTML and PDF), plots."""

from microneedling.reports.aftercare_sheet import (
    AftercareDocument,
    TreatedArea,
    aftercare_html,
    aftercare_pdf,
    planned_session_document,
)
from microneedling.reports.consent_document import consent_html, consent_pdf, consent_renderer
from microneedling.reports.letterhead import PrintedLogo, printed_logo
from microneedling.reports.pdf import html_to_pdf
from microneedling.reports.plan_summary import (
    PlanSummaryDocument,
    plan_summary_html,
    plan_summary_pdf,
)

__all__ = [
    "AftercareDocument",
    "PlanSummaryDocument",
    "PrintedLogo",
    "TreatedArea",
    "aftercare_html",
    "aftercare_pdf",
    "consent_html",
    "consent_pdf",
    "consent_renderer",
    "html_to_pdf",
    "plan_summary_html",
    "plan_summary_pdf",
    "planned_session_document",
    "printed_logo",
]
