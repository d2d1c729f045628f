"""The predicted course of a plan, as pictures: collagen with its band, redness, milestones.

The curve is the clinic's prediction service (the skin-response model on the plan's current
version, as the API returns it). The band is the core model's virtual cohort for the same
course: the 5-95 % range over patients drawn from the parameters' published spreads.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Response

from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.plans import PlanService
from microneedling.clinic.services.predictions import PredictionService
from microneedling.model import course_from_plan
from microneedling.model.cohort import simulate_cohort
from microneedling.model.simulation import simulate_course
from microneedling.model.summary import NOT_A_PROMISE, summarise
from microneedling.web.deps import RecordId
from microneedling.web.pages._render import render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import SignedDep
from microneedling.web.pages.charts import Band, Line, Marker, line_chart

router = APIRouter(route_class=PageRoute, include_in_schema=False)
#: Virtual patients behind the band: enough for stable 5/95 % bands at page speed (~0.15 s).
COHORT_SIZE = 200
#: Days shown in the redness picture after each session's start.
REDNESS_DAYS = 10


def _dates(raw: list[str]) -> list[date]:
    return [date.fromisoformat(d) for d in raw]


def _milestones(prediction: dict[str, Any]) -> list[Marker]:
    names = {
        "first_results_on": "first results",
        "full_effect_on": "full effect",
        "maintenance_due_on": "maintenance due",
    }
    markers = []
    for key, label in names.items():
        when = prediction["milestones"].get(key)
        if when:
            css = "maintenance" if key == "maintenance_due_on" else "milestone"
            markers.append(Marker(date.fromisoformat(when), label, css))
    return markers


@router.get("/plans/{plan_id}/course", name="plan_course")
def plan_course(
    plan_id: RecordId, page: SignedDep, site: str | None = None, concern: str | None = None
) -> Response:
    record = page.service(PlanService).get(plan_id)
    patient = page.service(PatientService).get(record.patient_id)
    prediction = page.service(PredictionService).predict(plan_id, site, concern, True)
    course = course_from_plan(record.plan, site, concern)
    cohort = simulate_cohort(course, COHORT_SIZE, hourly=False, workers=1, knowledge=page.clinic.kb)
    ranged = summarise(simulate_course(course, knowledge=page.clinic.kb), cohort)
    daily = prediction["daily"]
    days = _dates(daily["date"])
    sessions = [
        Marker(date.fromisoformat(s["date"]), f"session {s['index'] + 1}", "session")
        for s in prediction["sessions"]
    ]
    collagen = line_chart(
        "Papillary-dermis collagen compared with before treatment",
        "collagen vs baseline (%)",
        [Line("predicted for this patient", list(zip(days, daily["collagen_pct"], strict=True)))],
        band=Band(
            f"5-95 % of {COHORT_SIZE} virtual patients",
            list(zip(days, cohort.daily["collagen_pct"].p5.tolist(), strict=False)),
            list(zip(days, cohort.daily["collagen_pct"].p95.tolist(), strict=False)),
        ),
        markers=[*sessions, *_milestones(prediction)],
        summary=(
            f"Solid line: this patient's predicted collagen; shaded: the range of 90 % of "
            f"{COHORT_SIZE} virtual patients; orange lines: sessions; green: first results "
            f"and full effect; purple: maintenance due."
        ),
    )
    scale = prediction["concern"]
    grade = line_chart(
        f"Expected grade on the {scale['scale_name']}",
        f"grade ({scale['best']:g} best, {scale['worst']:g} worst)",
        [Line("expected grade", list(zip(days, daily["expected_grade"], strict=True)), "line-3")],
        markers=sessions,
        y_range=(min(scale["best"], scale["worst"]), max(scale["best"], scale["worst"])),
        summary=f"Expected grade for {scale['concern_name'].lower()} from the model.",
    )
    # One line per session: the days between sessions are not drawn as a slope.
    windows = [
        Line(
            f"redness after {m.label}",
            [
                (d, g)
                for d, g in zip(days, daily["redness_grade"], strict=True)
                if 0 <= (d - m.when).days <= REDNESS_DAYS
            ],
            "line-2",
        )
        for m in sessions
    ]
    redness = line_chart(
        "Redness after each session",
        "redness grade (0-3)",
        windows,
        markers=sessions,
        y_range=(0, 3),
        dots=True,
        summary="Redness grade day by day for ten days after each session; 1 = visible.",
    )
    choices = [
        (a.site, c.concern, f"{a.name}: {c.name}") for a in record.plan.areas for c in a.concerns
    ]
    return render(
        page.ctx, "course.html", nav="patients", title="Predicted course", record=record,
        patient=patient, prediction=prediction, charts=[collagen, redness, grade],
        choices=choices, chosen=(course.site, course.patient.concern), cohort_size=COHORT_SIZE,
        maintenance_share=cohort.maintenance_reached_share, ranged=ranged,
        not_a_promise=NOT_A_PROMISE,
    )  # fmt: skip
