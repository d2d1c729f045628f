"""The clinic's profile and logo, its locations, and who works where (admins change them)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, Response, UploadFile, status

from microneedling.clinic.errors import TooLarge
from microneedling.clinic.locations import clinic_logo
from microneedling.clinic.services.locations import (
    LOGO_MAX_BYTES,
    LocationChange,
    LocationIn,
    LocationOut,
    LocationService,
    ProfileIn,
    ProfileOut,
    StaffLocationsIn,
    StaffLocationsOut,
)
from microneedling.web.deps import ClinicDep, RecordId, service
from microneedling.web.image_upload import IMAGE_FORM, NOT_EMPTY
from microneedling.web.logo import logo_response
from microneedling.web.problems import MEDIA_TYPE

router = APIRouter(tags=["locations"])
Locations = Annotated[LocationService, Depends(service(LocationService))]
CHUNK_BYTES = 64 * 1024
NO_LOGO = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}


@router.get("/clinic/profile", summary="The clinic's name and whether it has a logo")
def get_profile(locations: Locations) -> ProfileOut:
    return locations.profile()


@router.put("/clinic/profile", summary="Change the clinic's name (admins)")
def put_profile(body: ProfileIn, locations: Locations) -> ProfileOut:
    return locations.update_profile(body)


@router.put(
    "/clinic/logo",
    summary="Upload the clinic's logo (PNG or JPEG, at most 512 KiB)",
    openapi_extra=IMAGE_FORM,
)
async def put_logo(
    locations: Locations,
    file: Annotated[UploadFile, File(description="PNG or JPEG", json_schema_extra=NOT_EMPTY)],
) -> ProfileOut:
    data = bytearray()
    while chunk := await file.read(CHUNK_BYTES):
        data += chunk
        if len(data) > LOGO_MAX_BYTES:
            raise TooLarge("logo", f"is larger than the limit of {LOGO_MAX_BYTES} bytes")
    return locations.set_logo(bytes(data))


@router.delete("/clinic/logo", status_code=status.HTTP_204_NO_CONTENT, summary="Remove the logo")
def delete_logo(locations: Locations) -> None:
    locations.remove_logo()


@router.get(
    "/clinic/logo",
    summary="The clinic's logo (pages also serve it to anyone at /clinic-logo)",
    response_class=Response,
    responses={
        200: {"content": {"image/png": {}, "image/jpeg": {}}},
        304: {"description": "Not modified: the client holds this logo (If-None-Match)"},
        404: {"description": "Not found: the clinic has no logo", "content": NO_LOGO},
    },
)
def get_logo(clinic: ClinicDep, request: Request, locations: Locations) -> Response:
    locations.profile()  # signed in: any role
    return logo_response(clinic_logo(clinic), request)


@router.get("/locations", summary="The clinic's locations")
def list_locations(locations: Locations) -> list[LocationOut]:
    return locations.locations()


@router.post("/locations", status_code=status.HTTP_201_CREATED, summary="Add a location (admins)")
def create_location(body: LocationIn, locations: Locations) -> LocationOut:
    return locations.create(body)


@router.get("/locations/{location_id}", summary="One location")
def get_location(location_id: RecordId, locations: Locations) -> LocationOut:
    return locations.get(location_id)


@router.patch("/locations/{location_id}", summary="Change a location (admins)")
def change_location(
    location_id: RecordId, body: LocationChange, locations: Locations
) -> LocationOut:
    return locations.update(location_id, body)


@router.get("/staff/{staff_id}/locations", summary="Where a staff member works")
def get_staff_locations(staff_id: RecordId, locations: Locations) -> StaffLocationsOut:
    return locations.staff_locations(staff_id)


@router.put("/staff/{staff_id}/locations", summary="Set where a staff member works (admins)")
def put_staff_locations(
    staff_id: RecordId, body: StaffLocationsIn, locations: Locations
) -> StaffLocationsOut:
    return locations.assign_staff(staff_id, body)
