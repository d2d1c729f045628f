"""Storing intake versions and their screenings, and whether the current one allows treatment.

The one way an intake enters the record (:func:`record_screened`), the record's own facts
screened in place of typed ones (:func:`with_patient_facts`), and the gate every step towards a
treatment asks (:func:`treatable_screening`). Used by the intake, allergy, intake draft, plan
and session services.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ValidationError
from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Clinic, Unit
from microneedling.clinic.models import IntakeRecord, Patient, ScreeningRecord
from microneedling.clinic.schemas.intakes import IntakeOut, IntakeScreened, Occasion, ScreeningOut
from microneedling.clinic.services.lookups import latest_intake, latest_screening, live_patient
from microneedling.errors import InvalidInput, RequestRefused
from microneedling.screening import Intake, ScreeningResult, screen


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
    result = record.result
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


def store_intake(
    session: Session, patient: Patient, answers: Intake, staff_id: int
) -> IntakeRecord:
    previous = latest_intake(session, patient.id)
    record = IntakeRecord(
        patient_id=patient.id,
        version=(previous.version + 1) if previous else 1,
        answers=answers,
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
        result=result,
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
        result=record.result,
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
        answers=record.answers,
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
