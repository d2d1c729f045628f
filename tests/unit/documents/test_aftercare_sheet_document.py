"""The aftercare sheet: the core's sheet laid out as a page and a PDF with everything on it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from markupsafe import escape

from microneedling.knowledge import load_knowledge
from microneedling.planning import (
    TreatmentPlan,
    aftercare_sheet,
    aftercare_timeline,
    sheet_for_session,
)
from microneedling.reports import (
    AftercareDocument,
    TreatedArea,
    aftercare_html,
    aftercare_pdf,
    planned_session_document,
)
from microneedling.reports.words import day_date
from microneedling.screening import Finding, ScreeningResult, SourceRef

CLINIC = "Harbour Skin Clinic"


def test_sheet_shows_clinic_session_areas_days_warnings_and_whom_to_call(
    plan: TreatmentPlan,
) -> None:
    doc = planned_session_document(plan, 1, CLINIC, "Ada Lovelace")
    html = aftercare_html(doc)
    session = plan.sessions[0]
    assert CLINIC in html
    assert "Ada Lovelace" in html
    assert day_date(session.date) in html
    names = {a.site: a.name for a in plan.areas}
    for area in session.areas:
        assert names[area.site] in html
        assert f"{area.depth_mm:g} mm" in html
    sheet = doc.sheet
    for period in aftercare_timeline(sheet, doc.next_session_date).periods:
        assert f"{period.title} · {day_date(period.first_date)}" in html
    for day in sheet.days:
        for item in day.instructions:
            assert html.count(str(escape(item.text))) == 1
    for item in sheet.throughout_course:
        assert escape(item.text) in html
    for warning in sheet.warning_signs:
        assert escape(warning.text) in html
    assert escape(sheet.whom_to_call) in html
    assert "01234 567890" in html


def test_every_source_cited_on_the_sheet_is_listed(plan: TreatmentPlan) -> None:
    html = aftercare_html(planned_session_document(plan, 1, CLINIC))
    sheet = plan.aftercare
    labels = {s.label for w in sheet.warning_signs for s in w.sources}
    labels |= {s.label for i in sheet.throughout_course for s in i.sources}
    assert labels
    for label in labels:
        assert escape(label) in html
    assert f"Rule set {plan.ruleset_version}" in html


def test_later_session_is_dated_from_its_own_date(plan: TreatmentPlan) -> None:
    last = plan.sessions[-1]
    doc = planned_session_document(plan, last.number, CLINIC)
    assert doc.session_date == last.date
    assert doc.sheet.days[0].date == last.date
    assert doc.sheet == sheet_for_session(plan, last.number)


def test_unknown_session_number_names_the_sessions_there_are(plan: TreatmentPlan) -> None:
    with pytest.raises(KeyError, match="has no session 99"):
        planned_session_document(plan, 99, CLINIC)


def test_precautions_show_reason_measures_and_sources(plan: TreatmentPlan) -> None:
    source = SourceRef(ref="alster2018", label="Alster and Graham 2018, Dermatol Surg")
    screening = ScreeningResult(
        decision="eligible_with_precautions",
        screened_on=date(2026, 11, 21),
        ruleset_version=plan.ruleset_version,
        findings=[
            Finding(
                rule_id="hsv_history",
                rule_name="Cold sores in the past",
                kind="precaution",
                reason="Needling can wake a cold-sore virus.",
                evidence="history of cold sores",
                sources=[source],
                measures=["Take the antiviral tablets your doctor prescribed."],
            )
        ],
    )
    sheet = aftercare_sheet(
        load_knowledge(),
        session_number=1,
        session_date=date(2026, 11, 24),
        screening=screening,
        contact=None,
    )
    doc = AftercareDocument(
        clinic_name=CLINIC,
        session_date=sheet.session_date,
        session_number=1,
        areas=[TreatedArea(site="cheeks", name="Cheeks", depth_mm=1.0, passes=3)],
        sheet=sheet,
    )
    html = aftercare_html(doc)
    assert "Cold sores in the past" in html
    assert "Needling can wake a cold-sore virus." in html
    assert "Take the antiviral tablets your doctor prescribed." in html
    assert "Alster and Graham 2018, Dermatol Surg" in html
    assert "Call the clinic that treated you" in html


def test_patient_text_is_escaped(plan: TreatmentPlan) -> None:
    html = aftercare_html(planned_session_document(plan, 1, CLINIC, "<script>x()</script>"))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_pdf_holds_the_same_sheet(plan: TreatmentPlan, pdf_text: Callable[[bytes], str]) -> None:
    doc = planned_session_document(plan, 1, CLINIC, "Ada Lovelace")
    pdf = aftercare_pdf(doc)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert CLINIC in text
    assert "Ada Lovelace" in text
    assert day_date(plan.sessions[0].date) in text
    for warning in doc.sheet.warning_signs:
        assert warning.text in text
    assert "01234 567890" in text


def test_each_instruction_is_printed_once_with_its_end(plan: TreatmentPlan) -> None:
    doc = planned_session_document(plan, 1, CLINIC)
    html = " ".join(aftercare_html(doc).split())
    second = plan.sessions[1].date
    assert doc.next_session_date == second
    last = aftercare_timeline(doc.sheet, second).periods[-1]
    assert f"Until your next session · {day_date(last.first_date)} to " in html
    assert day_date(second - timedelta(days=1)) in html
    # A week-long instruction is printed once, with the date it ends; not in four blocks.
    assert html.count("No retinoids (retinol, tretinoin)") == 1
    ends = doc.session_date + timedelta(days=7)
    assert 'for a week.<sup class="cite">' in html
    assert f"Until the end of {day_date(ends)}." in html
    assert "No longer applies" in html
    assert f"From {day_date(ends + timedelta(days=1))}: Pause active skincare" in html
    assert "it does not set the evening of the treatment day apart" in html


def test_pdf_says_what_changes_once(plan: TreatmentPlan, pdf_text: Callable[[bytes], str]) -> None:
    doc = planned_session_document(plan, 1, CLINIC, "Ada Lovelace")
    text = pdf_text(aftercare_pdf(doc))
    assert "What changes, day by day" in text
    for title in ("This evening", "Tomorrow", "Days 2 and 3", "Days 4 to 7",
                  "Until your next session"):  # fmt: skip
        assert text.count(f"{title} · ") == 1, title
    assert text.count("No workouts or heavy sweating for 48 hours.") == 1
    assert text.count("Call us if you notice") == 1
