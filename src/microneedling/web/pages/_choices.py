"""The practitioner picker the booking pages share: who may be booked, as select options."""

from __future__ import annotations

from microneedling.clinic.services.staff import StaffOut, StaffService
from microneedling.web.pages._session import Signed


def practitioners(page: Signed) -> list[StaffOut]:
    """The active practitioners, as the staff service lists them."""
    return page.service(StaffService).practitioners()


def practitioner_choices(page: Signed) -> list[tuple[str, str]]:
    """Active practitioners as (id, name) options for a select."""
    return [(str(p.id), p.full_name) for p in practitioners(page)]
