"""The plan summary: every number the planner states appears with the rule that set it."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from microneedling.planning import TreatmentPlan
from microneedling.reports import PlanSummaryDocument, plan_summary_html, plan_summary_pdf
from microneedling.reports.templates import numbered_sources
from microneedling.reports.words import day_date, depth
from microneedling.screening import SourceRef


def test_summary_shows_depths_with_every_step_and_its_reason(plan: TreatmentPlan) -> None:
    html = plan_summary_html(PlanSummaryDocument(clinic_name="Clinic", plan=plan))
    for area in plan.areas:
        assert escape(area.name) in html
        assert depth(area.depth.value_mm) in html
        for step in area.depth.steps:
            assert escape(step.reason) in html
        assert escape(area.passes.reason) in html
        assert escape(area.end_point.value) in html


def test_summary_lists_sessions_milestones_maintenance(plan: TreatmentPlan) -> None:
    html = plan_summary_html(PlanSummaryDocument(clinic_name="Clinic", plan=plan))
    for session in plan.sessions:
        assert day_date(session.date) in html
        assert f"{round(session.duration.total_minutes)} min" in html
    for milestone in plan.milestones:
        assert escape(milestone.text) in html
    for when in plan.maintenance.dates:
        assert day_date(when) in html
    assert escape(plan.session_count.reason) in html
    assert escape(plan.interval_weeks.reason) in html


def test_summary_says_when_no_source_exists(plan: TreatmentPlan) -> None:
    html = plan_summary_html(PlanSummaryDocument(clinic_name="Clinic", plan=plan))
    unsourced = [a.passes.unsourced for a in plan.areas if a.passes.unsourced]
    assert unsourced, "the plan has an unsourced figure to show"
    for text in unsourced:
        assert escape(f"no published source: {text}") in html


def test_summary_pdf(plan: TreatmentPlan, pdf_text: Callable[[bytes], str]) -> None:
    pdf = plan_summary_pdf(
        PlanSummaryDocument(clinic_name="Clinic", patient_name="B. Y.", plan=plan)
    )
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert "Your microneedling treatment plan" in text
    assert day_date(plan.sessions[0].date) in text


_refs = st.sampled_from(["a", "b", "c", "d", "e"]).map(lambda r: SourceRef(ref=r, label=r.upper()))


@given(st.lists(st.lists(_refs, max_size=4), max_size=6))
def test_sources_numbered_once_in_order_of_first_use(groups: list[list[SourceRef]]) -> None:
    numbers, references = numbered_sources(groups)
    first_use = list(dict.fromkeys(s.ref for g in groups for s in g))
    assert [r.ref for r in references] == first_use
    assert numbers == {ref: i + 1 for i, ref in enumerate(first_use)}
