"""Booking a plan's session series: every session proposed where it fits, booked in one step.

The series service proposes each session in its window (opening hours, the practitioner's
working hours, a free practitioner and room) and books the ticked rows all or none. This page
shows each proposal's conflict and the alternative it chose, and every refusal beside its row's
field, once: "Session 3 — practitioner: please choose one."
"""

from __future__ import annotations

from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from microneedling.clinic.errors import SeveralProblems
from microneedling.clinic.roles import Permission
from microneedling.clinic.services.locations import LocationService
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.series_booking import SeriesIn, SeriesProposal, SeriesService
from microneedling.errors import InvalidInput
from microneedling.web.deps import RecordId
from microneedling.web.pages._choices import practitioner_choices
from microneedling.web.pages._forms import FormProblems, as_dict, plain, sentence, submit
from microneedling.web.pages._locations import chosen_location, location_choices
from microneedling.web.pages._render import Flash, render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)
#: A row's fields: the service's name -> (the form's name, what the desk calls it).
FIELDS = {
    "practitioner_id": ("practitioner", "practitioner"),
    "room": ("room", "room"),
    "starts_at": ("when", "date and time"),
    "duration_minutes": ("duration", "minutes"),
    "number": ("row", "session"),
}
#: What a blank field needs, said for the field.
BLANK = {
    "practitioner_id": "please choose one",
    "room": "please choose one",
    "starts_at": "please enter a date and a time",
    "duration_minutes": "please enter the minutes",
}


def _series_page(
    page: Signed,
    proposal: SeriesProposal,
    form: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    wanted: dict[str, str] | None = None,
) -> Response:
    patient = page.service(PatientService).get(proposal.patient_id)
    return render(
        page.ctx, "series.html", status_code, nav="schedule", title="Book the session series",
        proposal=proposal, patient=patient, form=form, errors=errors or {},
        clinical=page.may(Permission.READ_CLINICAL),
        practitioners=practitioner_choices(page),
        rooms=[(r, r) for r in page.service(LocationService).get(proposal.location_id).rooms],
        locations=location_choices(page), page_zone=ZoneInfo(proposal.timezone),
        wanted=wanted or {},
        posted=status_code != 200,
    )  # fmt: skip


def _proposal_form(proposal: SeriesProposal) -> dict[str, str]:
    form: dict[str, str] = {}
    for row in proposal.sessions:
        if row.booked is not None:
            continue
        n = row.number
        form[f"duration.{n}"] = str(row.minutes)
        if row.starts_at is not None:
            form[f"date.{n}"] = row.starts_at.date().isoformat()
            form[f"time.{n}"] = row.starts_at.strftime("%H:%M")
            form[f"practitioner.{n}"] = str(row.practitioner_id)
            form[f"room.{n}"] = row.room or ""
            form[f"book.{n}"] = "yes"
    return form


def _optional(value: str | None, parse: Any) -> Any:
    try:
        return parse(value) if value else None
    except ValueError:
        return None


@router.get("/plans/{plan_id}/book", name="series_form")
def series_form(request: Request, plan_id: RecordId, page: SignedDep) -> Response:
    params = request.query_params
    practitioner = params.get("practitioner_id", "")
    place = chosen_location(page, params.get("location_id"))
    proposal = page.service(SeriesService).propose(
        plan_id,
        practitioner_id=int(practitioner)
        if practitioner.isdigit() and len(practitioner) < 10
        else None,
        room=params.get("room") if params.get("room") in place.rooms else None,
        at=_optional(params.get("at"), time.fromisoformat),
        start=_optional(params.get("start"), date.fromisoformat),
        location_id=place.id,
    )
    wanted = {k: params.get(k, "") for k in ("practitioner_id", "room", "at", "start")}
    return _series_page(page, proposal, _proposal_form(proposal), wanted=wanted)


def _row_error(number: int, field: str, problem: str) -> tuple[str, str]:
    """The form key beside which the problem shows, and the message naming row and field."""
    key, label = FIELDS.get(field, ("row", field.replace("_", " ")))
    text = problem[:1].lower() + problem[1:]
    return f"{key}.{number}", sentence(f"Session {number} — {label}: {text}")


def _validation_errors(exc: ValidationError, numbers: list[int]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = error["loc"]
        if len(loc) < 3 or loc[0] != "sessions" or not isinstance(loc[1], int):
            errors.setdefault("_form", plain(error))
            continue
        field = str(loc[2])
        message = BLANK.get(field) if _blank(error) else None
        key, text = _row_error(numbers[loc[1]], field, message or plain(error))
        errors.setdefault(key, text)
    return errors


def _blank(error: ErrorDetails) -> bool:
    return error["type"] == "missing" or error.get("input") in (None, "")


@router.post("/plans/{plan_id}/book", name="series_book")
async def series_book(request: Request, plan_id: RecordId, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    service = page.service(SeriesService)
    location = chosen_location(page, form.get("location_id")).id
    numbers = sorted(
        int(k.split(".", 1)[1])
        for k, v in form.items()
        if k.startswith("book.") and v == "yes" and k.split(".", 1)[1].isdigit()
    )
    rows = [
        {
            "number": n,
            "practitioner_id": form.get(f"practitioner.{n}") or None,
            "room": form.get(f"room.{n}") or None,
            "starts_at": (
                f"{form[f'date.{n}']}T{form[f'time.{n}']}"
                if form.get(f"date.{n}") and form.get(f"time.{n}")
                else None
            ),
            "duration_minutes": form.get(f"duration.{n}") or None,
        }
        for n in numbers
    ]
    data = {"location_id": location, "sessions": rows}

    def book() -> int:
        if not rows:
            raise FormProblems({"_form": "Tick at least one session to book."})
        return len(service.book(plan_id, SeriesIn.model_validate(data)))

    def errors_from(exc: ValidationError | InvalidInput) -> dict[str, str]:
        # Each refusal goes beside its session's row, several at once.
        if isinstance(exc, ValidationError):
            return _validation_errors(exc, numbers)
        return _problems(exc.problems if isinstance(exc, SeveralProblems) else [exc], numbers)

    def booked(count: int) -> Response:
        page.ctx.flashes.append(Flash(f"Sessions booked. ({count}, in one step)"))
        proposal = service.propose(plan_id, location_id=location)
        return _series_page(page, proposal, _proposal_form(proposal))

    return submit(
        book,
        then=booked,
        # The rows show what was sent; the fresh proposal only says which sessions are booked.
        again=lambda errors: _series_page(
            page, service.propose(plan_id, location_id=location), form, errors, 422
        ),
        errors_from=errors_from,
    )


def _problems(problems: list[InvalidInput], numbers: list[int]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for problem in problems:
        parts = problem.field.split(".")
        if len(parts) >= 3 and parts[0] == "sessions" and parts[1].isdigit():
            key, text = _row_error(numbers[int(parts[1])], parts[2], problem.problem)
            errors.setdefault(key, text)
        else:
            errors.setdefault("_form", sentence(problem.problem))
    return errors
