"""Treatment sessions: pre-treatment check, treated areas, adverse events, completion."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from microneedling.clinic.paging import Page
from microneedling.clinic.schemas.treatments import (
    AdverseEventIn,
    AreaIn,
    SessionCompletion,
    SessionDay,
    SessionFilter,
    SessionOut,
    SessionStart,
    SessionStatus,
)
from microneedling.clinic.services.treatments import TreatmentService
from microneedling.planning import AftercareSheet
from microneedling.web.deps import PageDep, RecordId, service

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


#: A day in a session filter: the appointment's day in clinic time, 1900-01-01 to 2100-12-31.
SessionDayFilter = Annotated[SessionDay | None, Query(description="YYYY-MM-DD")]


@router.get(
    "/patients/{patient_id}/sessions",
    summary="A patient's treatment sessions, in appointment order",
)
def list_sessions(
    patient_id: RecordId,
    treatments: Treatments,
    page: PageDep,
    status: Annotated[SessionStatus | None, Query()] = None,
    date_from: SessionDayFilter = None,
    date_to: SessionDayFilter = None,
) -> Page[SessionOut]:
    where = SessionFilter(status=status, date_from=date_from, date_to=date_to)
    return treatments.session_page(patient_id, where, page)
