"""Follow-up outcomes and clinical photos."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile, status

from microneedling.clinic.errors import TooLarge
from microneedling.clinic.known_ids import ConcernRef, SiteRef
from microneedling.clinic.paging import Page, RecordRef
from microneedling.clinic.photo_views import PhotoView
from microneedling.clinic.services.outcomes import (
    MAX_PHOTOS_AT_ONCE,
    OutcomeFilter,
    OutcomeIn,
    OutcomeOut,
    OutcomeService,
    PhotoFilter,
    PhotoIn,
    PhotoOut,
    Stage,
)
from microneedling.iso_dates import IsoDate
from microneedling.web.deps import ClinicDep, PageDep, RecordId, RecordIdFilter, service
from microneedling.web.image_upload import ABSENT_NOT_NULL, IMAGE_FORM, NOT_EMPTY

router = APIRouter(tags=["outcomes"])
Outcomes = Annotated[OutcomeService, Depends(service(OutcomeService))]
CHUNK_BYTES = 1 << 20
#: A concern in a filter: its schema lists the knowledge base's concerns.
ConcernFilter = Annotated[ConcernRef | None, Query()]


@router.post(
    "/patients/{patient_id}/outcomes",
    status_code=status.HTTP_201_CREATED,
    summary="Record a follow-up outcome on the concern's clinical scale",
)
def record_outcome(patient_id: RecordId, body: OutcomeIn, outcomes: Outcomes) -> OutcomeOut:
    return outcomes.record(patient_id, body)


@router.get("/patients/{patient_id}/outcomes", summary="A patient's outcomes, oldest first")
def list_outcomes(
    patient_id: RecordId,
    outcomes: Outcomes,
    page: PageDep,
    concern: ConcernFilter = None,
    plan_id: RecordIdFilter = None,
) -> Page[OutcomeOut]:
    return outcomes.outcome_page(patient_id, OutcomeFilter(concern=concern, plan_id=plan_id), page)


def _photo_meta(
    stage: Annotated[Stage, Form()],
    site: Annotated[SiteRef | None, Form(), ABSENT_NOT_NULL] = None,
    view: Annotated[
        PhotoView | None,
        Form(description="the camera's view; absent: not recorded (compared only with the same)"),
        ABSENT_NOT_NULL,
    ] = None,
    outcome_id: Annotated[RecordRef | None, Form(), ABSENT_NOT_NULL] = None,
    session_id: Annotated[RecordRef | None, Form(), ABSENT_NOT_NULL] = None,
    taken_on: Annotated[IsoDate | None, Form(), ABSENT_NOT_NULL] = None,
) -> PhotoIn:
    """The form fields that describe an upload's photos (one or several alike)."""
    return PhotoIn(
        stage=stage, site=site, view=view, outcome_id=outcome_id, session_id=session_id,
        taken_on=taken_on,
    )  # fmt: skip


PhotoMeta = Annotated[PhotoIn, Depends(_photo_meta)]


async def _read(file: UploadFile, limit: int, which: str = "") -> bytes:
    """The upload's bytes, read in chunks and refused as soon as they pass ``limit``."""
    data = bytearray()
    while chunk := await file.read(CHUNK_BYTES):
        data += chunk
        if len(data) > limit:
            raise TooLarge("file", f"{which}is larger than the limit of {limit} bytes")
    return bytes(data)


@router.post(
    "/patients/{patient_id}/photos",
    status_code=status.HTTP_201_CREATED,
    summary="Upload a photo (JPEG or PNG; metadata stripped; needs photo consent)",
    openapi_extra=IMAGE_FORM,
)
async def upload_photo(
    patient_id: RecordId,
    outcomes: Outcomes,
    clinic: ClinicDep,
    file: Annotated[UploadFile, File(description="JPEG or PNG", json_schema_extra=NOT_EMPTY)],
    meta: PhotoMeta,
) -> PhotoOut:
    data = await _read(file, clinic.settings.photo_max_bytes)
    return outcomes.add_photo(patient_id, meta, data)


@router.post(
    "/patients/{patient_id}/photos/batch",
    status_code=status.HTTP_201_CREATED,
    summary=f"Upload up to {MAX_PHOTOS_AT_ONCE} photos of one stage, area and view at once: "
    "all kept or none",
    openapi_extra=IMAGE_FORM,
)
async def upload_photos(
    patient_id: RecordId,
    outcomes: Outcomes,
    clinic: ClinicDep,
    file: Annotated[
        list[UploadFile],
        File(
            description="JPEG or PNG files, the field repeated for each",
            json_schema_extra={"minItems": 1, "maxItems": MAX_PHOTOS_AT_ONCE},
        ),
    ],
    meta: PhotoMeta,
) -> list[PhotoOut]:
    limit = clinic.settings.photo_max_bytes
    files = [await _read(f, limit, f"photo {i} of {len(file)} ") for i, f in
             enumerate(file, start=1)]  # fmt: skip
    return outcomes.add_photos(patient_id, meta, files)


@router.get("/patients/{patient_id}/photos", summary="A patient's photos (metadata)")
def list_photos(
    patient_id: RecordId,
    outcomes: Outcomes,
    page: PageDep,
    stage: Annotated[Stage | None, Query()] = None,
    site: Annotated[SiteRef | None, Query()] = None,
    view: Annotated[PhotoView | None, Query()] = None,
) -> Page[PhotoOut]:
    return outcomes.photo_page(patient_id, PhotoFilter(stage=stage, site=site, view=view), page)


@router.get(
    "/photos/{photo_id}/file",
    summary="The photo file (checksum verified)",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}}}},
)
def photo_file(photo_id: RecordId, outcomes: Outcomes) -> Response:
    photo, data = outcomes.photo_file(photo_id)
    return Response(
        content=data,
        media_type=photo.media_type,
        headers={"Cache-Control": "no-store", "ETag": f'"{photo.sha256}"'},
    )
