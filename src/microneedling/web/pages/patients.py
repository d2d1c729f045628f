"""Patients: search, registration, contact details and consents, clinical notes.

Front desk staff see contact details only; the record's clinical sections are filled only for
roles the services allow (and the services refuse the rest, whatever a page asks).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from microneedling.clinic.paging import PageRequest
from microneedling.clinic.roles import Permission
from microneedling.clinic.schemas.patients import (
    NoteIn,
    PatientChange,
    PatientFilter,
    PatientIn,
    PatientOut,
)
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.upcoming import UpcomingService
from microneedling.web.deps import Offset, RecordId
from microneedling.web.pages._forms import as_dict, submit
from microneedling.web.pages._record import clinical_record
from microneedling.web.pages._render import render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)
PAGE_SIZE = 25


def _patient_data(form: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        k: (form.get(k) or "").strip() or None
        for k in ("given_name", "family_name", "date_of_birth", "sex", "email", "phone", "address")
    }
    data["consent_photos"] = form.get("consent_photos") == "yes"
    data["consent_messages"] = form.get("consent_messages") == "yes"
    return data


@router.get("/patients", name="patient_search")
def patient_search(page: SignedDep, q: str = "", offset: Offset = 0) -> Response:
    q = q.strip()[:100]
    found = page.service(PatientService).find(
        PatientFilter(name=q or None), PageRequest(offset=offset, limit=PAGE_SIZE)
    )
    return render(
        page.ctx, "patients.html", nav="patients", title="Patients", found=found, q=q,
        page_size=PAGE_SIZE, may_register=page.may(Permission.REGISTER_PATIENTS),
    )  # fmt: skip


@router.get("/patients/new", name="patient_new")
def patient_new(page: SignedDep) -> Response:
    page.service(PatientService).require(Permission.REGISTER_PATIENTS)
    return render(page.ctx, "patient_form.html", nav="patients", title="New patient")


@router.post("/patients", name="patient_register")
async def patient_register(request: Request, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    return submit(
        lambda: page.service(PatientService).register(
            PatientIn.model_validate(_patient_data(form))
        ),
        then=lambda patient: str(request.url_for("patient_record", patient_id=patient.id).path),
        again=lambda errors: _patient_form(page, "New patient", None, form, errors),
    )


def _patient_form(
    page: Signed,
    title: str,
    patient: PatientOut | None,
    form: dict[str, str],
    errors: dict[str, str],
) -> Response:
    """The registration or contact form shown again with its problems (422)."""
    return render(
        page.ctx, "patient_form.html", 422, nav="patients", title=title, patient=patient,
        form=form, errors=errors,
    )  # fmt: skip


@router.get("/patients/{patient_id}", name="patient_record")
def patient_record(patient_id: RecordId, page: SignedDep) -> Response:
    with page.one_read():
        patient = page.service(PatientService).get(patient_id)
        upcoming = (
            page.service(UpcomingService).for_patient(patient_id)
            if page.may(Permission.READ_APPOINTMENTS)
            else None
        )
        clinical = (
            clinical_record(
                page, patient_id, patient.consent_photos and page.may(Permission.READ_PHOTOS)
            )
            if page.may(Permission.READ_CLINICAL)
            else None
        )
    return render(
        page.ctx, "patient.html", nav="patients",
        title=f"{patient.given_name} {patient.family_name}", patient=patient, clinical=clinical,
        upcoming=upcoming,
        may_edit=page.may(Permission.REGISTER_PATIENTS),
        may_treat=page.may(Permission.WRITE_CLINICAL),
        may_book=page.may(Permission.BOOK_APPOINTMENTS),
    )  # fmt: skip


@router.get("/patients/{patient_id}/edit", name="patient_edit")
def patient_edit(patient_id: RecordId, page: SignedDep) -> Response:
    patient = page.service(PatientService).get(patient_id)
    form = {k: "" if v is None else str(v) for k, v in patient.model_dump().items()}
    form["consent_photos"] = "yes" if patient.consent_photos else ""
    form["consent_messages"] = "yes" if patient.consent_messages else ""
    return render(
        page.ctx, "patient_form.html", nav="patients", title="Contact details", patient=patient,
        form=form,
    )  # fmt: skip


@router.post("/patients/{patient_id}/edit", name="patient_change")
async def patient_change(request: Request, patient_id: RecordId, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    data = _patient_data(form)
    service = page.service(PatientService)
    # Names and date of birth are not changed here; the change model has no such fields.
    change = {k: v for k, v in data.items() if k not in ("date_of_birth", "sex")}
    return submit(
        lambda: service.change(patient_id, PatientChange.model_validate(change)),
        then=str(request.url_for("patient_record", patient_id=patient_id).path),
        again=lambda errors: _patient_form(
            page, "Contact details", service.get(patient_id), form, errors
        ),
    )


@router.get("/patients/{patient_id}/notes", name="patient_notes")
def patient_notes(patient_id: RecordId, page: SignedDep) -> Response:
    service = page.service(PatientService)
    with page.one_read():
        notes = service.notes(patient_id, PageRequest(limit=200))
        patient = service.get(patient_id)
    return render(
        page.ctx, "notes.html", nav="patients", title="Clinical notes", patient=patient, notes=notes
    )


@router.post("/patients/{patient_id}/notes", name="patient_note_add")
async def patient_note_add(request: Request, patient_id: RecordId, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    service = page.service(PatientService)
    return submit(
        lambda: service.add_note(patient_id, NoteIn.model_validate({"text": text_of(form)})),
        then=str(request.url_for("patient_notes", patient_id=patient_id).path),
        again=lambda errors: _notes_page(page, patient_id, form, errors),
    )


def _notes_page(
    page: Signed, patient_id: int, form: dict[str, str], errors: dict[str, str]
) -> Response:
    """The notes page with the new note shown again beside its problem (422)."""
    service = page.service(PatientService)
    notes = service.notes(patient_id, PageRequest(limit=200))
    return render(
        page.ctx, "notes.html", 422, nav="patients", title="Clinical notes",
        patient=service.get(patient_id), notes=notes, form=form, errors=errors,
    )  # fmt: skip


def text_of(form: dict[str, str]) -> str:
    return form.get("text", "").strip()
