"""Follow-up outcomes and clinical photos."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Response, UploadFile, status

from microneedling.clinic.errors import TooLarge
from microneedling.clinic.services.outcomes import (
    OutcomeIn,
    OutcomeOut,
    OutcomeService,
    PhotoIn,
    PhotoOut,
    Stage,
)
from microneedling.web.deps import ClinicDep, RecordId, service

router = APIRouter(tags=["outcomes"])
Outcomes = Annotated[OutcomeService, Depends(service(OutcomeService))]
CHUNK_BYTES = 1 << 20


@router.post(
    "/patients/{patient_id}/outcomes",
    status_code=status.HTTP_201_CREATED,
    summary="Record a follow-up outcome on the concern's clinical scale",
)
def record_outcome(patient_id: RecordId, body: OutcomeIn, outcomes: Outcomes) -> OutcomeOut:
    return outcomes.record(patient_id, body)


@router.get("/patients/{patient_id}/outcomes", summary="A patient's outcomes, oldest first")
def list_outcomes(patient_id: RecordId, outcomes: Outcomes) -> list[OutcomeOut]:
    return outcomes.for_patient(patient_id)


@router.post(
    "/patients/{patient_id}/photos",
    status_code=status.HTTP_201_CREATED,
    summary="Upload a photo (JPEG or PNG; metadata stripped; needs photo consent)",
)
async def upload_photo(
    patient_id: RecordId,
    outcomes: Outcomes,
    clinic: ClinicDep,
    file: Annotated[UploadFile, File(description="JPEG or PNG")],
    stage: Annotated[Stage, Form()],
    site: Annotated[str | None, Form(max_length=64)] = None,
    outcome_id: Annotated[int | None, Form()] = None,
    session_id: Annotated[int | None, Form()] = None,
    taken_on: Annotated[date | None, Form()] = None,
) -> PhotoOut:
    limit = clinic.settings.photo_max_bytes
    data = bytearray()
    while chunk := await file.read(CHUNK_BYTES):
        data += chunk
        if len(data) > limit:
            raise TooLarge("file", f"is larger than the limit of {limit} bytes")
    meta = PhotoIn(
        stage=stage, site=site, outcome_id=outcome_id, session_id=session_id, taken_on=taken_on
    )
    return outcomes.add_photo(patient_id, meta, bytes(data))


@router.get("/patients/{patient_id}/photos", summary="A patient's photos (metadata)")
def list_photos(patient_id: RecordId, outcomes: Outcomes) -> list[PhotoOut]:
    return outcomes.photos(patient_id)


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
