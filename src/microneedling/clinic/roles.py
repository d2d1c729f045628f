"""Roles and what each may do: the one permission table every service checks.

Front desk staff book and manage patients' contact details, but never see clinical
content (intakes, screening, plans' clinical detail, notes, sessions, outcomes, photos).
Only admins manage staff accounts and devices, and read the audit trail. Practitioners'
working hours and absences are kept by admins and the front desk; everyone who reads the
diary reads them.

The outbox of messages to patients (what went, what failed, retry, cancel) is the front desk's
and the admins'; staff calendar feeds (secret links) are made and revoked by admins only.
Only admins keep the clinic's profile (name, logo) and its locations (address, phone, time zone,
opening hours, rooms, who works where); everyone who reads the diary reads the locations.
Only admins manage staff accounts and devices, read the audit trail, and import records
(FHIR, CSV). Admins, practitioners and medical directors export a patient's whole record
(FHIR ``$everything``, CSV); front desk staff do not.

A medical director is the clinic's prescriber: everything a practitioner may do, and the
oversight US practices need for treatments nurses and aestheticians deliver: good-faith
examinations, approving (or rejecting) practitioners' plans, and reviewing completed charts.
Nobody else records any of these; front desk staff see none of it.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    PRACTITIONER = "practitioner"
    FRONT_DESK = "front_desk"
    MEDICAL_DIRECTOR = "medical_director"


class Permission(StrEnum):
    MANAGE_STAFF = "manage_staff"
    READ_AUDIT = "read_audit"
    MANAGE_DEVICES = "manage_devices"
    READ_DEVICES = "read_devices"
    REGISTER_PATIENTS = "register_patients"
    READ_CONTACTS = "read_contacts"
    DELETE_PATIENTS = "delete_patients"
    READ_CLINICAL = "read_clinical"
    WRITE_CLINICAL = "write_clinical"
    READ_PHOTOS = "read_photos"
    WRITE_PHOTOS = "write_photos"
    BOOK_APPOINTMENTS = "book_appointments"
    READ_APPOINTMENTS = "read_appointments"
    TREAT = "treat"
    RECALL_LOTS = "recall_lots"
    RECORD_GFE = "record_gfe"
    APPROVE_PLANS = "approve_plans"
    REVIEW_CHARTS = "review_charts"
    MANAGE_MESSAGES = "manage_messages"
    MANAGE_FEEDS = "manage_feeds"
    ISSUE_PATIENT_LINKS = "issue_patient_links"
    MANAGE_STAFF_HOURS = "manage_staff_hours"
    EXPORT_RECORDS = "export_records"
    IMPORT_RECORDS = "import_records"
    MANAGE_LOCATIONS = "manage_locations"


_ALL = frozenset(Permission)
#: What only a prescriber does: good-faith examinations, plan approvals, chart reviews.
_OVERSIGHT = frozenset({Permission.RECORD_GFE, Permission.APPROVE_PLANS, Permission.REVIEW_CHARTS})
_CLINICAL = frozenset(
    {
        Permission.READ_CLINICAL,
        Permission.WRITE_CLINICAL,
        Permission.READ_PHOTOS,
        Permission.WRITE_PHOTOS,
        Permission.TREAT,
    }
)
_DESK = frozenset(
    {
        Permission.REGISTER_PATIENTS,
        Permission.READ_CONTACTS,
        Permission.BOOK_APPOINTMENTS,
        Permission.READ_APPOINTMENTS,
        Permission.READ_DEVICES,
        Permission.ISSUE_PATIENT_LINKS,
    }
)

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: _ALL - _OVERSIGHT,
    Role.PRACTITIONER: _CLINICAL | _DESK | {Permission.EXPORT_RECORDS},
    Role.FRONT_DESK: _DESK | {Permission.MANAGE_MESSAGES, Permission.MANAGE_STAFF_HOURS},
    Role.MEDICAL_DIRECTOR: _CLINICAL | _DESK | _OVERSIGHT | {Permission.EXPORT_RECORDS},
}

#: Roles whose plans need no medical director's approval, and who may examine patients.
PRESCRIBERS = frozenset({Role.MEDICAL_DIRECTOR})
#: Roles the diary books treatments with.
TREATING = frozenset({Role.PRACTITIONER, Role.MEDICAL_DIRECTOR})


def allows(role: Role, permission: Permission) -> bool:
    return permission in PERMISSIONS[role]
