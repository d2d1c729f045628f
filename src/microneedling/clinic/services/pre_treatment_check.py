"""The pre-treatment check's consequence: a "yes" on the day is a new intake, screened again.

The check's questions are :class:`~microneedling.clinic.schemas.treatments.PreTreatmentCheck`;
here each positive answer is added to the patient's current intake, the core screens it, and a
screening that no longer allows treatment stops the session with its reasons.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Clinic
from microneedling.clinic.models import TreatmentSession
from microneedling.clinic.schemas.pre_treatment_check import PreTreatmentCheck
from microneedling.clinic.services.intake_records import store_intake, store_screening
from microneedling.clinic.services.lookups import latest_intake, live_patient
from microneedling.errors import RequestRefused
from microneedling.planning import TreatmentPlan
from microneedling.screening import Intake, MedicationRecord, SkinFinding, screen

#: Where a cold sore is recorded: it sits on the lips, and the rule applies to any area.
COLD_SORE_SITE = "perioral"


def _rescreen_answers(
    intake: Intake, check: PreTreatmentCheck, plan: TreatmentPlan, day: date
) -> Intake:
    """The current intake with the day's positive answers added."""
    update: dict[str, object] = {}
    if check.pregnant:
        update["pregnant"] = True
    findings = list(intake.skin_findings or [])
    if check.cold_sore:
        findings.append(SkinFinding(site=COLD_SORE_SITE, finding="cold_sore", since=day))
    if check.breakout:
        findings += [SkinFinding(site=a.site, finding="active_acne", since=day) for a in plan.areas]
    if check.cold_sore or check.breakout:
        update["skin_findings"] = findings
    if check.new_medication:
        update["medications"] = list(intake.medications or []) + [
            MedicationRecord(code=code, started_on=day) for code in check.medication_classes
        ]
    return intake.model_copy(update=update)


def recheck(
    session: Session,
    clinic: Clinic,
    treatment: TreatmentSession,
    check: PreTreatmentCheck,
    plan: TreatmentPlan,
    staff_id: int,
) -> None:
    """Re-screen the patient with the day's positive answers (recorded by ``staff_id``); the
    session is stopped, with the reasons, when the new screening does not allow treatment."""
    patient = live_patient(session, treatment.patient_id)
    current = latest_intake(session, patient.id)
    if current is None:
        raise RequestRefused("patient_id", "the patient has no intake")
    today = clinic.today()
    answers = _rescreen_answers(current.answers, check, plan, today)
    result = screen(answers, clinic.kb, today, clinic.policy)
    record = store_intake(session, patient, answers, staff_id)
    screening = store_screening(session, record, result, "pre_treatment_check", staff_id)
    treatment.check_screening_id = screening.id
    if not result.may_treat:
        reasons = [f.reason for f in result.findings if f.kind != "precaution"]
        treatment.status = "stopped"
        treatment.stop_reason = (
            f"pre-treatment check: screening is '{result.decision}'"
            + (f" until {result.deferred_until.isoformat()}" if result.deferred_until else "")
            + (f" ({'; '.join(reasons)})" if reasons else "")
        )
