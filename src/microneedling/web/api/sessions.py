"""Treatment sessions: pre-treatment check, treated areas, adverse events, completion."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from microneedling.clinic.services.treatments import (
    AdverseEventIn,
    AreaIn,
    SessionCompletion,
    SessionOut,
    SessionStart,
    TreatmentService,
)
from microneedling.planning import AftercareSheet
from microneedling.web.deps import RecordId, service

router = APIRouter(tags=["sessions"])
Treatments = Annotated[TreatmentService, Depends(service(TreatmentService))]


@router.post(
    "/sessions",
    status_code=status.HTTP_201_CREATED,
    summary="Start a session: pre-treatment check, device and lot (may record a stop)",
)
def start_session(body: SessionStart, treatments: Treatments) -> SessionOut:
    return treatments.start(body)


@router.get("/sessions/{session_id}", summary="One treatment session")
def get_session(session_id: RecordId, treatments: Treatments) -> SessionOut:
    return treatments.get(session_id)


@router.post("/sessions/{session_id}/areas", summary="Record a treated area: depth and passes")
def record_area(session_id: RecordId, body: AreaIn, treatments: Treatments) -> SessionOut:
    return treatments.record_area(session_id, body)


@router.post("/sessions/{session_id}/adverse-events", summary="Record an adverse event")
def record_adverse_event(
    session_id: RecordId, body: AdverseEventIn, treatments: Treatments
) -> SessionOut:
    return treatments.record_adverse_event(session_id, body)


@router.post(
    "/sessions/{session_id}/complete",
    summary="Complete: timeline, end-point, products applied, aftercare sheet given",
)
def complete_session(
    session_id: RecordId, body: SessionCompletion, treatments: Treatments
) -> SessionOut:
    return treatments.complete(session_id, body)


@router.get("/sessions/{session_id}/aftercare", summary="The aftercare sheet given")
def session_aftercare(session_id: RecordId, treatments: Treatments) -> AftercareSheet:
    return treatments.aftercare(session_id)


@router.get("/patients/{patient_id}/sessions", summary="A patient's treatment sessions")
def list_sessions(patient_id: RecordId, treatments: Treatments) -> list[SessionOut]:
    return treatments.for_patient(patient_id)
