"""Intakes (versioned) and their screening by the core."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from microneedling.clinic.services.intakes import (
    IntakeIn,
    IntakeOut,
    IntakeScreened,
    IntakeService,
    ScreeningOut,
)
from microneedling.web.deps import RecordId, service

router = APIRouter(prefix="/patients/{patient_id}", tags=["intakes"])
Intakes = Annotated[IntakeService, Depends(service(IntakeService))]


@router.post(
    "/intakes",
    status_code=status.HTTP_201_CREATED,
    summary="Record a new intake version and screen it",
)
def record_intake(patient_id: RecordId, body: IntakeIn, intakes: Intakes) -> IntakeScreened:
    return intakes.record(patient_id, body)


@router.get("/intakes", summary="Every intake version, newest first")
def list_intakes(patient_id: RecordId, intakes: Intakes) -> list[IntakeOut]:
    return intakes.history(patient_id)


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
def list_screenings(patient_id: RecordId, intakes: Intakes) -> list[ScreeningOut]:
    return intakes.screenings(patient_id)
