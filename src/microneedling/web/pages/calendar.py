"""The calendar pages: a day and a week, one column per practitioner, and the free-slot finder.

The finder's results link onward: to the series page of the plan being booked (``plan_id``),
or to the booking form of the patient being booked (``patient_id``).
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request, Response
from pydantic import ValidationError

from microneedling.clinic.diary_range import FIRST_DIARY_DAY, LAST_DIARY_DAY
from microneedling.clinic.roles import Permission
from microneedling.clinic.services.calendar import CalendarService, SlotOut, SlotQuery, week_start
from microneedling.errors import InvalidInput
from microneedling.web.pages._calendar_grid import layout
from microneedling.web.pages._choices import practitioner_choices
from microneedling.web.pages._forms import compact, field_errors
from microneedling.web.pages._locations import chosen_location, location_choices
from microneedling.web.pages._render import render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Day = Annotated[date | None, Query(ge=FIRST_DIARY_DAY, le=LAST_DIARY_DAY)]
#: The finder's fields, as the form names them.
FINDER = ("minutes", "practitioner_id", "room", "earliest", "count")


def _calendar(page: Signed, request: Request, day: date, days: int, template: str) -> Response:
    params = request.query_params
    place = chosen_location(page, params.get("location_id"))
    # The grid's room filter is "show_room": "room" is the finder's own field.
    room = params.get("show_room") or None
    if room not in (None, *place.rooms):
        room = None
    if params.get("find") == "yes" and params.get("earliest"):
        # Show where the slots are: the day (or week) the search starts on.
        with contextlib.suppress(ValueError):
            day = min(max(date.fromisoformat(params["earliest"]), FIRST_DIARY_DAY), LAST_DIARY_DAY)
    first = day if days == 1 else week_start(day)
    view = page.service(CalendarService).view(first, days, room, place.id)
    finder = {k: params.get(k, "") for k in FINDER}
    finder.setdefault("minutes", "")
    slots: list[SlotOut] = []
    errors: dict[str, str] = {}
    status_code = 200
    if params.get("find") == "yes":
        data = compact({k: (params.get(k) or "").strip() or None for k in FINDER})
        data.setdefault("earliest", day.isoformat())  # blank: from the day on show
        data["location_id"] = place.id
        try:
            slots = page.service(CalendarService).free_slots(SlotQuery.model_validate(data))
        except (ValidationError, InvalidInput) as exc:
            errors = field_errors(exc)
            status_code = 422
    context = {k: params.get(k) for k in ("plan_id", "patient_id") if params.get(k, "").isdigit()}
    context["location_id"] = str(place.id)
    step = timedelta(days=days)
    day = first
    return render(
        page.ctx, template, status_code, nav="calendar",
        title="Calendar" if days == 7 else "Day", view=view, grid=layout(view), day=day,
        previous_day=day - step, next_day=day + step, room=room or "",
        rooms=[(r, r) for r in place.rooms], locations=location_choices(page),
        page_zone=ZoneInfo(view.timezone), practitioners=practitioner_choices(page),
        form=finder, errors=errors, slots=slots, searched=params.get("find") == "yes",
        booking=context, may_manage_hours=page.may(Permission.MANAGE_STAFF_HOURS),
    )  # fmt: skip


@router.get("/calendar/week", name="calendar_week")
def calendar_week(request: Request, page: SignedDep, day: Day = None) -> Response:
    return _calendar(page, request, day or page.clinic.today(), 7, "calendar_week.html")


@router.get("/calendar/day", name="calendar_day")
def calendar_day(request: Request, page: SignedDep, day: Day = None) -> Response:
    return _calendar(page, request, day or page.clinic.today(), 1, "calendar_day.html")
