"""The clinical half of a patient's record, gathered from the clinical services.

Only called for roles that may read clinical content; each service checks again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from microneedling.clinic.errors import NotFound
from microneedling.clinic.paging import PageRequest
from microneedling.clinic.services.intakes import IntakeScreened, IntakeService, ScreeningOut
from microneedling.clinic.services.patients import NoteOut, PatientService
from microneedling.clinic.services.plans import PlanOut, PlanService
from microneedling.web.pages._session import Signed


@dataclass
class ClinicalRecord:
    notes: list[NoteOut] = field(default_factory=list)
    notes_total: int = 0
    current: IntakeScreened | None = None
    screenings: list[ScreeningOut] = field(default_factory=list)
    plans: list[PlanOut] = field(default_factory=list)


def clinical_record(page: Signed, patient_id: int) -> ClinicalRecord:
    notes = page.service(PatientService).notes(patient_id, PageRequest(limit=3))
    intakes = page.service(IntakeService)
    try:
        current: IntakeScreened | None = intakes.current(patient_id)
    except NotFound:
        current = None
    screenings = intakes.screenings(patient_id) if current else []
    return ClinicalRecord(
        notes=notes.items,
        notes_total=notes.total,
        current=current,
        screenings=screenings,
        plans=page.service(PlanService).for_patient(patient_id),
    )
