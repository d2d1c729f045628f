"""Clinic records: SQLAlchemy models, migrations and the services that own the rules.

Each service is built for one :class:`Actor` and does one unit of work per call (one
transaction, audited). See docs/clinic.md.
"""

from microneedling.clinic.actor import Actor
from microneedling.clinic.clinic import Clinic, Service, Unit
from microneedling.clinic.db import Database
from microneedling.clinic.errors import (
    CodeRequired,
    MfaEnrolmentDue,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TooLarge,
    TooManyAttempts,
    UnsupportedMedia,
)
from microneedling.clinic.hours import OpeningHours
from microneedling.clinic.paging import Page, PageRequest
from microneedling.clinic.roles import Permission, Role
from microneedling.clinic.settings import ClinicSettings

__all__ = [
    "Actor",
    "Clinic",
    "ClinicSettings",
    "CodeRequired",
    "Database",
    "MfaEnrolmentDue",
    "NotAuthenticated",
    "NotFound",
    "OpeningHours",
    "Page",
    "PageRequest",
    "Permission",
    "PermissionDenied",
    "Role",
    "Service",
    "TooLarge",
    "TooManyAttempts",
    "Unit",
    "UnsupportedMedia",
]
