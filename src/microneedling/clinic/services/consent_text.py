"""The words of a consent document, written from a plan version and the model's figures.

Every figure of the expected course comes with its 5-95 % band from a virtual cohort and the
model's own statement that it is a model (:data:`~microneedling.model.summary.NOT_A_PROMISE`);
risks are the model's figures and the knowledge base's warning signs and precautions with their
sources, saying so where no source the clinic has read gives a frequency.
"""

from __future__ import annotations

from datetime import date

from microneedling.clinic.schemas.consent import ConsentContent, RiskLine
from microneedling.knowledge import KnowledgeBase
from microneedling.model import course_from_plan
from microneedling.model.cohort import simulate_cohort
from microneedling.model.simulation import simulate_course
from microneedling.model.summary import NOT_A_PROMISE, summarise
from microneedling.planning import TreatmentPlan

#: Virtual patients behind the bands (as on the course page).
COHORT_SIZE = 200
NO_FREQUENCY = "how often: no frequency given by the sources the clinic has read"


def consent_content(
    plan: TreatmentPlan, plan_id: int, version: int, patient_name: str, clinic_name: str,
    kb: KnowledgeBase, today: date,
) -> ConsentContent:  # fmt: skip
    """The document's words from the plan and the model's figures (each with its band)."""
    course = course_from_plan(plan)
    cohort = simulate_cohort(course, COHORT_SIZE, hourly=False, workers=1, knowledge=kb)
    result = simulate_course(course, knowledge=kb)
    ranged = summarise(result, cohort)
    scale = result.scale
    first = plan.areas[0]
    expected = [
        f"{first.name}, {first.concerns[0].name.lower()}: better by "
        f"{ranged.grade_change.text('.1f', ' grades')} on the {scale.scale_name} at best.",
        f"Full effect {ranged.full_effect_days_after_last.text('.0f', ' days')} after the "
        "last session.",
        f"Maintenance {ranged.maintenance_text()}.",
    ]
    expected += [c.expected_course for a in plan.areas for c in a.concerns]
    risks = [
        RiskLine(
            text="Redness and swelling after each session, fading over days",
            frequency=f"expected in everyone; lasts {ranged.redness_days[0].text('.1f', ' days')}",
            source="the clinic's skin-response model (a model, not a promise)",
        ),
        RiskLine(
            text="Pinpoint bleeding during the session",
            frequency=f"chance {ranged.bleeding_pct[0].text('.0f', ' %')} at the first session",
            source="the clinic's skin-response model (a model, not a promise)",
        ),
        RiskLine(
            text="Darker patches of skin (post-inflammatory hyperpigmentation)",
            frequency=ranged.pih_text(),
            source="as stated",
        ),
    ]
    for warning in plan.aftercare.warning_signs:
        risks.append(
            RiskLine(
                text=warning.text,
                frequency=NO_FREQUENCY,
                source="; ".join(s.label for s in warning.sources),
            )
        )
    for precaution in plan.aftercare.precautions:
        risks.append(
            RiskLine(text=f"{precaution.name}: {precaution.reason}", frequency=NO_FREQUENCY,
                     source="; ".join(s.label for s in precaution.sources))
        )  # fmt: skip
    concerns = sorted({c.name.lower() for a in plan.areas for c in a.concerns})
    first_session, last_session = plan.sessions[0].date, plan.sessions[-1].date
    return ConsentContent(
        clinic_name=clinic_name,
        patient_name=patient_name,
        plan_id=plan_id,
        plan_version=version,
        prepared_on=today,
        procedure=f"Microneedling (collagen induction therapy) with a {plan.device.name}: fine "
        "needles make tiny channels in the skin, after a numbing cream, to start its repair.",
        areas=[
            f"{a.name}: needle depth {a.depth.value_mm:g} mm, {a.passes.value} passes; for "
            + ", ".join(f"{c.name.lower()} ({c.severity})" for c in a.concerns)
            for a in plan.areas
        ],
        sessions=f"{plan.session_count.value} sessions, {plan.interval_weeks.value} weeks apart, "
        f"planned from {first_session.isoformat()} to {last_session.isoformat()}.",
        expected=expected,
        model_statement=f"{NOT_A_PROMISE} Bands from {COHORT_SIZE} virtual patients.",
        risks=risks,
        alternatives=[
            "No treatment: the skin stays as it is, and nothing is lost by waiting.",
            f"Other treatments for {', '.join(concerns)}: your practitioner can tell you which "
            "exist and how they compare before you decide.",
        ],
        # Each instruction once, in the order the first days give them.
        aftercare=list(
            dict.fromkeys(
                [i.text for d in plan.aftercare.days[:3] for i in d.instructions]
                + [i.text for i in plan.aftercare.throughout_course]
            )
        ),
        photo_question="Photos of the treated areas may be taken before, during and after the "
        "course and kept in my record. (A separate choice: you may say no and still be treated.)",
        withdrawal="You may withdraw this consent at any time, before or between sessions, "
        "without giving a reason. Withdrawing stops further bookings and sessions of this plan; "
        "it does not undo what has been done.",
    )
