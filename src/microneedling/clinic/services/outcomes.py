"""Follow-up outcomes and clinical photos.

An outcome is scored on the concern's own clinical scale (from the knowledge base) and must
lie within it. Photos are taken only with the patient's photo consent; see
:mod:`microneedling.clinic.photos` for what is checked and stripped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from microneedling.clinic.clinic import Service
from microneedling.clinic.errors import NotFound
from microneedling.clinic.known_ids import ConcernRef, SiteRef
from microneedling.clinic.models import Outcome, Photo
from microneedling.clinic.paging import Page, PageRequest, RecordRef, every_item, paginate
from microneedling.clinic.past_only import not_after_now
from microneedling.clinic.photo_views import PhotoView
from microneedling.clinic.photos import CleanImage, clean_image, read_photo, write_photo
from microneedling.clinic.roles import Permission
from microneedling.clinic.services.lookups import (
    current_treatment_plan,
    get_appointment,
    get_plan,
    get_treatment,
    live_patient,
)
from microneedling.clinic.text import LongText
from microneedling.errors import InvalidInput, RequestRefused
from microneedling.iso_dates import IsoDate

Stage = Literal["baseline", "session", "follow_up"]
#: Photos in one upload: a tablet's burst of one area, not a whole archive.
MAX_PHOTOS_AT_ONCE = 12


def _cleaned(data: bytes, max_bytes: int, number: int, count: int) -> CleanImage:
    """One upload of ``count`` checked and stripped; a refusal says which photo it was."""
    try:
        return clean_image(data, max_bytes)
    except InvalidInput as exc:
        if count == 1:
            raise
        raise type(exc)(exc.field, f"photo {number} of {count}: {exc.problem}") from None


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plan_id: RecordRef | None = None
    appointment_id: RecordRef | None = Field(default=None, description="the follow-up visit")
    assessed_on: IsoDate
    concern: ConcernRef = Field(description="knowledge-base concern id")
    clinician_score: float = Field(
        allow_inf_nan=False, description="on the concern's clinical scale"
    )
    patient_satisfaction: int | None = Field(default=None, ge=0, le=10, description="0-10")
    complications: LongText | None = None


class OutcomeFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    concern: ConcernRef | None = Field(default=None, description="knowledge-base concern id")
    plan_id: RecordRef | None = None


class OutcomeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    patient_id: int
    plan_id: int | None
    appointment_id: int | None
    assessed_on: date
    concern: str
    scale: str
    clinician_score: float
    patient_satisfaction: int | None
    complications: str | None
    recorded_by: int
    recorded_at: datetime


class PhotoIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage: Stage
    site: SiteRef | None = None
    view: PhotoView | None = Field(
        default=None,
        description="the camera's view; before and after are compared within one area and "
        "view. Absent or null: not recorded",
    )
    outcome_id: RecordRef | None = None
    session_id: RecordRef | None = None
    taken_on: IsoDate | None = None


class PhotoFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage: Stage | None = None
    site: SiteRef | None = Field(default=None, description="knowledge-base site id")
    view: PhotoView | None = Field(default=None, description="the camera's view")


class PhotoOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    patient_id: int
    outcome_id: int | None
    session_id: int | None
    site: str | None
    stage: Stage
    view: PhotoView | None = Field(description="the camera's view; null: not recorded")
    sha256: str
    media_type: str
    width_px: int
    height_px: int
    size_bytes: int
    taken_on: date | None
    uploaded_at: datetime


class OutcomeService(Service):
    def record(self, patient_id: int, data: OutcomeIn) -> OutcomeOut:
        concern = self.clinic.kb.concerns.require(data.concern, "concern")
        low, high = sorted((concern.scale.worst, concern.scale.best))
        if not low <= data.clinician_score <= high:
            raise InvalidInput(
                "clinician_score",
                f"{data.clinician_score} is outside the {concern.scale.name} ({low}-{high})",
            )
        not_after_now("assessed_on", data.assessed_on, self.clinic)
        with self.unit(Permission.WRITE_CLINICAL) as u:
            live_patient(u.session, patient_id)
            if data.plan_id is not None:
                record = get_plan(u.session, data.plan_id)
                if record.patient_id != patient_id:
                    raise InvalidInput("plan_id", "the plan belongs to another patient")
                plan = current_treatment_plan(u.session, record)
                planned = {c.concern for a in plan.areas for c in a.concerns}
                if data.concern not in planned:
                    raise InvalidInput(
                        "concern",
                        f"the plan treats {', '.join(sorted(planned))}, not {data.concern}",
                    )
            if data.appointment_id is not None:
                appointment = get_appointment(u.session, data.appointment_id)
                if appointment.patient_id != patient_id or appointment.kind != "follow_up":
                    raise InvalidInput(
                        "appointment_id", "is not a follow-up appointment of this patient"
                    )
                if appointment.status == "booked":
                    appointment.status = "completed"
                    appointment.status_changed_at = self.clinic.now()
                    appointment.status_changed_by = self.actor.staff_id
            outcome = Outcome(
                patient_id=patient_id,
                scale=concern.scale.name,
                recorded_by=self.actor.staff_id,
                **data.model_dump(),
            )
            u.session.add(outcome)
            u.session.flush()
            u.audit.record("create", "outcome", outcome.id, patient_id=patient_id)
            return OutcomeOut.model_validate(outcome)

    def for_patient(self, patient_id: int) -> list[OutcomeOut]:
        """All the patient's outcomes, oldest assessment first."""
        return every_item(lambda page: self.outcome_page(patient_id, OutcomeFilter(), page))

    def outcome_page(
        self, patient_id: int, where: OutcomeFilter, page: PageRequest
    ) -> Page[OutcomeOut]:
        """One page of the patient's outcomes, oldest assessment first."""
        with self.reading(Permission.READ_CLINICAL) as u:
            # An unknown concern is a typo to point out, not a filter that quietly matches none.
            if where.concern is not None:
                self.clinic.kb.concerns.require(where.concern, "concern")
            live_patient(u.session, patient_id)
            query = select(Outcome).where(Outcome.patient_id == patient_id)
            if where.concern is not None:
                query = query.where(Outcome.concern == where.concern)
            if where.plan_id is not None:
                query = query.where(Outcome.plan_id == where.plan_id)
            rows: list[Outcome]
            rows, total = paginate(u.session, query, page, Outcome.assessed_on, Outcome.id)
            u.audit.listed("outcome", [o.id for o in rows], [patient_id])
            items = [OutcomeOut.model_validate(o) for o in rows]
            return Page(items=items, total=total, offset=page.offset, limit=page.limit)

    def add_photo(self, patient_id: int, meta: PhotoIn, data: bytes) -> PhotoOut:
        return self.add_photos(patient_id, meta, [data])[0]

    def add_photos(self, patient_id: int, meta: PhotoIn, files: Sequence[bytes]) -> list[PhotoOut]:
        """Several photos of one stage and area at once, under the same rules as one: each a
        real image, stripped; the patient's photo consent. All are kept, or none."""
        self.require(Permission.WRITE_PHOTOS)
        settings = self.clinic.settings
        if not files:
            raise InvalidInput("file", "choose a photo to upload")
        if len(files) > MAX_PHOTOS_AT_ONCE:
            raise InvalidInput(
                "file", f"{len(files)} photos at once; the limit is {MAX_PHOTOS_AT_ONCE}"
            )
        images = [_cleaned(data, settings.photo_max_bytes, i, len(files)) for i, data in
                  enumerate(files, start=1)]  # fmt: skip
        written: list[str] = []
        try:
            with self.unit(Permission.WRITE_PHOTOS) as u:
                patient = live_patient(u.session, patient_id)
                if not patient.consent_photos:
                    raise RequestRefused(
                        "patient_id", "the patient has not consented to photographs"
                    )
                if meta.site is not None:
                    self.clinic.kb.sites.require(meta.site, "site")
                if meta.outcome_id is not None:
                    outcome = u.session.get(Outcome, meta.outcome_id)
                    if outcome is None or outcome.patient_id != patient_id:
                        raise NotFound("outcome_id", "outcome of this patient", meta.outcome_id)
                if meta.session_id is not None:
                    treatment = get_treatment(u.session, meta.session_id)
                    if treatment.patient_id != patient_id:
                        raise NotFound("session_id", "session of this patient", meta.session_id)
                if meta.taken_on is not None:
                    not_after_now("taken_on", meta.taken_on, self.clinic)
                stored = []
                for image in images:
                    relative = f"{patient_id}/{image.sha256}.{image.extension}"
                    if write_photo(settings.photo_dir, relative, image.data):
                        written.append(relative)
                    photo = Photo(
                        patient_id=patient_id,
                        sha256=image.sha256,
                        path=relative,
                        media_type=image.media_type,
                        width_px=image.width_px,
                        height_px=image.height_px,
                        size_bytes=len(image.data),
                        uploaded_by=self.actor.staff_id,
                        **meta.model_dump(),
                    )
                    u.session.add(photo)
                    u.session.flush()
                    u.audit.record("create", "photo", photo.id, patient_id=patient_id)
                    stored.append(PhotoOut.model_validate(photo))
                return stored
        except BaseException:
            # Nothing is half-kept: files written for records that were not saved go too.
            for relative in written:
                (settings.photo_dir / relative).unlink(missing_ok=True)
            raise

    def photos(self, patient_id: int) -> list[PhotoOut]:
        """All the patient's photos (metadata), in upload order."""
        return every_item(lambda page: self.photo_page(patient_id, PhotoFilter(), page))

    def photo_page(self, patient_id: int, where: PhotoFilter, page: PageRequest) -> Page[PhotoOut]:
        """One page of the patient's photos (metadata), in upload order."""
        with self.reading(Permission.READ_PHOTOS) as u:
            if where.site is not None:
                self.clinic.kb.sites.require(where.site, "site")
            live_patient(u.session, patient_id)
            query = select(Photo).where(Photo.patient_id == patient_id)
            if where.stage is not None:
                query = query.where(Photo.stage == where.stage)
            if where.site is not None:
                query = query.where(Photo.site == where.site)
            if where.view is not None:
                query = query.where(Photo.view == where.view)
            rows: list[Photo]
            rows, total = paginate(u.session, query, page, Photo.id)
            u.audit.listed("photo", [p.id for p in rows], [patient_id])
            items = [PhotoOut.model_validate(p) for p in rows]
            return Page(items=items, total=total, offset=page.offset, limit=page.limit)

    def photo_file(self, photo_id: int) -> tuple[PhotoOut, bytes]:
        with self.reading(Permission.READ_PHOTOS) as u:
            photo = u.session.get(Photo, photo_id)
            if photo is None:
                raise NotFound("photo_id", "photo", photo_id)
            live_patient(u.session, photo.patient_id)
            data = read_photo(self.clinic.settings.photo_dir, photo.path, photo.sha256)
            u.audit.read("photo", photo.id, photo.patient_id)
            return PhotoOut.model_validate(photo), data
