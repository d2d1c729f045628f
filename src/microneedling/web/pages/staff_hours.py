"""Practitioners' working hours and absences: admins and the front desk edit, everyone reads."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from microneedling.clinic.hours import OpeningHours
from microneedling.clinic.roles import Permission
from microneedling.clinic.services.staff import StaffService
from microneedling.clinic.services.staff_hours import AbsenceIn, StaffHoursService, WorkingHoursIn
from microneedling.planning.request import WEEKDAYS
from microneedling.web.deps import RecordId
from microneedling.web.pages._forms import as_dict, stripped, submit
from microneedling.web.pages._locations import chosen_location
from microneedling.web.pages._render import render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _hours_page(
    page: Signed,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    service = page.service(StaffHoursService)
    practitioners = page.service(StaffService).practitioners()
    hours = service.hours()
    absences = service.absences(ends_after=page.clinic.now())
    place = chosen_location(page, None)  # hours are read at the default location's clock
    return render(
        page.ctx, "staff_hours.html", status_code, nav="calendar",
        title="Working hours and absences", practitioners=practitioners,
        hours={p.id: [h for h in hours if h.staff_id == p.id] for p in practitioners},
        absences=absences, names={p.id: p.full_name for p in practitioners},
        choices=[(str(p.id), p.full_name) for p in practitioners],
        weekdays=[(d, d.capitalize()) for d in WEEKDAYS],
        opening=OpeningHours.parse(place.opening_hours).describe(), timezone=place.timezone,
        may_edit=page.may(Permission.MANAGE_STAFF_HOURS), form=form or {}, errors=errors or {},
    )  # fmt: skip


def _prefixed(errors: dict[str, str], prefix: str) -> dict[str, str]:
    """The page has two forms: a field's problem goes beside that form's field."""
    return {(k if k == "_form" else prefix + k): v for k, v in errors.items()}


def _back(request: Request) -> str:
    return str(request.url_for("staff_hours").path)


def _done(request: Request) -> Response:
    return RedirectResponse(_back(request), 303)


@router.get("/staff-hours", name="staff_hours")
def staff_hours(page: SignedDep) -> Response:
    return _hours_page(page)


@router.post("/staff-hours/hours", name="working_hours_set")
async def working_hours_set(request: Request, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    data = stripped(form, "hours.staff_id", "hours.weekday", "hours.starts", "hours.ends")
    return submit(
        lambda: page.service(StaffHoursService).set_hours(
            WorkingHoursIn.model_validate({k.removeprefix("hours."): v for k, v in data.items()})
        ),
        then=_back(request),
        again=lambda errors: _hours_page(page, form, _prefixed(errors, "hours."), 422),
    )


@router.post("/staff-hours/hours/{hours_id}/delete", name="working_hours_delete")
def working_hours_delete(request: Request, hours_id: RecordId, page: SignedDep) -> Response:
    page.service(StaffHoursService).delete_hours(hours_id)
    return _done(request)


@router.post("/staff-hours/absences", name="absence_add")
async def absence_add(request: Request, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    keys = ("absence.staff_id", "absence.starts_at", "absence.ends_at", "absence.reason")
    data = stripped(form, *keys, "absence.note")
    return submit(
        lambda: page.service(StaffHoursService).add_absence(
            AbsenceIn.model_validate({k.removeprefix("absence."): v for k, v in data.items()})
        ),
        then=_back(request),
        again=lambda errors: _hours_page(page, form, _prefixed(errors, "absence."), 422),
    )


@router.post("/staff-hours/absences/{absence_id}/delete", name="absence_delete")
def absence_delete(request: Request, absence_id: RecordId, page: SignedDep) -> Response:
    page.service(StaffHoursService).delete_absence(absence_id)
    return _done(request)
