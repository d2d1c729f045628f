"""The clinic's profile page for admins: name, logo, locations and who works where.

Each form posts to its own route and comes back here; the location service decides (a zone or
rooms changed under booked visits, a name taken, bad opening hours are refused beside the field).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.datastructures import UploadFile

from microneedling.clinic.locations import clinic_logo
from microneedling.clinic.paging import PageRequest
from microneedling.clinic.roles import Permission
from microneedling.clinic.services.locations import (
    LocationChange,
    LocationIn,
    LocationService,
    ProfileIn,
    StaffLocationsIn,
)
from microneedling.clinic.services.staff import StaffService
from microneedling.errors import InvalidInput
from microneedling.web.deps import RecordId
from microneedling.web.logo import logo_response
from microneedling.web.pages._forms import as_dict, stripped, submit, values
from microneedling.web.pages._render import Flash, render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)
#: The location form's fields, as the service names them.
LOCATION_FIELDS = ("name", "address", "phone", "timezone", "opening_hours", "rooms")


def _profile_page(
    page: Signed,
    status_code: int = 200,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    editing: str = "",
) -> Response:
    """``editing`` names the form the posted values and errors belong to (``profile``,
    ``new``, a location id, ``staff-N``)."""
    page.service(LocationService).require(Permission.MANAGE_LOCATIONS)
    # StaffService.find opens a writing unit (it records the listing), so it reads apart.
    members = page.service(StaffService).find(PageRequest(limit=200)).items
    staff = [m for m in members if m.active]
    with page.one_read():
        service = page.service(LocationService)
        profile = service.profile()
        locations = service.locations()
        assignments = service.assignments()
    return render(
        page.ctx, "clinic_profile.html", status_code, nav="clinic", title="Clinic profile",
        profile=profile, locations=locations, staff=staff, assignments=assignments,
        form=form or {}, errors=errors or {}, editing=editing,
    )  # fmt: skip


def _back(note: str, page: Signed) -> Response:
    """The page again, saying what was saved (as the users page does); the header shows the
    name just saved."""
    page.ctx.flashes.append(Flash(note))
    page.ctx.clinic_name = page.service(LocationService).profile().name
    return _profile_page(page)


def _location_data(form: dict[str, str]) -> dict[str, object]:
    data: dict[str, object] = dict(stripped(form, *LOCATION_FIELDS))
    data["address"] = data["address"] or ""
    data["rooms"] = [r.strip() for r in (form.get("rooms") or "").split(",") if r.strip()]
    return data


@router.get("/clinic-logo", name="clinic_logo")
def clinic_logo_file(request: Request) -> Response:
    """The logo for pages and patients' pages: public, as it is on every letter."""
    return logo_response(clinic_logo(request.app.state.clinic), request)


@router.get("/admin/clinic", name="admin_clinic")
def admin_clinic(page: SignedDep) -> Response:
    return _profile_page(page)


@router.post("/admin/clinic/profile", name="admin_clinic_profile")
async def admin_clinic_profile(request: Request, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    return submit(
        lambda: page.service(LocationService).update_profile(
            ProfileIn.model_validate(stripped(form, "name"))
        ),
        then=lambda _: _back("Profile saved.", page),
        again=lambda errors: _profile_page(page, 422, form=form, errors=errors, editing="profile"),
    )


@router.post("/admin/clinic/logo", name="admin_clinic_logo")
async def admin_clinic_logo(request: Request, page: SignedDep) -> Response:
    posted = await request.form()
    upload = posted.get("logo")
    remove = posted.get("remove") == "yes"
    data = None
    if isinstance(upload, UploadFile) and upload.filename and not remove:
        data = await upload.read()  # read here: the call below is not awaited

    def save() -> str:
        service = page.service(LocationService)
        if remove:
            service.remove_logo()
            return "Logo removed."
        if data is None:
            raise InvalidInput("logo", "choose a PNG or JPEG file")
        service.set_logo(data)
        return "Logo saved."

    return submit(
        save,
        then=lambda said: _back(said, page),
        again=lambda errors: _profile_page(page, 422, errors=errors, editing="logo"),
    )


@router.post("/admin/clinic/locations", name="admin_location_create")
async def admin_location_create(request: Request, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    return submit(
        lambda: page.service(LocationService).create(
            LocationIn.model_validate(_location_data(form))
        ),
        then=lambda made: _back(f"Location '{made.name}' added.", page),
        again=lambda errors: _profile_page(page, 422, form=form, errors=errors, editing="new"),
    )


@router.post("/admin/clinic/locations/{location_id}", name="admin_location_change")
async def admin_location_change(
    request: Request, location_id: RecordId, page: SignedDep
) -> Response:
    form = as_dict(await request.form())
    data = _location_data(form) | {"active": form.get("active") != "no"}
    return submit(
        lambda: page.service(LocationService).update(
            location_id, LocationChange.model_validate(data)
        ),
        then=lambda changed: _back(f"Location '{changed.name}' saved.", page),
        again=lambda errors: _profile_page(
            page, 422, form=form, errors=errors, editing=str(location_id)
        ),
    )


@router.post("/admin/clinic/staff/{staff_id}", name="admin_staff_locations")
async def admin_staff_locations(request: Request, staff_id: RecordId, page: SignedDep) -> Response:
    posted = await request.form()
    chosen = {"location_ids": values(posted, "location_ids")}
    return submit(
        lambda: page.service(LocationService).assign_staff(
            staff_id, StaffLocationsIn.model_validate(chosen)
        ),
        then=lambda _: _back("Locations of the staff member saved.", page),
        again=lambda errors: _profile_page(page, 422, errors=errors, editing=f"staff-{staff_id}"),
    )
