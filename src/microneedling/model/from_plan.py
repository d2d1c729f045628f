"""Courses from a treatment plan, so a plan from ``microneedling plan --json`` can be simulated
as it is: one course per treated area and concern (the skin responds where it is needled; the
outcome is read on each concern's own scale)."""

from __future__ import annotations

from microneedling.errors import InvalidInput
from microneedling.model.course import Course, CoursePatient, CourseSession
from microneedling.planning import TreatmentPlan


def courses_from_plan(plan: TreatmentPlan) -> list[Course]:
    """Every (area, concern) of the plan as a course, in the plan's order."""
    if plan.patient.age_years is None:
        raise InvalidInput(
            "patient.age_years", "the plan does not give the patient's age, which the model needs"
        )
    courses: list[Course] = []
    for area in plan.areas:
        sessions = [
            CourseSession(
                date=session.date,
                site=area.site,
                needle_length_mm=part.depth_mm,
                passes=part.passes,
                device_kind=plan.device.kind,
                device=plan.device.id,
            )
            for session in plan.sessions
            for part in session.areas
            if part.site == area.site
        ]
        if not sessions:
            continue
        for concern in area.concerns:
            patient = CoursePatient(
                age_years=plan.patient.age_years,
                sex=plan.patient.sex,
                fitzpatrick_type=plan.patient.fitzpatrick_type,
                concern=concern.concern,
                severity=concern.severity,
            )
            courses.append(Course(patient=patient, sessions=sessions))
    return courses


def course_from_plan(
    plan: TreatmentPlan, site: str | None = None, concern: str | None = None
) -> Course:
    """One course of the plan: the first area and concern, or those named."""
    for course in courses_from_plan(plan):
        if (site is None or course.site == site) and (
            concern is None or course.patient.concern == concern
        ):
            return course
    wanted = " and ".join(
        f"{k} '{v}'" for k, v in (("site", site), ("concern", concern)) if v is not None
    )
    raise InvalidInput("plan", f"the plan treats no area with {wanted or 'any concern'}")
