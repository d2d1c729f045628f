"""Consent to a plan version: one way in for typed consent and a signed consent document.

Consent is to the plan's current version, under a screening that allows treatment, and never to
a depth beyond a cap the patient's current screening sets.
"""

from __future__ import annotations

from microneedling.clinic.clinic import Clinic, Unit
from microneedling.clinic.models import PlanConsent, PlanRecord
from microneedling.clinic.schemas.plans import ConsentIn, DrawnConsent
from microneedling.clinic.services.intake_records import treatable_screening
from microneedling.clinic.services.lookups import current_treatment_plan
from microneedling.errors import RequestRefused
from microneedling.planning import TreatmentPlan
from microneedling.planning.depth import beyond
from microneedling.screening import ScreeningResult


def refuse_other_version(record: PlanRecord, version: int, act: str) -> None:
    """Refuse ``act`` (consent, a decision) on a cancelled plan or a version not the current."""
    if record.status == "cancelled":
        raise RequestRefused("plan_id", "the plan is cancelled")
    if version != record.current_version:
        raise RequestRefused(
            "version",
            f"{act} must be to the current version {record.current_version}, not {version}",
        )


def record_consent(
    u: Unit,
    clinic: Clinic,
    record: PlanRecord,
    data: ConsentIn | DrawnConsent,
    witnessed_by: int | None,
) -> None:
    """Record the patient's consent to a version, inside ``u``: refused on another version, a
    screening that does not allow treatment, or a depth beyond the screening's caps. Every
    consent (typed, or a signed consent document) goes through here."""
    refuse_other_version(record, data.version, "consent")
    screening = treatable_screening(u.session, record.patient_id, "plan_id", clinic)
    _refuse_beyond_caps(
        current_treatment_plan(u.session, record),
        screening.result,
    )
    u.session.add(
        PlanConsent(
            plan_id=record.id,
            plan_version=data.version,
            consented_by=data.consented_by,
            method=data.method,
            witnessed_by=witnessed_by,
        )
    )
    record.status = "consented"
    u.session.flush()
    u.audit.record(
        "consent", "plan", record.id, patient_id=record.patient_id,
        detail={"version": data.version, "method": data.method},
    )  # fmt: skip


def _refuse_beyond_caps(plan: TreatmentPlan, screening: ScreeningResult) -> None:
    """Refuse consent to a version deeper than a cap the current screening sets."""
    for area in plan.areas:
        cap = screening.depth_cap_mm(area.site)
        if cap is not None and beyond(area.depth.value_mm, cap):
            raise RequestRefused(
                "plan_id",
                f"the {area.name.lower()} is planned at {area.depth.value_mm} mm, beyond the "
                f"{cap} mm cap of the patient's current screening "
                f"({screening.screened_on.isoformat()}); edit the plan first",
            )
