"""Intakes and screening: each intake is a new version (never overwritten), screened at once.

The screening result is the core's (:func:`microneedling.screening.screen`), stored whole with
the rule-set version that produced it, so a decision can always be explained later even after
the rules change. Only practitioners and admins see intakes and screening results.
"""

from __future__ import annotations

from sqlalchemy import Select, func, select

from microneedling.clinic.clinic import Service
from microneedling.clinic.errors import NotFound
from microneedling.clinic.models import IntakeRecord, ScreeningRecord
from microneedling.clinic.paging import Page, PageRequest, every_item, paginate
from microneedling.clinic.roles import Permission
from microneedling.clinic.schemas.intakes import (
    IntakeFilter,
    IntakeIn,
    IntakeOut,
    IntakeScreened,
    ScreeningFilter,
    ScreeningOut,
)
from microneedling.clinic.services.intake_records import (
    intake_out,
    record_screened,
    screening_out,
    store_screening,
    with_patient_facts,
)
from microneedling.clinic.services.lookups import latest_intake, latest_screening, live_patient
from microneedling.errors import InvalidInput
from microneedling.screening import Intake, ScreeningResult, screen


class IntakeService(Service):
    def record(self, patient_id: int, data: IntakeIn) -> IntakeScreened:
        """Store a new intake version and screen it with the core, in one transaction."""
        with self.unit(Permission.WRITE_CLINICAL) as u:
            return record_screened(u, self.clinic, patient_id, data.answers, self.actor.staff_id)

    def preview(self, patient_id: int, answers: Intake) -> ScreeningResult:
        """Screen answers as :meth:`record` would, with the record's facts, storing nothing.

        For the intake form's live preview: the decision shown while answering is the one
        saving would give (a typed age or sex cannot make it look more permissive).
        """
        with self.unit(Permission.WRITE_CLINICAL) as u:
            patient = live_patient(u.session, patient_id)
            checked = with_patient_facts(answers, patient, self.clinic.today())
            result = screen(checked, self.clinic.kb, self.clinic.today(), self.clinic.policy)
            u.audit.record(
                "read", "patient", patient_id, patient_id=patient_id,
                detail={"purpose": "screening preview", "decision": result.decision},
            )  # fmt: skip
            return result

    def rescreen(self, patient_id: int) -> IntakeScreened:
        """Screen the current intake again today (a deferral may have ended; rules may differ)."""
        with self.unit(Permission.WRITE_CLINICAL) as u:
            live_patient(u.session, patient_id)
            record = latest_intake(u.session, patient_id)
            if record is None:
                raise NotFound("patient_id", "intake for patient", patient_id)
            answers = record.answers
            result = screen(answers, self.clinic.kb, self.clinic.today(), self.clinic.policy)
            screening = store_screening(u.session, record, result, "rescreen", self.actor.staff_id)
            u.audit.record(
                "create", "screening", screening.id, patient_id=patient_id,
                detail={"decision": result.decision},
            )  # fmt: skip
            return IntakeScreened(
                intake=intake_out(record, True), screening=screening_out(screening, record.version)
            )

    def current(self, patient_id: int) -> IntakeScreened:
        with self.reading(Permission.READ_CLINICAL) as u:
            live_patient(u.session, patient_id)
            record = latest_intake(u.session, patient_id)
            if record is None:
                raise NotFound("patient_id", "intake for patient", patient_id)
            screening = latest_screening(u.session, record.id)
            assert screening is not None  # stored with the intake, in the same transaction
            u.audit.read("intake", record.id, patient_id)
            return IntakeScreened(
                intake=intake_out(record, True), screening=screening_out(screening, record.version)
            )

    def history(self, patient_id: int) -> list[IntakeOut]:
        """Every version, newest first."""
        with self.reading(Permission.READ_CLINICAL) as u:
            live_patient(u.session, patient_id)
            rows = list(
                u.session.scalars(
                    select(IntakeRecord)
                    .where(IntakeRecord.patient_id == patient_id)
                    .order_by(IntakeRecord.version.desc())
                )
            )
            u.audit.listed("intake", [r.id for r in rows], [patient_id])
            return [intake_out(r, i == 0) for i, r in enumerate(rows)]

    def versions(self, patient_id: int, where: IntakeFilter, page: PageRequest) -> Page[IntakeOut]:
        """One page of the patient's intake versions, newest first."""
        with self.reading(Permission.READ_CLINICAL) as u:
            if where.version_from and where.version_to and where.version_to < where.version_from:
                raise InvalidInput(
                    "version_to", f"{where.version_to} is before version_from {where.version_from}"
                )
            live_patient(u.session, patient_id)
            query = select(IntakeRecord).where(IntakeRecord.patient_id == patient_id)
            if where.version_from is not None:
                query = query.where(IntakeRecord.version >= where.version_from)
            if where.version_to is not None:
                query = query.where(IntakeRecord.version <= where.version_to)
            rows: list[IntakeRecord]
            rows, total = paginate(u.session, query, page, IntakeRecord.version.desc())
            newest = u.session.scalar(
                select(func.max(IntakeRecord.version)).where(IntakeRecord.patient_id == patient_id)
            )
            u.audit.listed("intake", [r.id for r in rows], [patient_id])
            items = [intake_out(r, r.version == newest) for r in rows]
            return Page(items=items, total=total, offset=page.offset, limit=page.limit)

    def screenings(self, patient_id: int) -> list[ScreeningOut]:
        """Every screening of the patient, newest first."""
        return every_item(lambda page: self.screening_page(patient_id, ScreeningFilter(), page))

    def screening_page(
        self, patient_id: int, where: ScreeningFilter, page: PageRequest
    ) -> Page[ScreeningOut]:
        """One page of the patient's screenings, newest first."""
        with self.reading(Permission.READ_CLINICAL) as u:
            live_patient(u.session, patient_id)
            query = _screenings_of(patient_id)
            if where.occasion is not None:
                query = query.where(ScreeningRecord.occasion == where.occasion)
            if where.decision is not None:
                query = query.where(ScreeningRecord.decision == where.decision)
            total = u.session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = u.session.execute(
                query.order_by(ScreeningRecord.id.desc()).offset(page.offset).limit(page.limit)
            ).all()
            u.audit.listed("screening", [s.id for s, _ in rows], [patient_id])
            items = [screening_out(s, v) for s, v in rows]
            return Page(items=items, total=total, offset=page.offset, limit=page.limit)


def _screenings_of(patient_id: int) -> Select[ScreeningRecord, int]:
    """The patient's screenings, each with the version of the intake it screened."""
    return (
        select(ScreeningRecord, IntakeRecord.version)
        .join(IntakeRecord, IntakeRecord.id == ScreeningRecord.intake_id)
        .where(ScreeningRecord.patient_id == patient_id)
    )
