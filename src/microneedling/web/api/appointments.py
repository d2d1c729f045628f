"""Appointments: booking, the day's diary, cancellations and no-shows."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from microneedling.clinic.paging import Page
from microneedling.clinic.schemas.appointments import (
    AppointmentFilter,
    AppointmentIn,
    AppointmentOut,
    Kind,
    Status,
    StatusIn,
)
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.iso_dates import IsoDateTime
from microneedling.web.deps import DiaryDay, PageDep, RecordId, RecordIdFilter, service

router = APIRouter(prefix="/appointments", tags=["appointments"])
Appointments = Annotated[AppointmentService, Depends(service(AppointmentService))]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Book an appointment")
def book_appointment(body: AppointmentIn, appointments: Appointments) -> AppointmentOut:
    return appointments.book(body)


@router.get("", summary="Find appointments (filters combine)")
def list_appointments(
    appointments: Appointments,
    page: PageDep,
    patient_id: RecordIdFilter = None,
    practitioner_id: RecordIdFilter = None,
    location_id: RecordIdFilter = None,
    room: Annotated[str | None, Query(max_length=100)] = None,
    kind: Annotated[Kind | None, Query()] = None,
    status: Annotated[Status | None, Query()] = None,
    starts_from: Annotated[IsoDateTime | None, Query()] = None,
    starts_before: Annotated[IsoDateTime | None, Query()] = None,
) -> Page[AppointmentOut]:
    where = AppointmentFilter(
        patient_id=patient_id,
        practitioner_id=practitioner_id,
        location_id=location_id,
        room=room,
        kind=kind,
        status=status,
        starts_from=starts_from,
        starts_before=starts_before,
    )
    return appointments.find(where, page)


@router.get("/day/{day}", summary="One location's diary for one day, every room")
def diary(
    day: DiaryDay, appointments: Appointments, location_id: RecordIdFilter = None
) -> list[AppointmentOut]:
    return appointments.day(day, location_id)


@router.get("/{appointment_id}", summary="One appointment")
def get_appointment(appointment_id: RecordId, appointments: Appointments) -> AppointmentOut:
    return appointments.get(appointment_id)


@router.post("/{appointment_id}/cancel", summary="Cancel (kept, with the reason)")
def cancel_appointment(
    appointment_id: RecordId, body: StatusIn, appointments: Appointments
) -> AppointmentOut:
    return appointments.cancel(appointment_id, body)


@router.post("/{appointment_id}/no-show", summary="Record that the patient did not come")
def no_show(appointment_id: RecordId, body: StatusIn, appointments: Appointments) -> AppointmentOut:
    return appointments.no_show(appointment_id, body)


@router.post("/{appointment_id}/complete", summary="Complete a consultation or follow-up")
def complete_appointment(appointment_id: RecordId, appointments: Appointments) -> AppointmentOut:
    return appointments.complete(appointment_id)
