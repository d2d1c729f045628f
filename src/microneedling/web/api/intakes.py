"""Intakes (versioned) and their screening by the core."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, status

from microneedling.clinic.paging import MAX_RECORD_ID, Page
from microneedling.clinic.schemas.intakes import (
    IntakeFilter,
    IntakeIn,
    IntakeOut,
    IntakeScreened,
    Occasion,
    ScreeningFilter,
    ScreeningOut,
)
from microneedling.clinic.services.allergies import AllergyClassificationIn, AllergyService
from microneedling.clinic.services.intakes import IntakeService
from microneedling.screening import Decision
from microneedling.web.deps import PageDep, RecordId, service

router = APIRouter(prefix="/patients/{patient_id}", tags=["intakes"])
Intakes = Annotated[IntakeService, Depends(service(IntakeService))]
Allergies = Annotated[AllergyService, Depends(service(AllergyService))]
#: An intake version number bounding a list (both ends included), 1 to 2^31 - 1.
IntakeVersionFilter = Annotated[
    int | None, Query(ge=1, le=MAX_RECORD_ID, description="an intake version, included")
]


@router.post(
    "/intakes",
    status_code=status.HTTP_201_CREATED,
    summary="Record a new intake version and screen it",
)
def record_intake(patient_id: RecordId, body: IntakeIn, intakes: Intakes) -> IntakeScreened:
    return intakes.record(patient_id, body)


@router.post(
    "/intakes/current/other-allergies/{index}/classification",
    status_code=status.HTTP_201_CREATED,
    summary="Classify an allergy in the patient's words: a new intake version, screened",
)
def classify_allergy(
    patient_id: RecordId,
    index: Annotated[int, Path(ge=0, le=99, description="position in other_allergies")],
    body: AllergyClassificationIn,
    allergies: Allergies,
) -> IntakeScreened:
    return allergies.classify(patient_id, index, body)


@router.get("/intakes", summary="Every intake version, newest first")
def list_intakes(
    patient_id: RecordId,
    intakes: Intakes,
    page: PageDep,
    version_from: IntakeVersionFilter = None,
    version_to: IntakeVersionFilter = None,
) -> Page[IntakeOut]:
    where = IntakeFilter(version_from=version_from, version_to=version_to)
    return intakes.versions(patient_id, where, page)


@router.get("/intakes/current", summary="The current intake and its latest screening")
def current_intake(patient_id: RecordId, intakes: Intakes) -> IntakeScreened:
    return intakes.current(patient_id)


@router.post(
    "/screenings",
    status_code=status.HTTP_201_CREATED,
    summary="Screen the current intake again today",
)
def rescreen(patient_id: RecordId, intakes: Intakes) -> IntakeScreened:
    return intakes.rescreen(patient_id)


@router.get("/screenings", summary="Every screening of the patient, newest first")
def list_screenings(
    patient_id: RecordId,
    intakes: Intakes,
    page: PageDep,
    occasion: Annotated[Occasion | None, Query()] = None,
    decision: Annotated[Decision | None, Query()] = None,
) -> Page[ScreeningOut]:
    where = ScreeningFilter(occasion=occasion, decision=decision)
    return intakes.screening_page(patient_id, where, page)
