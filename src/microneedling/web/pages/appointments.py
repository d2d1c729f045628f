"""Today's schedule, booking an appointment, and booking a plan's session series.

The appointment service decides everything (opening hours, double-booking, the plan's
interval); a series is booked one session at a time, each a unit of work of its own, and the
page reports what was booked and, beside each row, why a session was refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, time, timedelta

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from microneedling.clinic.paging import PageRequest
from microneedling.clinic.roles import Permission
from microneedling.clinic.services.appointments import (
    AppointmentFilter,
    AppointmentIn,
    AppointmentOut,
    AppointmentService,
    StatusIn,
)
from microneedling.clinic.services.patients import PatientOut, PatientService
from microneedling.clinic.services.plans import PlanService
from microneedling.clinic.services.staff import StaffOut, StaffService
from microneedling.errors import InvalidInput
from microneedling.planning import PlannableDay
from microneedling.web.deps import RecordId
from microneedling.web.pages._forms import as_dict, field_errors
from microneedling.web.pages._render import Flash, render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)
KINDS = (
    ("consultation", "consultation"),
    ("session", "treatment session"),
    ("follow_up", "follow-up"),
)
#: Appointments that hold one of the plan's sessions.
OCCUPIED = ("booked", "completed")
#: Slots are booked on a five-minute grid.
GRID_MINUTES = 5


@dataclass
class DiaryLine:
    appointment: AppointmentOut
    patient: PatientOut
    practitioner: str


def _practitioners(page: Signed) -> list[StaffOut]:
    return page.service(StaffService).practitioners()


def _starts_at(day: str | None, at: str | None) -> str | None:
    return f"{day}T{at}" if day and at else None


def rounded_minutes(minutes: float) -> int:
    return int(math.ceil(minutes / GRID_MINUTES) * GRID_MINUTES)


@router.get("/schedule", name="schedule_today")
def schedule_today(page: SignedDep, day: PlannableDay | None = None) -> Response:
    day = day or page.clinic.today()
    with page.one_read():
        appointments = page.service(AppointmentService).day(day)
        patients = page.service(PatientService)
        names = {p.id: p.full_name for p in _practitioners(page)}
        lines = [
            DiaryLine(a, patients.get(a.patient_id), names.get(a.practitioner_id, "—"))
            for a in appointments
        ]
    return render(
        page.ctx, "schedule.html", nav="schedule", title="Schedule", day=day, lines=lines,
        previous_day=day - timedelta(days=1), next_day=day + timedelta(days=1),
        may_treat=page.may(Permission.TREAT), may_book=page.may(Permission.BOOK_APPOINTMENTS),
        now=page.clinic.now(),
    )  # fmt: skip


@router.post("/appointments/{appointment_id}/status", name="appointment_status")
async def appointment_status(
    request: Request, appointment_id: RecordId, page: SignedDep
) -> Response:
    form = as_dict(await request.form())
    service = page.service(AppointmentService)
    reason = StatusIn(reason=form.get("reason", "").strip() or None)
    action = form.get("action")
    try:
        if action == "cancel":
            done = service.cancel(appointment_id, reason)
        elif action == "no_show":
            done = service.no_show(appointment_id, reason)
        else:
            done = service.complete(appointment_id)
    except InvalidInput as exc:
        page.ctx.flashes.append(Flash(exc.problem, "stop"))
        return schedule_today(page, service.get(appointment_id).starts_at.date())
    target = request.url_for("schedule_today").path
    return RedirectResponse(f"{target}?day={done.starts_at.date().isoformat()}", 303)


def _booking_page(
    page: Signed,
    patient: PatientOut,
    form: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    # The plans' schedules, not the plans: booking needs dates, not clinical detail.
    schedules = page.service(PlanService).schedules(patient.id)
    return render(
        page.ctx, "booking.html", status_code, nav="schedule", title="Book an appointment",
        patient=patient, form=form, errors=errors or {}, kinds=KINDS,
        practitioners=[(str(p.id), p.full_name) for p in _practitioners(page)],
        rooms=[(r, r) for r in page.clinic.settings.rooms],
        plans=[(str(p.plan_id), f"plan {p.plan_id}") for p in schedules],
        schedules=schedules,
    )  # fmt: skip


@router.get("/patients/{patient_id}/book", name="appointment_new")
def appointment_new(patient_id: RecordId, page: SignedDep) -> Response:
    tomorrow = page.clinic.today() + timedelta(days=1)
    form = {"date": tomorrow.isoformat(), "time": "10:00", "duration_minutes": "30"}
    form["kind"] = "consultation"
    with page.one_read():
        patient = page.service(PatientService).get(patient_id)
        return _booking_page(page, patient, form)


@router.post("/patients/{patient_id}/book", name="appointment_book")
async def appointment_book(request: Request, patient_id: RecordId, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    data = {
        "patient_id": patient_id,
        "practitioner_id": form.get("practitioner_id") or None,
        "room": form.get("room") or None,
        "kind": form.get("kind") or None,
        "starts_at": _starts_at(form.get("date"), form.get("time")),
        "duration_minutes": form.get("duration_minutes") or None,
        "plan_id": form.get("plan_id") or None,
        "note": form.get("note", "").strip() or None,
    }
    rename = {"starts_at": "date"}
    try:
        booked = page.service(AppointmentService).book(AppointmentIn.model_validate(data))
    except (ValidationError, InvalidInput) as exc:
        patient = page.service(PatientService).get(patient_id)
        return _booking_page(page, patient, form, field_errors(exc, rename=rename), 422)
    target = request.url_for("schedule_today").path
    return RedirectResponse(f"{target}?day={booked.starts_at.date().isoformat()}", 303)


@dataclass
class SeriesRow:
    number: int
    planned: date
    minutes: int
    booked: AppointmentOut | None = None
    problem: str | None = None


def _series_rows(page: Signed, plan_id: int) -> tuple[list[SeriesRow], int]:
    schedule = page.service(PlanService).schedule(plan_id)
    where = AppointmentFilter(patient_id=schedule.patient_id, kind="session")
    found = page.service(AppointmentService).find(where, PageRequest(limit=200))
    booked = [a for a in found.items if a.plan_id == plan_id and a.status in OCCUPIED]
    rows = [
        SeriesRow(s.number, s.planned_on, rounded_minutes(s.minutes)) for s in schedule.sessions
    ]
    for row, appointment in zip(rows, booked, strict=False):
        row.booked = appointment
    return rows, schedule.patient_id


def _series_page(
    page: Signed,
    plan_id: int,
    rows: list[SeriesRow],
    patient: PatientOut,
    form: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        page.ctx, "series.html", status_code, nav="schedule", title="Book the session series",
        plan_id=plan_id, rows=rows, patient=patient, form=form,
        clinical=page.may(Permission.READ_CLINICAL),
        practitioners=[(str(p.id), p.full_name) for p in _practitioners(page)],
        rooms=[(r, r) for r in page.clinic.settings.rooms],
    )  # fmt: skip


@router.get("/plans/{plan_id}/book", name="series_form")
def series_form(plan_id: RecordId, page: SignedDep) -> Response:
    rows, patient_id = _series_rows(page, plan_id)
    patient = page.service(PatientService).get(patient_id)
    now = page.clinic.now().astimezone(page.clinic.zone)
    form: dict[str, str] = {}
    # One time of day for the whole series: the service measures the interval between
    # appointments to the minute, so a later time on the first day would shorten it.
    at = time(10, 0)
    if any(row.planned == now.date() for row in rows):
        soon = (now + timedelta(minutes=15)).time().replace(second=0, microsecond=0)
        at = max(at, soon)
        at = at.replace(minute=at.minute - at.minute % GRID_MINUTES)
    for row in rows:
        form[f"date.{row.number}"] = row.planned.isoformat()
        form[f"time.{row.number}"] = at.strftime("%H:%M")
        form[f"duration.{row.number}"] = str(row.minutes)
    return _series_page(page, plan_id, rows, patient, form)


@router.post("/plans/{plan_id}/book", name="series_book")
async def series_book(request: Request, plan_id: RecordId, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    rows, patient_id = _series_rows(page, plan_id)
    service = page.service(AppointmentService)
    refused = False
    for row in rows:
        if row.booked is not None or form.get(f"book.{row.number}") != "yes":
            continue
        data = {
            "patient_id": patient_id,
            "practitioner_id": form.get("practitioner_id") or None,
            "room": form.get("room") or None,
            "kind": "session",
            "starts_at": _starts_at(form.get(f"date.{row.number}"), form.get(f"time.{row.number}")),
            "duration_minutes": form.get(f"duration.{row.number}") or None,
            "plan_id": plan_id,
        }
        try:
            row.booked = service.book(AppointmentIn.model_validate(data))
        except (ValidationError, InvalidInput) as exc:
            row.problem = " ".join(field_errors(exc).values())
            refused = True
    patient = page.service(PatientService).get(patient_id)
    if not refused:
        page.ctx.flashes.append(Flash("Sessions booked."))
    return _series_page(page, plan_id, rows, patient, form, 422 if refused else 200)
