"""The clinic's tables as typed SQLAlchemy models (one module per bounded context)."""

from microneedling.clinic.models.appointments import Appointment
from microneedling.clinic.models.audit import AuditEvent
from microneedling.clinic.models.base import Base, Document, UtcDateTime, utcnow
from microneedling.clinic.models.consent_documents import ConsentDocument
from microneedling.clinic.models.devices import CartridgeLot, ClinicDevice
from microneedling.clinic.models.intakes import IntakeRecord, ScreeningRecord
from microneedling.clinic.models.messages import CalendarFeed, OutboxMessage, WaitlistEntry
from microneedling.clinic.models.mfa import MfaRecoveryCode, StaffMfa
from microneedling.clinic.models.outcomes import Outcome, Photo
from microneedling.clinic.models.oversight import ChartReview, GoodFaithExam, PlanApproval
from microneedling.clinic.models.patient_links import IntakeDraft, PatientLink, PatientLinkRequest
from microneedling.clinic.models.patients import ClinicalNote, Patient
from microneedling.clinic.models.plans import PlanConsent, PlanRecord, PlanVersion
from microneedling.clinic.models.sessions import AdverseEvent, TreatedArea, TreatmentSession
from microneedling.clinic.models.staff import AuthToken, LoginAttempt, StaffMember
from microneedling.clinic.models.staff_hours import Absence, WorkingHours

__all__ = [
    "Absence",
    "AdverseEvent",
    "Appointment",
    "AuditEvent",
    "AuthToken",
    "Base",
    "CalendarFeed",
    "CartridgeLot",
    "ChartReview",
    "ClinicDevice",
    "ClinicalNote",
    "ConsentDocument",
    "Document",
    "GoodFaithExam",
    "IntakeDraft",
    "IntakeRecord",
    "LoginAttempt",
    "MfaRecoveryCode",
    "OutboxMessage",
    "Outcome",
    "Patient",
    "PatientLink",
    "PatientLinkRequest",
    "Photo",
    "PlanApproval",
    "PlanConsent",
    "PlanRecord",
    "PlanVersion",
    "ScreeningRecord",
    "StaffMember",
    "StaffMfa",
    "TreatedArea",
    "TreatmentSession",
    "UtcDateTime",
    "WaitlistEntry",
    "WorkingHours",
    "utcnow",
]
