"""The waitlist: put a patient on it, list it, take an entry off (booked or removed)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from microneedling.clinic.services.waitlist import (
    WaitlistIn,
    WaitlistOut,
    WaitlistService,
    WaitlistStatus,
)
from microneedling.web.deps import RecordId, RecordIdFilter, service

router = APIRouter(prefix="/waitlist", tags=["waitlist"])
Waitlist = Annotated[WaitlistService, Depends(service(WaitlistService))]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Put a patient on the waitlist")
def add_to_waitlist(body: WaitlistIn, waitlist: Waitlist) -> WaitlistOut:
    return waitlist.add(body)


@router.get("", summary="Waitlist entries, oldest first (default: those waiting)")
def list_waitlist(
    waitlist: Waitlist,
    status: Annotated[WaitlistStatus | None, Query()] = "waiting",
    location_id: RecordIdFilter = None,
) -> list[WaitlistOut]:
    return waitlist.find(status, location_id)


@router.post("/{entry_id}/booked", summary="The patient was booked: off the list")
def waitlist_booked(entry_id: RecordId, waitlist: Waitlist) -> WaitlistOut:
    return waitlist.close(entry_id, "booked")


@router.post("/{entry_id}/remove", summary="The patient no longer waits: off the list")
def waitlist_remove(entry_id: RecordId, waitlist: Waitlist) -> WaitlistOut:
    return waitlist.close(entry_id, "removed")
