"""The clinical half of a patient's record, gathered from the clinical services.

Only called for roles that may read clinical content; each service checks again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from microneedling.clinic.errors import NotFound
from microneedling.clinic.paging import PageRequest
from microneedling.clinic.photo_pairs import photo_pairs
from microneedling.clinic.schemas.intakes import IntakeScreened, ScreeningOut
from microneedling.clinic.schemas.patients import NoteOut
from microneedling.clinic.schemas.treatments import SessionOut
from microneedling.clinic.services.econsent import ConsentDocumentOut, ConsentDocumentService
from microneedling.clinic.services.intake_records import intake_overdue
from microneedling.clinic.services.intakes import IntakeService
from microneedling.clinic.services.outcomes import OutcomeOut, OutcomeService
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.plan_summaries import PlanSummary
from microneedling.clinic.services.plans import PlanService
from microneedling.clinic.services.treatments import TreatmentService
from microneedling.web.pages._outcomes import outcome_charts
from microneedling.web.pages._session import Signed


@dataclass
class ClinicalRecord:
    notes: list[NoteOut] = field(default_factory=list)
    notes_total: int = 0
    current: IntakeScreened | None = None
    intake_overdue: str | None = None
    screenings: list[ScreeningOut] = field(default_factory=list)
    plans: list[PlanSummary] = field(default_factory=list)
    consents: list[ConsentDocumentOut] = field(default_factory=list)
    sessions: list[SessionOut] = field(default_factory=list)
    outcomes: list[OutcomeOut] = field(default_factory=list)
    pairs: list[Any] = field(default_factory=list)
    charts: list[Any] = field(default_factory=list)


def clinical_record(page: Signed, patient_id: int, photos_allowed: bool) -> ClinicalRecord:
    notes = page.service(PatientService).notes(patient_id, PageRequest(limit=3))
    intakes = page.service(IntakeService)
    try:
        current: IntakeScreened | None = intakes.current(patient_id)
    except NotFound:
        current = None
    screenings = intakes.screenings(patient_id) if current else []
    outcomes = page.service(OutcomeService)
    results = outcomes.for_patient(patient_id)
    photos = outcomes.photos(patient_id) if photos_allowed else []
    return ClinicalRecord(
        notes=notes.items,
        notes_total=notes.total,
        current=current,
        intake_overdue=intake_overdue(current.intake.recorded_at, page.clinic) if current else None,
        screenings=screenings,
        plans=page.service(PlanService).summaries(patient_id),
        consents=page.service(ConsentDocumentService).for_patient(patient_id),
        sessions=page.service(TreatmentService).for_patient(patient_id),
        outcomes=results,
        pairs=photo_pairs(photos, page.clinic.kb),
        charts=outcome_charts(results, page.clinic.kb),
    )
