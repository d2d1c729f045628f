"""A plan's session series: a proposal that fits the diary, and booking it in one step."""

from __future__ import annotations

from datetime import time
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from microneedling.clinic.schemas.appointments import AppointmentOut
from microneedling.clinic.services.series_booking import SeriesIn, SeriesProposal, SeriesService
from microneedling.planning import PlannableDay
from microneedling.web.deps import RecordId, RecordIdFilter, service

router = APIRouter(prefix="/plans", tags=["appointments"])
Series = Annotated[SeriesService, Depends(service(SeriesService))]


@router.get("/{plan_id}/series", summary="Propose a slot for every session not yet booked")
def propose_series(
    plan_id: RecordId,
    series: Series,
    practitioner_id: RecordIdFilter = None,
    room: Annotated[str | None, Query(max_length=64)] = None,
    at: Annotated[time | None, Query(description="wanted time of day, HH:MM")] = None,
    start: Annotated[PlannableDay | None, Query(description="first day")] = None,
    location_id: RecordIdFilter = None,
) -> SeriesProposal:
    return series.propose(plan_id, practitioner_id, room, at, start, location_id)


@router.post(
    "/{plan_id}/series",
    status_code=status.HTTP_201_CREATED,
    summary="Book the given sessions, all or none",
)
def book_series(plan_id: RecordId, body: SeriesIn, series: Series) -> list[AppointmentOut]:
    return series.book(plan_id, body)
