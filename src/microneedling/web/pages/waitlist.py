"""The waitlist page: who waits for which practitioner and times; add, and take off the list."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.staff import StaffService
from microneedling.clinic.services.waitlist import WaitlistIn, WaitlistService
from microneedling.errors import InvalidInput
from microneedling.web.deps import RecordId
from microneedling.web.pages._forms import as_dict, stripped, submit
from microneedling.web.pages._locations import report_location
from microneedling.web.pages._render import Flash, render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)
FIELDS = ("patient_id", "practitioner_id", "earliest", "latest", "duration_minutes", "note")


def _waitlist_page(
    page: Signed,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    location_id: str | None = None,
) -> Response:
    place = report_location(page, location_id)
    errors = errors or {}
    if place.error:
        errors["location_id"] = place.error
        status_code = 422
    entries = page.service(WaitlistService).find("waiting", place.location_id)
    practitioners = page.service(StaffService).practitioners()
    choices = [("", "any practitioner")] + [(str(p.id), p.full_name) for p in practitioners]
    patients = page.service(PatientService)
    names = {e.patient_id: patients.get(e.patient_id) for e in entries}
    return render(
        page.ctx, "waitlist.html", status_code, nav="waitlist", title="Waitlist",
        entries=entries, patients=names,
        practitioners=choices,
        practitioner_names={p.id: p.full_name for p in practitioners},
        form=form or {"duration_minutes": "60"}, errors=errors, place=place,
    )  # fmt: skip


@router.get("/waitlist", name="waitlist_page")
def waitlist_page(request: Request, page: SignedDep) -> Response:
    form = {"duration_minutes": "60", "patient_id": request.query_params.get("patient_id", "")}
    return _waitlist_page(page, form, location_id=request.query_params.get("location_id"))


@router.post("/waitlist", name="waitlist_add")
async def waitlist_add(request: Request, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    data = stripped(form, *FIELDS)
    return submit(
        lambda: page.service(WaitlistService).add(WaitlistIn.model_validate(data)),
        then=str(request.url_for("waitlist_page").path),
        again=lambda errors: _waitlist_page(page, form, errors, 422),
    )


@router.post("/waitlist/{entry_id}/close", name="waitlist_close")
async def waitlist_close(request: Request, entry_id: RecordId, page: SignedDep) -> Response:
    form = await request.form()
    # A refusal here is about the entry, not a field: a notice over the list.
    try:
        if form.get("status") == "booked":
            page.service(WaitlistService).close(entry_id, "booked")
        else:
            page.service(WaitlistService).close(entry_id, "removed")
    except InvalidInput as exc:
        page.ctx.flashes.append(Flash(exc.problem, "stop"))
        return _waitlist_page(page, status_code=422)
    return RedirectResponse(str(request.url_for("waitlist_page").path), 303)
