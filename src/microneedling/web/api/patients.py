"""Patients: registration, contact details and consents, soft deletion, clinical notes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from microneedling.clinic.paging import Page
from microneedling.clinic.schemas.patients import (
    DeleteIn,
    NoteIn,
    NoteOut,
    PatientChange,
    PatientFilter,
    PatientIn,
    PatientOut,
)
from microneedling.clinic.services.patients import PatientService
from microneedling.iso_dates import IsoDate
from microneedling.web.deps import PageDep, RecordId, service

router = APIRouter(prefix="/patients", tags=["patients"])
Patients = Annotated[PatientService, Depends(service(PatientService))]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Register a patient")
def register_patient(body: PatientIn, patients: Patients) -> PatientOut:
    return patients.register(body)


@router.get("", summary="Find patients by name or date of birth")
def list_patients(
    patients: Patients,
    page: PageDep,
    name: Annotated[str | None, Query(max_length=100)] = None,
    born_on: Annotated[IsoDate | None, Query()] = None,
    include_deleted: Annotated[bool, Query(description="admins only")] = False,
) -> Page[PatientOut]:
    where = PatientFilter(name=name, born_on=born_on, include_deleted=include_deleted)
    return patients.find(where, page)


@router.get("/{patient_id}", summary="A patient's details and consents")
def get_patient(patient_id: RecordId, patients: Patients) -> PatientOut:
    return patients.get(patient_id)


@router.patch("/{patient_id}", summary="Change contact details or consents")
def change_patient(patient_id: RecordId, body: PatientChange, patients: Patients) -> PatientOut:
    return patients.change(patient_id, body)


@router.delete("/{patient_id}", summary="Delete a patient (soft: kept for the audit trail)")
def delete_patient(
    patient_id: RecordId,
    patients: Patients,
    reason: Annotated[str, Query(min_length=1, max_length=500)],
) -> PatientOut:
    return patients.delete(patient_id, DeleteIn(reason=reason))


@router.post(
    "/{patient_id}/notes", status_code=status.HTTP_201_CREATED, summary="Add a clinical note"
)
def add_note(patient_id: RecordId, body: NoteIn, patients: Patients) -> NoteOut:
    return patients.add_note(patient_id, body)


@router.get("/{patient_id}/notes", summary="A patient's clinical notes, newest first")
def list_notes(patient_id: RecordId, patients: Patients, page: PageDep) -> Page[NoteOut]:
    return patients.notes(patient_id, page)
