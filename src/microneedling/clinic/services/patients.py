"""Patients: registration, contact details, consents, soft deletion and clinical notes.

Front desk staff register patients and keep their contact details and consents; only
practitioners (and admins) read or write clinical notes; only admins delete, and a deleted
patient is kept (soft delete) for the audit trail and for lot recalls.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select

from microneedling.clinic.clinic import Service
from microneedling.clinic.models import Appointment, ClinicalNote, Patient
from microneedling.clinic.paging import Page, PageRequest, paginate
from microneedling.clinic.past_only import not_after_now
from microneedling.clinic.roles import Permission
from microneedling.clinic.schemas.patients import (
    DeleteIn,
    NoteIn,
    NoteOut,
    PatientChange,
    PatientFilter,
    PatientIn,
    PatientOut,
)
from microneedling.clinic.services.lookups import alive_patient, live_patient
from microneedling.errors import InvalidInput

#: Most ids in one ``IN (...)`` list (SQLite allows 32,766 bound values; this keeps it small).
IN_CHUNK = 500


def new_patient(data: PatientIn, staff_id: int, now: datetime) -> Patient:
    """A patient record as registered by ``staff_id`` at ``now`` (consents dated when given)."""
    patient = Patient(**data.model_dump(), created_by=staff_id)
    if data.consent_photos or data.consent_messages:
        patient.consent_updated_at = now
    return patient


class PatientService(Service):
    def register(self, data: PatientIn) -> PatientOut:
        not_after_now("date_of_birth", data.date_of_birth, self.clinic)
        with self.unit(Permission.REGISTER_PATIENTS) as u:
            patient = new_patient(data, self.actor.staff_id, self.clinic.now())
            u.session.add(patient)
            u.session.flush()
            u.audit.record("create", "patient", patient.id, patient_id=patient.id)
            return PatientOut.model_validate(patient)

    def get(self, patient_id: int) -> PatientOut:
        with self.reading(Permission.READ_CONTACTS) as u:
            patient = live_patient(u.session, patient_id)
            u.audit.read("patient", patient.id, patient.id)
            return PatientOut.model_validate(patient)

    def get_each(self, patient_ids: Sequence[int]) -> dict[int, PatientOut]:
        """Each of several patients by id, as :meth:`get` reads one, in one query (a day's
        diary shows dozens: one query each was most of its cost)."""
        wanted = list(dict.fromkeys(patient_ids))
        with self.reading(Permission.READ_CONTACTS) as u:
            loaded = {
                row.id: row
                for start in range(0, len(wanted), IN_CHUNK)
                for row in u.session.scalars(
                    select(Patient).where(Patient.id.in_(wanted[start : start + IN_CHUNK]))
                )
            }
            found: dict[int, PatientOut] = {}
            for patient_id in wanted:
                patient = alive_patient(loaded.get(patient_id), patient_id)
                u.audit.read("patient", patient.id, patient.id)
                found[patient_id] = PatientOut.model_validate(patient)
            return found

    def find(self, where: PatientFilter, page: PageRequest) -> Page[PatientOut]:
        if where.include_deleted:
            self.require(Permission.DELETE_PATIENTS)
        with self.reading(Permission.READ_CONTACTS) as u:
            query = select(Patient)
            if not where.include_deleted:
                query = query.where(Patient.deleted_at.is_(None))
            if where.name:
                # The search is for the text as typed: % and _ match themselves, not anything.
                text = where.name.lower()
                for char in ("\\", "%", "_"):
                    text = text.replace(char, "\\" + char)
                like = f"%{text}%"
                query = query.where(
                    or_(func.lower(Patient.given_name).like(like, escape="\\"),
                        func.lower(Patient.family_name).like(like, escape="\\"))
                )  # fmt: skip
            if where.born_on:
                query = query.where(Patient.date_of_birth == where.born_on)
            rows: list[Patient]
            rows, total = paginate(
                u.session, query, page, Patient.family_name, Patient.given_name, Patient.id
            )
            u.audit.listed("patient", [p.id for p in rows], [p.id for p in rows])
            items = [PatientOut.model_validate(p) for p in rows]
            return Page(items=items, total=total, offset=page.offset, limit=page.limit)

    def change(self, patient_id: int, data: PatientChange) -> PatientOut:
        with self.unit(Permission.REGISTER_PATIENTS) as u:
            patient = live_patient(u.session, patient_id, lock=True)
            changes = data.model_dump(exclude_unset=True)
            for name in ("given_name", "family_name", "consent_photos", "consent_messages"):
                if name in changes and changes[name] is None:
                    raise InvalidInput(name, "cannot be removed")
            for name, value in changes.items():
                setattr(patient, name, value)
            if {"consent_photos", "consent_messages"} & changes.keys():
                patient.consent_updated_at = self.clinic.now()
            u.audit.record(
                "update", "patient", patient.id, patient_id=patient.id,
                detail={"fields": sorted(changes)},
            )  # fmt: skip
            return PatientOut.model_validate(patient)

    def delete(self, patient_id: int, data: DeleteIn) -> PatientOut:
        """Soft delete: the record disappears from the clinic but stays for the audit."""
        with self.unit(Permission.DELETE_PATIENTS) as u:
            patient = live_patient(u.session, patient_id, lock=True)
            now = self.clinic.now()
            patient.deleted_at = now
            patient.deleted_by = self.actor.staff_id
            # Their future bookings would otherwise hold rooms and practitioners.
            freed = list(
                u.session.scalars(
                    select(Appointment).where(
                        Appointment.patient_id == patient.id,
                        Appointment.status == "booked",
                        Appointment.starts_at > now,
                    )
                )
            )
            for appointment in freed:
                appointment.status = "cancelled"
                appointment.status_changed_at = now
                appointment.status_changed_by = self.actor.staff_id
                appointment.status_reason = "patient record deleted"
            u.audit.record(
                "delete", "patient", patient.id, patient_id=patient.id,
                detail={"reason": data.reason, "cancelled_appointments": [a.id for a in freed]},
            )  # fmt: skip
            return PatientOut.model_validate(patient)

    def add_note(self, patient_id: int, data: NoteIn) -> NoteOut:
        with self.unit(Permission.WRITE_CLINICAL) as u:
            live_patient(u.session, patient_id)
            note = ClinicalNote(
                patient_id=patient_id, author_id=self.actor.staff_id, text=data.text
            )
            u.session.add(note)
            u.session.flush()
            u.audit.record("create", "clinical_note", note.id, patient_id=patient_id)
            return NoteOut.model_validate(note)

    def notes(self, patient_id: int, page: PageRequest) -> Page[NoteOut]:
        with self.reading(Permission.READ_CLINICAL) as u:
            live_patient(u.session, patient_id)
            query = select(ClinicalNote).where(ClinicalNote.patient_id == patient_id)
            rows: list[ClinicalNote]
            rows, total = paginate(
                u.session, query, page, ClinicalNote.written_at.desc(), ClinicalNote.id.desc()
            )
            u.audit.listed("clinical_note", [n.id for n in rows], [patient_id])
            items = [NoteOut.model_validate(n) for n in rows]
            return Page(items=items, total=total, offset=page.offset, limit=page.limit)
