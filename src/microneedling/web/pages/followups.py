"""Follow-up: scores on the concern's own scale, satisfaction, complications, and photos.

The outcome service checks the score against the concern's scale and the photo rules (consent,
a real image, size, EXIF stripped), for one photo or several uploaded at once; this page shows
its refusals beside the field, the scores over time as a picture, before/after photos side by
side and (static/js/photos.js) compared with a slider or an overlay, each pair of the same area
and camera view (clinic/photo_pairs.py), and the baseline photo of the area and view chosen as
a faint guide over the photos chosen before they are uploaded.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.datastructures import UploadFile

from microneedling.clinic.photo_pairs import baselines, photo_pairs
from microneedling.clinic.photo_views import VIEW_NAMES
from microneedling.clinic.schemas.patients import PatientOut
from microneedling.clinic.services.outcomes import (
    OutcomeIn,
    OutcomeService,
    PhotoIn,
)
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.plans import PlanService
from microneedling.web.deps import RecordId
from microneedling.web.pages._forms import as_dict, stripped, submit
from microneedling.web.pages._outcomes import outcome_charts
from microneedling.web.pages._render import render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)
STAGES = (("baseline", "before treatment"), ("session", "at a session"), ("follow_up", "follow-up"))


def _concern_choices(page: Signed, patient_id: int) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for plan in page.service(PlanService).for_patient(patient_id):
        for area in plan.plan.areas:
            for concern in area.concerns:
                seen.setdefault(concern.concern, f"{concern.name} ({concern.scale})")
    if not seen:
        seen = {c.id: f"{c.name} ({c.scale.name})" for c in page.clinic.kb.concerns.values()}
    return list(seen.items())


def _followup_page(
    page: Signed,
    patient: PatientOut,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    service = page.service(OutcomeService)
    outcomes = service.for_patient(patient.id)
    photos = service.photos(patient.id) if patient.consent_photos else []
    kb = page.clinic.kb
    return render(
        page.ctx, "followup.html", status_code, nav="patients", title="Follow-up",
        patient=patient, outcomes=outcomes, charts=outcome_charts(outcomes, kb),
        pairs=photo_pairs(photos, kb),
        # The ghost's guides: baselines of a recorded area and view (the form asks both).
        guides=[(site, view, p) for (site, view), p in baselines(photos).items() if site and view],
        views=list(VIEW_NAMES.items()),
        concerns=_concern_choices(page, patient.id),
        stages=STAGES, sites=[(s.id, s.name) for s in kb.sites.values()],
        concern_names={c.id: c.name for c in kb.concerns.values()},
        form={"assessed_on": str(page.clinic.today())} | (form or {}), errors=errors or {},
    )  # fmt: skip


@router.get("/patients/{patient_id}/follow-up", name="followup")
def followup(patient_id: RecordId, page: SignedDep) -> Response:
    return _followup_page(page, page.service(PatientService).get(patient_id))


@router.post("/patients/{patient_id}/outcomes", name="outcome_record")
async def outcome_record(request: Request, patient_id: RecordId, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    keys = ("assessed_on", "concern", "clinician_score", "patient_satisfaction", "complications")
    data = stripped(form, *keys)
    return submit(
        lambda: page.service(OutcomeService).record(patient_id, OutcomeIn.model_validate(data)),
        then=str(request.url_for("followup", patient_id=patient_id).path),
        again=lambda errors: _followup_page(
            page, page.service(PatientService).get(patient_id), form, errors, 422
        ),
    )


@router.post("/patients/{patient_id}/photos", name="photo_upload")
async def photo_upload(request: Request, patient_id: RecordId, page: SignedDep) -> Response:
    posted = await request.form()
    try:
        form = as_dict(posted)
        uploads = [u for u in posted.getlist("photo") if isinstance(u, UploadFile) and u.filename]
        files = [await upload.read() for upload in uploads]
    finally:
        await posted.close()  # the uploads' temporary files, whatever happens next
    meta = {
        "stage": form.get("stage") or None,
        "site": form.get("site") or None,
        "view": form.get("view") or None,
        "taken_on": form.get("taken_on") or None,
    }
    return submit(
        lambda: page.service(OutcomeService).add_photos(
            patient_id, PhotoIn.model_validate(meta), files
        ),
        then=str(request.url_for("followup", patient_id=patient_id).path),
        again=lambda errors: _followup_page(
            page, page.service(PatientService).get(patient_id), form, errors, 422
        ),
        rename={"patient_id": "photo", "(body)": "photo", "file": "photo"},
    )


@router.get("/photos/{photo_id}", name="photo_image")
def photo_file(photo_id: RecordId, page: SignedDep) -> Response:
    photo, data = page.service(OutcomeService).photo_file(photo_id)
    return Response(data, media_type=photo.media_type, headers={"Cache-Control": "no-store"})
