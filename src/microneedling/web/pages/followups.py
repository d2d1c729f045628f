"""Follow-up: scores on the concern's own scale, satisfaction, complications, and photos.

The outcome service checks the score against the concern's scale and the photo rules (consent,
a real image, size, EXIF stripped), for one photo or several uploaded at once; this page shows
its refusals beside the field, the scores over time as a picture, before/after photos side by
side and (static/js/photos.js) compared with a slider or an overlay, and the area's baseline
photo as a faint guide over the photos chosen before they are uploaded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from microneedling.clinic.schemas.patients import PatientOut
from microneedling.clinic.services.outcomes import (
    OutcomeIn,
    OutcomeOut,
    OutcomeService,
    PhotoIn,
    PhotoOut,
)
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.plans import PlanService
from microneedling.errors import InvalidInput
from microneedling.knowledge import KnowledgeBase
from microneedling.reports.words import day_date
from microneedling.web.deps import RecordId
from microneedling.web.pages._forms import as_dict, field_errors, stripped, submit
from microneedling.web.pages._render import render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep
from microneedling.web.pages.charts import Chart, Line, line_chart

router = APIRouter(route_class=PageRoute, include_in_schema=False)
STAGES = (("baseline", "before treatment"), ("session", "at a session"), ("follow_up", "follow-up"))
LINE_STYLES = ("line-1", "line-2", "line-3", "line-4")


@dataclass(frozen=True)
class PhotoPair:
    """The first photo before treatment and the latest after, for one site."""

    site: str
    before: PhotoOut | None
    after: PhotoOut | None


def baselines(photos: list[PhotoOut]) -> dict[str, PhotoOut]:
    """The first photo before treatment of each area (site id): what after photos are lined
    up with and compared against."""
    first: dict[str, PhotoOut] = {}
    for photo in photos:
        if photo.stage == "baseline":
            first.setdefault(photo.site or "", photo)
    return first


def photo_pairs(photos: list[PhotoOut], kb: KnowledgeBase) -> list[PhotoPair]:
    by_site: dict[str, list[PhotoOut]] = defaultdict(list)
    for photo in photos:
        by_site[photo.site or ""].append(photo)
    before = baselines(photos)
    pairs = []
    for site, group in by_site.items():
        after = [p for p in group if p.stage != "baseline"]
        name = kb.sites[site].name if site in kb.sites else (site or "Area not recorded")
        pairs.append(PhotoPair(name, before.get(site), after[-1] if after else None))
    return pairs


def outcome_charts(outcomes: list[OutcomeOut], kb: KnowledgeBase) -> list[Chart]:
    """One chart per scale: each concern's clinician scores over time."""
    by_scale: dict[str, dict[str, list[tuple[date, float]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for outcome in sorted(outcomes, key=lambda o: o.assessed_on):
        by_scale[outcome.scale][outcome.concern].append(
            (outcome.assessed_on, outcome.clinician_score)
        )
    charts = []
    for scale, concerns in by_scale.items():
        first = kb.concerns.get(next(iter(concerns)))
        bounds = (
            (min(first.scale.best, first.scale.worst), max(first.scale.best, first.scale.worst))
            if first
            else None
        )
        lines = [
            Line(kb.concerns[c].name if c in kb.concerns else c, points, LINE_STYLES[i % 4])
            for i, (c, points) in enumerate(concerns.items())
        ]
        worst_best = f" ({first.scale.best:g} best, {first.scale.worst:g} worst)" if first else ""
        charts.append(
            line_chart(
                f"Scores on the {scale}",
                f"score{worst_best}",
                lines,
                y_range=bounds,
                dots=True,
                summary="Clinician scores at each assessment: "
                + "; ".join(
                    f"{line.label}: " + ", ".join(f"{v:g} on {day_date(d)}" for d, v in line.points)
                    for line in lines
                ),
            )
        )
    return charts


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
        pairs=photo_pairs(photos, kb), baselines={k: v for k, v in baselines(photos).items() if k},
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
        "taken_on": form.get("taken_on") or None,
    }
    try:
        page.service(OutcomeService).add_photos(patient_id, PhotoIn.model_validate(meta), files)
    except (ValidationError, InvalidInput) as exc:
        patient = page.service(PatientService).get(patient_id)
        errors = field_errors(
            exc, rename={"patient_id": "photo", "(body)": "photo", "file": "photo"}
        )
        return _followup_page(page, patient, form, errors, 422)
    return RedirectResponse(str(request.url_for("followup", patient_id=patient_id).path), 303)


@router.get("/photos/{photo_id}", name="photo_image")
def photo_file(photo_id: RecordId, page: SignedDep) -> Response:
    photo, data = page.service(OutcomeService).photo_file(photo_id)
    return Response(data, media_type=photo.media_type, headers={"Cache-Control": "no-store"})
