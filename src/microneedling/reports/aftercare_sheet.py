"""The aftercare sheet a patient takes home: one template for the printed page and the PDF.

The content comes from the core: planning's :class:`AftercareSheet` (instructions from the
knowledge base's aftercare guide, the screening precautions' measures, warning signs and whom
to call), read period by period as :func:`~microneedling.planning.aftercare_timeline` places
each instruction once, where it starts. This module only lays it out, with what was done at
the session (areas, needle depth [mm], passes) and the clinic's name.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from microneedling.planning.aftercare_days import aftercare_timeline
from microneedling.planning.aftercare_sheet import sheet_for_session
from microneedling.planning.treatment_plan import AftercareSheet, TreatmentPlan
from microneedling.reports.letterhead import PrintedLogo
from microneedling.reports.pdf import html_to_pdf
from microneedling.reports.templates import numbered_sources, render


class TreatedArea(BaseModel):
    """One area as treated at the session: its name, needle depth [mm] and passes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    site: str
    name: str
    depth_mm: float = Field(gt=0)
    passes: int = Field(ge=1)


class AftercareDocument(BaseModel):
    """Everything printed on one aftercare sheet."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    clinic_name: str = Field(min_length=1)
    logo: PrintedLogo | None = Field(default=None, description="the clinic's, when it has one")
    patient_name: str | None = None
    session_date: date
    session_number: int = Field(ge=1)
    areas: list[TreatedArea] = Field(min_length=1)
    sheet: AftercareSheet
    next_session_date: date | None = Field(
        default=None, description="closes the sheet's last period when known"
    )
    ruleset_version: str | None = None


def planned_session_document(
    plan: TreatmentPlan,
    session_number: int,
    clinic_name: str,
    patient_name: str | None = None,
    sheet: AftercareSheet | None = None,
    logo: PrintedLogo | None = None,
) -> AftercareDocument:
    """The sheet for a session as planned (areas, depth and passes from the plan).

    ``sheet`` defaults to the core's sheet for that session, dated from its planned date.
    """
    for session in plan.sessions:
        if session.number == session_number:
            break
    else:
        known = ", ".join(str(s.number) for s in plan.sessions)
        raise KeyError(f"the plan has no session {session_number} (it has {known})")
    names = {area.site: area.name for area in plan.areas}
    later = [s.date for s in plan.sessions if s.number > session_number]
    areas = [
        TreatedArea(
            site=a.site, name=names.get(a.site, a.site), depth_mm=a.depth_mm, passes=a.passes
        )
        for a in session.areas
    ]
    return AftercareDocument(
        clinic_name=clinic_name,
        logo=logo,
        patient_name=patient_name,
        session_date=session.date,
        session_number=session.number,
        areas=areas,
        sheet=sheet or sheet_for_session(plan, session_number),
        next_session_date=min(later, default=None),
        ruleset_version=plan.ruleset_version,
    )


def aftercare_html(document: AftercareDocument) -> str:
    """The sheet as a complete, print-ready HTML page (A4, no external resources)."""
    sheet = document.sheet
    groups = [
        *(i.sources for day in sheet.days for i in day.instructions),
        *(i.sources for i in sheet.throughout_course),
        *(p.sources for p in sheet.precautions),
        *(w.sources for w in sheet.warning_signs),
    ]
    numbers, references = numbered_sources(groups)
    return render(
        "aftercare_sheet.html",
        doc=document,
        logo=document.logo,
        sheet=sheet,
        numbers=numbers,
        references=references,
        timeline=aftercare_timeline(sheet, document.next_session_date),
        call_clinic=[w for w in sheet.warning_signs if w.action == "call_clinic"],
        urgent_care=[w for w in sheet.warning_signs if w.action == "urgent_care"],
    )


def aftercare_pdf(document: AftercareDocument) -> bytes:
    """The same sheet as a PDF (WeasyPrint), bytes starting with ``%PDF``."""
    return html_to_pdf(aftercare_html(document))
