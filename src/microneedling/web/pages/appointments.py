"""Today's schedule and booking an appointment (a plan's series: :mod:`.series`).

The appointment service decides everything (opening hours, working hours and absences,
double-booking, the plan's interval); the page shows its refusals beside the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from microneedling.clinic.roles import Permission
from microneedling.clinic.schemas.appointments import AppointmentIn, AppointmentOut, StatusIn
from microneedling.clinic.schemas.patients import PatientOut
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.plans import PlanService
from microneedling.errors import InvalidInput
from microneedling.planning import PlannableDay
from microneedling.web.deps import RecordId
from microneedling.web.pages._choices import practitioner_choices, practitioners
from microneedling.web.pages._forms import as_dict, submit
from microneedling.web.pages._locations import chosen_location, location_choices
from microneedling.web.pages._render import Flash, render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)
KINDS = (
    ("consultation", "consultation"),
    ("session", "treatment session"),
    ("follow_up", "follow-up"),
)


@dataclass
class DiaryLine:
    appointment: AppointmentOut
    patient: PatientOut
    practitioner: str


def _starts_at(day: str | None, at: str | None) -> str | None:
    return f"{day}T{at}" if day and at else None


@router.get("/schedule", name="schedule_today")
def schedule_today(
    page: SignedDep, day: PlannableDay | None = None, location_id: str | None = None
) -> Response:
    day = day or page.clinic.today()
    with page.one_read():
        place = chosen_location(page, location_id)
        appointments = page.service(AppointmentService).day(day, place.id)
        patients = page.service(PatientService).get_each([a.patient_id for a in appointments])
        names = {p.id: p.full_name for p in practitioners(page)}
        lines = [
            DiaryLine(a, patients[a.patient_id], names.get(a.practitioner_id, "—"))
            for a in appointments
        ]
    return render(
        page.ctx, "schedule.html", nav="schedule", title="Schedule", day=day, lines=lines,
        previous_day=day - timedelta(days=1), next_day=day + timedelta(days=1),
        may_treat=page.may(Permission.TREAT), may_book=page.may(Permission.BOOK_APPOINTMENTS),
        now=page.clinic.now(), location=place, locations=location_choices(page),
        page_zone=ZoneInfo(place.timezone),
    )  # fmt: skip


@router.post("/appointments/{appointment_id}/status", name="appointment_status")
async def appointment_status(
    request: Request, appointment_id: RecordId, page: SignedDep
) -> Response:
    form = as_dict(await request.form())
    service = page.service(AppointmentService)
    reason = StatusIn(reason=form.get("reason", "").strip() or None)
    action = form.get("action")
    # A refusal here is about the appointment, not a field: a notice over the day's schedule.
    try:
        if action == "cancel":
            done = service.cancel(appointment_id, reason)
        elif action == "no_show":
            done = service.no_show(appointment_id, reason)
        else:
            done = service.complete(appointment_id)
    except InvalidInput as exc:
        page.ctx.flashes.append(Flash(exc.problem, "stop"))
        shown = service.get(appointment_id)
        return schedule_today(page, shown.starts_at.date(), str(shown.location_id))
    return RedirectResponse(_schedule_of(request, done), 303)


def _schedule_of(request: Request, appointment: AppointmentOut) -> str:
    """The day schedule that shows ``appointment`` (its location, its local day)."""
    target = request.url_for("schedule_today").path
    day = appointment.starts_at.date().isoformat()
    return f"{target}?day={day}&location_id={appointment.location_id}"


def _booking_page(
    page: Signed,
    patient: PatientOut,
    form: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    # The plans' schedules, not the plans: booking needs dates, not clinical detail.
    schedules = page.service(PlanService).schedules(patient.id)
    place = chosen_location(page, form.get("location_id"))
    form.setdefault("location_id", str(place.id))
    return render(
        page.ctx, "booking.html", status_code, nav="schedule", title="Book an appointment",
        patient=patient, form=form, errors=errors or {}, kinds=KINDS,
        practitioners=practitioner_choices(page), locations=location_choices(page),
        location=place, rooms=[(r, r) for r in place.rooms],
        plans=[(str(p.plan_id), f"plan {p.plan_id}") for p in schedules],
        schedules=schedules,
    )  # fmt: skip


@router.get("/patients/{patient_id}/book", name="appointment_new")
def appointment_new(request: Request, patient_id: RecordId, page: SignedDep) -> Response:
    """The booking form; query parameters prefill it: ``kind``, ``plan_id`` and ``date`` from
    the recall list, a slot (``date``, ``time``, ``duration_minutes``, ``practitioner_id``,
    ``room``) from the calendar's finder. The service checks them when booked."""
    tomorrow = page.clinic.today() + timedelta(days=1)
    form = {"date": tomorrow.isoformat(), "time": "10:00", "duration_minutes": "30"}
    form["kind"] = "consultation"
    fields = ("kind", "plan_id", "date", "time", "duration_minutes", "practitioner_id", "room",
              "location_id")  # fmt: skip
    for key in fields:
        value = request.query_params.get(key, "").strip()
        if value and len(value) <= 64:
            form[key] = value
    with page.one_read():
        patient = page.service(PatientService).get(patient_id)
        return _booking_page(page, patient, form)


@router.post("/patients/{patient_id}/book", name="appointment_book")
async def appointment_book(request: Request, patient_id: RecordId, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    data = {
        "patient_id": patient_id,
        "practitioner_id": form.get("practitioner_id") or None,
        "location_id": form.get("location_id") or None,
        "room": form.get("room") or None,
        "kind": form.get("kind") or None,
        "starts_at": _starts_at(form.get("date"), form.get("time")),
        "duration_minutes": form.get("duration_minutes") or None,
        "plan_id": form.get("plan_id") or None,
        "note": form.get("note", "").strip() or None,
    }
    return submit(
        lambda: page.service(AppointmentService).book(AppointmentIn.model_validate(data)),
        then=lambda booked: _schedule_of(request, booked),
        again=lambda errors: _booking_page(
            page, page.service(PatientService).get(patient_id), form, errors, 422
        ),
        rename={"starts_at": "date"},
    )
