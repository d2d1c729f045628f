"""The plan summary a patient and practitioner sign off: print-ready page and PDF.

Everything shown is the core planner's :class:`TreatmentPlan`: the screening decision with its
reasons, each area's needle depth [mm] with every rule that set or lowered it, passes, the
session dates and visit minutes, milestones and maintenance, and the sources behind them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from microneedling.planning.treatment_plan import TreatmentPlan
from microneedling.reports.letterhead import PrintedLogo
from microneedling.reports.pdf import html_to_pdf
from microneedling.reports.templates import numbered_sources, render
from microneedling.screening.result import SourceRef


class PlanSummaryDocument(BaseModel):
    """A plan as printed for one patient by one clinic."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    clinic_name: str = Field(min_length=1)
    logo: PrintedLogo | None = Field(default=None, description="the clinic's, when it has one")
    patient_name: str | None = None
    plan: TreatmentPlan


def plan_sources(plan: TreatmentPlan) -> list[list[SourceRef]]:
    """Every group of sources a plan cites, in the order the plan shows them."""
    groups: list[list[SourceRef]] = [f.sources for f in plan.screening.findings]
    for area in plan.areas:
        groups += [step.sources for step in area.depth.steps]
        groups += [area.passes.sources, area.end_point.sources, area.sessions.sources]
        for concern in area.concerns:
            groups += [step.sources for step in concern.depth.steps]
            groups += [concern.sessions.sources, concern.maintenance_months.sources]
    groups += [plan.session_count.sources, plan.interval_weeks.sources]
    groups += [m.provenance.sources for m in plan.milestones]
    groups.append(plan.maintenance.interval_months.sources)
    return groups


def plan_citations(plan: TreatmentPlan) -> tuple[dict[str, int], list[SourceRef]]:
    """The plan's sources numbered once each, in order of first citation (the plan page and
    the printed summary number them alike)."""
    return numbered_sources(plan_sources(plan))


def plan_summary_html(document: PlanSummaryDocument) -> str:
    """The plan as a complete, print-ready HTML page (A4, no external resources)."""
    numbers, references = plan_citations(document.plan)
    return render(
        "plan_summary.html",
        doc=document,
        logo=document.logo,
        plan=document.plan,
        area_names={area.site: area.name for area in document.plan.areas},
        numbers=numbers,
        references=references,
    )


def plan_summary_pdf(document: PlanSummaryDocument) -> bytes:
    """The same summary as PDF bytes."""
    return html_to_pdf(plan_summary_html(document))
