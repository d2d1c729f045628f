"""Read helpers that more than one service uses: the records a request names, or refused.

Services import these from here and not from each other (as the FastAPI full-stack template
gathers its ``crud.py``); ``tests/unit/clinic/test_service_imports.py`` holds them to it. Each
helper reads inside the caller's unit of work and never commits.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from microneedling.clinic.errors import NotFound
from microneedling.clinic.locations import places
from microneedling.clinic.models import (
    Appointment,
    CartridgeLot,
    ClinicDevice,
    IntakeRecord,
    Patient,
    PlanRecord,
    PlanVersion,
    ScreeningRecord,
    TreatmentSession,
)
from microneedling.planning import TreatmentPlan


def live_patient(session: Session, patient_id: int, *, lock: bool = False) -> Patient:
    """The patient, unless unknown or deleted (both read as 'no such patient')."""
    return alive_patient(session.get(Patient, patient_id, with_for_update=lock), patient_id)


def alive_patient(patient: Patient | None, patient_id: int) -> Patient:
    """``patient`` as loaded for ``patient_id``, refused as unknown when missing or deleted."""
    if patient is None or patient.deleted_at is not None:
        raise NotFound("patient_id", "patient", patient_id)
    return patient


def get_plan(session: Session, plan_id: int, field: str = "plan_id") -> PlanRecord:
    plan = session.get(PlanRecord, plan_id)
    if plan is None:
        raise NotFound(field, "plan", plan_id)
    live_patient(session, plan.patient_id)
    return plan


def current_version(session: Session, plan: PlanRecord) -> PlanVersion:
    version = session.scalar(
        select(PlanVersion).where(
            PlanVersion.plan_id == plan.id, PlanVersion.version == plan.current_version
        )
    )
    assert version is not None  # written in the same transaction as the plan's version number
    return version


def current_treatment_plan(session: Session, plan: PlanRecord) -> TreatmentPlan:
    return current_version(session, plan).plan


def get_appointment(session: Session, appointment_id: int) -> Appointment:
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        raise NotFound("appointment_id", "appointment", appointment_id)
    live_patient(session, appointment.patient_id)
    return appointment


def zones(session: Session) -> dict[int, ZoneInfo]:
    """Each location's zone, by location id."""
    return {place.id: place.zone for place in places(session)}


def get_treatment(session: Session, session_id: int) -> TreatmentSession:
    treatment = session.get(TreatmentSession, session_id)
    if treatment is None:
        raise NotFound("session_id", "treatment session", session_id)
    live_patient(session, treatment.patient_id)
    return treatment


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


def get_lot(session: Session, lot_id: int, field: str = "lot_id") -> CartridgeLot:
    lot = session.get(CartridgeLot, lot_id)
    if lot is None:
        raise NotFound(field, "cartridge lot", lot_id)
    return lot


def get_device(session: Session, device_id: int, field: str = "device_id") -> ClinicDevice:
    device = session.get(ClinicDevice, device_id)
    if device is None:
        raise NotFound(field, "device", device_id)
    return device
