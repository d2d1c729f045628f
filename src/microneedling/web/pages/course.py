"""The predicted course of a plan, as pictures: collagen with its band, redness, milestones.

The curve is the clinic's prediction service (the skin-response model on the plan's current
version, as the API returns it). The band is the core model's virtual cohort for the same
course: the 5-95 % range over patients drawn from the parameters' published spreads. The grade
picture sets the clinician's recorded scores for the concern (outcomes service) against the
cohort's band and median on the day each was assessed (:mod:`microneedling.model.observed`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Response

from microneedling.clinic.paging import every_item
from microneedling.clinic.services.outcomes import OutcomeFilter, OutcomeService
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.plans import PlanService
from microneedling.clinic.services.predictions import PredictionService
from microneedling.model import course_from_plan
from microneedling.model.cohort import simulate_cohort
from microneedling.model.observed import grade_band, scores_against_band
from microneedling.model.simulation import simulate_course
from microneedling.model.summary import NOT_A_PROMISE, summarise
from microneedling.reports.words import day_date
from microneedling.web.deps import RecordId
from microneedling.web.pages._charts import Band, Line, Marker, line_chart
from microneedling.web.pages._render import render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep

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


def _recorded(page: Signed, patient_id: int, concern: str) -> list[tuple[date, float]]:
    """The clinician's scores for the concern, as (assessed on, score on its scale)."""
    service = page.service(OutcomeService)
    where = OutcomeFilter(concern=concern)
    outcomes = every_item(lambda p: service.outcome_page(patient_id, where, p))
    return [(o.assessed_on, o.clinician_score) for o in outcomes]


@router.get("/plans/{plan_id}/course", name="plan_course")
def plan_course(
    plan_id: RecordId, page: SignedDep, site: str | None = None, concern: str | None = None
) -> Response:
    record = page.service(PlanService).get(plan_id)
    patient = page.service(PatientService).get(record.patient_id)
    prediction = page.service(PredictionService).predict(plan_id, site, concern, True)
    course = course_from_plan(record.plan, site, concern)
    cohort = simulate_cohort(course, COHORT_SIZE, hourly=False, workers=1, knowledge=page.clinic.kb)
    result = simulate_course(course, knowledge=page.clinic.kb)
    ranged = summarise(result, cohort)
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
    grades = grade_band(cohort, result.scale)
    scores = scores_against_band(grades, _recorded(page, record.patient_id, course.patient.concern))
    grade = line_chart(
        f"Expected grade on the {scale['scale_name']}, and the scores recorded",
        f"grade ({scale['best']:g} best, {scale['worst']:g} worst)",
        [
            Line(
                f"median of {COHORT_SIZE} virtual patients",
                list(zip(grades.dates, grades.p50.tolist(), strict=True)),
                "line-3",
            ),
            Line(
                "recorded score",
                [(s.on, s.score) for s in scores],
                "line-4 recorded",
                dots_only=True,
            ),
        ],
        band=Band(
            f"5-95 % of {COHORT_SIZE} virtual patients",
            list(zip(grades.dates, grades.p5.tolist(), strict=True)),
            list(zip(grades.dates, grades.p95.tolist(), strict=True)),
        ),
        markers=sessions,
        y_range=(min(scale["best"], scale["worst"]), max(scale["best"], scale["worst"])),
        summary=(
            f"Shaded: the grade 90 % of {COHORT_SIZE} virtual patients reach on each day; "
            f"line: their median; dots: the clinician's scores recorded for "
            f"{scale['concern_name'].lower()}"
            + (": " + "; ".join(f"{s.score:g} on {day_date(s.on)}" for s in scores) if scores
               else " (none yet)")
            + ". A model, not a promise."
        ),
    )  # fmt: skip
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
        not_a_promise=NOT_A_PROMISE, scores=scores,
    )  # fmt: skip
