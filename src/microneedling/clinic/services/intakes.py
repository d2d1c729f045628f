"""Intakes and screening: each intake is a new version (never overwritten), screened at once.

The screening result is the core's (:func:`microneedling.screening.screen`), stored whole with
the rule-set version that produced it, so a decision can always be explained later even after
the rules change. Only practitioners and admins see intakes and screening results.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Clinic, Service, Unit
from microneedling.clinic.errors import NotFound
from microneedling.clinic.models import IntakeRecord, Patient, ScreeningRecord
from microneedling.clinic.paging import Page, PageRequest, RecordRef, every_item, paginate
from microneedling.clinic.roles import Permission
from microneedling.clinic.services.patients import live_patient
from microneedling.errors import InvalidInput, RequestRefused
from microneedling.screening import Decision, Intake, ScreeningResult, screen

Occasion = Literal["intake", "rescreen", "pre_treatment_check"]


class ScreeningOut(BaseModel):
    id: int
    intake_id: int
    intake_version: int
    occasion: Occasion
    created_at: datetime
    result: ScreeningResult


class IntakeOut(BaseModel):
    id: int
    patient_id: int
    version: int
    recorded_at: datetime
    recorded_by: int
    supersedes_id: int | None
    current: bool
    answers: Intake


class IntakeScreened(BaseModel):
    """An intake version and the screening it received when it was recorded."""

    intake: IntakeOut
    screening: ScreeningOut


class IntakeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: Intake


class IntakeFilter(BaseModel):
    """Which of a patient's intake versions to list (both ends included)."""

    model_config = ConfigDict(extra="forbid")

    version_from: RecordRef | None = None
    version_to: RecordRef | None = None


class ScreeningFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    occasion: Occasion | None = None
    decision: Decision | None = None


def with_patient_facts(intake: Intake, patient: Patient, today: date) -> Intake:
    """The intake screened with the patient record's date of birth and sex.

    The record is the registered identity: an intake may repeat its date of birth (or an age
    that agrees with it on ``today``) and its sex, but not contradict them, so a typed age or
    sex can never switch off the age or pregnancy rules.
    """
    if intake.date_of_birth is not None and intake.date_of_birth != patient.date_of_birth:
        raise InvalidInput(
            "date_of_birth",
            f"{intake.date_of_birth.isoformat()} is not the patient's registered date of birth "
            f"({patient.date_of_birth.isoformat()}); correct the patient record first",
        )
    registered_age = _age_on(patient.date_of_birth, today)
    if intake.age_years is not None and intake.age_years != registered_age:
        raise InvalidInput(
            "age_years",
            f"{intake.age_years} years is not the patient's age from the registered date of "
            f"birth ({registered_age} years on {today.isoformat()})",
        )
    if intake.sex is not None and patient.sex is not None and intake.sex != patient.sex:
        raise InvalidInput(
            "sex",
            f"'{intake.sex}' contradicts the patient record ('{patient.sex}'); correct the "
            "patient record first",
        )
    answers = intake.model_dump()
    answers.update(date_of_birth=patient.date_of_birth, age_years=None)
    if intake.sex is None and patient.sex is not None:
        answers["sex"] = patient.sex
    # Validated again: a sex taken from the record must meet the intake's own rules
    # (a male patient cannot be recorded as pregnant or breastfeeding).
    try:
        return Intake.model_validate(answers)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidInput(".".join(str(p) for p in first["loc"]), first["msg"]) from None


def _age_on(born: date, day: date) -> int:
    """Age in whole years on ``day`` [years]."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def treatable_screening(
    session: Session, patient_id: int, field: str, clinic: Clinic
) -> ScreeningRecord:
    """The patient's current screening; refused (naming ``field``) unless it allows treatment
    and its intake is within the clinic's validity limit (:func:`intake_in_date`).

    Every step towards a treatment (plan edit, consent, session start, each treated area) asks
    this, so an intake recorded after the plan that makes the patient ineligible stops the
    course at once.
    """
    intake = latest_intake(session, patient_id)
    record = None if intake is None else latest_screening(session, intake.id)
    if intake is None or record is None:
        raise RequestRefused(field, "the patient has no screened intake")
    result = ScreeningResult.model_validate(record.result)
    if not result.may_treat:
        reasons = [f.reason for f in result.findings if f.kind != "precaution"]
        reasons += [f"unanswered: {m.question}" for m in result.missing]
        until = f" until {result.deferred_until.isoformat()}" if result.deferred_until else ""
        raise RequestRefused(
            field,
            f"the patient's current screening ({result.screened_on.isoformat()}) is "
            f"'{result.decision}'{until}"
            + (f" ({'; '.join(reasons)})" if reasons else "")
            + "; no treatment until a new intake or a rescreen allows it",
        )
    intake_in_date(intake, field, clinic)
    return record


def intake_overdue(recorded_at: datetime, clinic: Clinic) -> str | None:
    """Why an intake recorded at ``recorded_at`` is past the clinic's ``intake_valid_days``, or
    None while it is not (or no limit is set): a medical history that old is asked again before
    anything moves towards treatment. No publication sets the period; it is each clinic's
    policy."""
    limit = clinic.settings.intake_valid_days
    if limit is None:
        return None
    recorded = clinic.local(recorded_at).date()
    age = (clinic.today() - recorded).days
    if age <= limit:
        return None
    return (
        f"the patient's intake of {recorded.isoformat()} is {age} days old; this clinic asks "
        f"for a new intake after {limit} days"
    )


def intake_in_date(intake: IntakeRecord, field: str, clinic: Clinic) -> None:
    """Refuse (naming ``field``) an intake past the clinic's limit (:func:`intake_overdue`)."""
    overdue = intake_overdue(intake.recorded_at, clinic)
    if overdue is not None:
        raise RequestRefused(field, overdue)


def latest_intake(session: Session, patient_id: int) -> IntakeRecord | None:
    return session.scalar(
        select(IntakeRecord)
        .where(IntakeRecord.patient_id == patient_id)
        .order_by(IntakeRecord.version.desc())
        .limit(1)
    )


def latest_screening(session: Session, intake_id: int) -> ScreeningRecord | None:
    return session.scalar(
        select(ScreeningRecord)
        .where(ScreeningRecord.intake_id == intake_id)
        .order_by(ScreeningRecord.id.desc())
        .limit(1)
    )


def store_intake(
    session: Session, patient: Patient, answers: Intake, staff_id: int
) -> IntakeRecord:
    previous = latest_intake(session, patient.id)
    record = IntakeRecord(
        patient_id=patient.id,
        version=(previous.version + 1) if previous else 1,
        answers=answers.model_dump(mode="json"),
        recorded_by=staff_id,
        supersedes_id=previous.id if previous else None,
    )
    session.add(record)
    session.flush()
    return record


def store_screening(
    session: Session,
    record: IntakeRecord,
    result: ScreeningResult,
    occasion: Occasion,
    staff_id: int,
) -> ScreeningRecord:
    screening = ScreeningRecord(
        patient_id=record.patient_id,
        intake_id=record.id,
        occasion=occasion,
        decision=result.decision,
        screened_on=result.screened_on,
        ruleset_version=result.ruleset_version,
        result=result.model_dump(mode="json"),
        created_by=staff_id,
    )
    session.add(screening)
    session.flush()
    return screening


def screening_out(record: ScreeningRecord, intake_version: int) -> ScreeningOut:
    return ScreeningOut(
        id=record.id,
        intake_id=record.intake_id,
        intake_version=intake_version,
        occasion=record.occasion,
        created_at=record.created_at,
        result=ScreeningResult.model_validate(record.result),
    )


def intake_out(record: IntakeRecord, current: bool) -> IntakeOut:
    return IntakeOut(
        id=record.id,
        patient_id=record.patient_id,
        version=record.version,
        recorded_at=record.recorded_at,
        recorded_by=record.recorded_by,
        supersedes_id=record.supersedes_id,
        current=current,
        answers=Intake.model_validate(record.answers),
    )


def record_screened(
    u: Unit, clinic: Clinic, patient_id: int, given: Intake, staff_id: int
) -> IntakeScreened:
    """Store a new intake version and its screening inside the unit ``u`` (the one way an
    intake enters the record: typed by staff, or a patient's draft a practitioner accepted)."""
    patient = live_patient(u.session, patient_id, lock=True)
    answers = with_patient_facts(given, patient, clinic.today())
    result = screen(answers, clinic.kb, clinic.today(), clinic.policy)
    record = store_intake(u.session, patient, answers, staff_id)
    screening = store_screening(u.session, record, result, "intake", staff_id)
    u.audit.record(
        "create", "intake", record.id, patient_id=patient_id,
        detail={"version": record.version, "decision": result.decision,
                "ruleset_version": result.ruleset_version,
                "relaxations": [r.rule_id for r in result.policy.relaxations],
                "other_allergies": [a.model_dump() for a in answers.other_allergies or []]},
    )  # fmt: skip
    return IntakeScreened(
        intake=intake_out(record, True), screening=screening_out(screening, record.version)
    )


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
            answers = Intake.model_validate(record.answers)
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
