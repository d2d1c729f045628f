"""Where the clinic is: its profile, its locations, and whom a patient contacts.

Every place that names the clinic to a patient (messages, calendar events, the patient's page,
aftercare sheets, consents) asks :func:`clinic_contact` — one rule: an appointment's contact is
its location's; a patient's is the location of their next booked visit, else of their latest
visit, else the default location (the first active one). Times of an appointment are read in
its location's zone (:attr:`Place.zone`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Clinic
from microneedling.clinic.errors import NotFound
from microneedling.clinic.hours import OpeningHours
from microneedling.clinic.models import Appointment, ClinicProfile, Location, StaffLocation
from microneedling.clinic.models.base import stamped_by
from microneedling.planning import ClinicContact


@dataclass(frozen=True)
class Place:
    """A location as the diary and messages read it."""

    id: int
    name: str
    address: str
    phone: str | None
    timezone: str
    hours: OpeningHours
    rooms: tuple[str, ...]
    active: bool

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, moment: datetime) -> datetime:
        """A moment as this location's wall-clock time; naive input is taken as local here."""
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self.zone)
        return moment.astimezone(self.zone)


@dataclass(frozen=True)
class Contact:
    """Whom a patient contacts, and where they go: the clinic's name and one location."""

    clinic_name: str
    place: Place

    @property
    def phone(self) -> str | None:
        return self.place.phone

    @property
    def address_line(self) -> str:
        """``Clinic, Location, address``: what a message or calendar event gives as the place."""
        parts = [self.clinic_name]
        if self.place.name != self.clinic_name:
            parts.append(self.place.name)
        if self.place.address.strip():
            parts.append(" ".join(self.place.address.split()))
        return ", ".join(parts)

    def aftercare(self) -> ClinicContact | None:
        """Whom the aftercare sheet says to call (none when the location has no phone)."""
        if not self.phone:
            return None
        return ClinicContact(name=self.clinic_name, phone=self.phone)


def place_of(row: Location) -> Place:
    return Place(
        id=row.id, name=row.name, address=row.address, phone=row.phone, timezone=row.timezone,
        hours=OpeningHours.parse(row.opening_hours), rooms=tuple(row.rooms), active=row.active,
    )  # fmt: skip


def profile_row(session: Session) -> ClinicProfile:
    row = session.scalar(select(ClinicProfile).order_by(ClinicProfile.id).limit(1))
    if row is None:  # the migration makes it; a missing row is a broken database
        raise RuntimeError("the clinic profile row is missing; run `microneedling db migrate`")
    return row


def location_row(session: Session, location_id: int, field: str = "location_id") -> Location:
    row = session.get(Location, location_id)
    if row is None:
        raise NotFound(field, "location", location_id)
    return row


def get_place(session: Session, location_id: int, field: str = "location_id") -> Place:
    return place_of(location_row(session, location_id, field))


def default_place(session: Session) -> Place:
    """The default location: the first active one (the migration's, unless retired)."""
    row = session.scalar(select(Location).order_by(Location.active.desc(), Location.id).limit(1))
    if row is None:
        raise RuntimeError("no location; run `microneedling db migrate`")
    return place_of(row)


def place_or_default(session: Session, location_id: int | None) -> Place:
    """The location asked for, or the default one when none is named."""
    return default_place(session) if location_id is None else get_place(session, location_id)


def places(session: Session, *, active_only: bool = False) -> list[Place]:
    query = select(Location).order_by(Location.id)
    if active_only:
        query = query.where(Location.active)
    return [place_of(row) for row in session.scalars(query)]


def works_at(session: Session, staff_id: int, location_id: int) -> bool:
    return staff_id in working_at(session, [staff_id], location_id)


def working_at(session: Session, staff_ids: Sequence[int], location_id: int) -> set[int]:
    """Those of ``staff_ids`` who work at the location (assigned there, or assigned nowhere),
    in one query whatever their number."""
    assigned: dict[int, set[int]] = {}
    rows = session.execute(
        select(StaffLocation.staff_id, StaffLocation.location_id).where(
            StaffLocation.staff_id.in_(staff_ids)
        )
    )
    for staff_id, where in rows:
        assigned.setdefault(staff_id, set()).add(where)
    return {i for i in staff_ids if i not in assigned or location_id in assigned[i]}


def clinic_contact(
    session: Session,
    *,
    appointment: Appointment | None = None,
    patient_id: int | None = None,
    now: datetime | None = None,
) -> Contact:
    """The clinic's contact for an appointment, or for a patient (see the module docstring)."""
    name = profile_row(session).name
    if appointment is not None:
        return Contact(name, get_place(session, appointment.location_id))
    if patient_id is not None:
        chosen = contact_locations(session, [patient_id], now).get(patient_id)
        if chosen is not None:
            return Contact(name, get_place(session, chosen))
    return Contact(name, default_place(session))


def contact_locations(
    session: Session, patient_ids: Sequence[int], now: datetime | None = None
) -> dict[int, int]:
    """Each patient's contact location id (module docstring), in two queries whatever their
    number; a patient never seen nor booked is absent (their contact is the default place).

    ``now``: when given, a visit booked from then on comes first.
    """
    wanted = sorted(set(patient_ids))
    if not wanted:
        return {}
    out: dict[int, int] = {}
    if now is not None:
        out = _first_visit_location(
            session,
            wanted,
            (Appointment.status == "booked", Appointment.starts_at >= now),
            Appointment.starts_at.asc(),
        )
    rest = [i for i in wanted if i not in out]
    if rest:
        out |= _first_visit_location(session, rest, (), Appointment.starts_at.desc())
    return out


def _first_visit_location(
    session: Session, patient_ids: list[int], where: tuple[Any, ...], order: Any
) -> dict[int, int]:
    """Per patient, the location of the first of their visits (matching ``where``) in ``order``."""
    ranked = (
        select(
            Appointment.patient_id,
            Appointment.location_id,
            func.row_number()
            .over(partition_by=Appointment.patient_id, order_by=(order, Appointment.id.desc()))
            .label("rank"),
        )
        .where(Appointment.patient_id.in_(patient_ids), *where)
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.patient_id, ranked.c.location_id).where(ranked.c.rank == 1)
    )
    return {patient_id: location_id for patient_id, location_id in rows}


def home_location_id(session: Session, staff_id: int) -> int | None:
    """The one active location a staff member is assigned to: the one their pages show first.

    None when they are assigned nowhere (they work everywhere) or to several.
    """
    ids = list(
        session.scalars(
            select(StaffLocation.location_id)
            .join(Location, Location.id == StaffLocation.location_id)
            .where(StaffLocation.staff_id == staff_id, Location.active)
        )
    )
    return ids[0] if len(ids) == 1 else None


#: How long a process keeps the clinic's name and logo checksum for page headers, in seconds:
#: every page shows them, and reading them each time cost every page a transaction of its own.
#: A change made in this process shows at once; one made by another worker process within this
#: time.
NAME_KEPT_SECONDS = 30.0
_headings: WeakKeyDictionary[Clinic, tuple[float, str, str | None]] = WeakKeyDictionary()


def _heading(clinic: Clinic) -> tuple[str, str | None]:
    now = time.monotonic()
    kept = _headings.get(clinic)
    if kept is not None and now - kept[0] < NAME_KEPT_SECONDS:
        return kept[1], kept[2]
    with clinic.db.reading() as session:
        # Only the two short columns: the logo's bytes stay in the database.
        row = session.execute(
            select(ClinicProfile.name, ClinicProfile.logo_sha256)
            .order_by(ClinicProfile.id)
            .limit(1)
        ).first()
    if row is None:  # as in profile_row: the migration makes it
        raise RuntimeError("the clinic profile row is missing; run `microneedling db migrate`")
    name, sha256 = row
    _headings[clinic] = (now, name, sha256)
    return name, sha256


def clinic_name(clinic: Clinic) -> str:
    """The clinic's name from its profile, for page headers (kept for ``NAME_KEPT_SECONDS``)."""
    return _heading(clinic)[0]


def clinic_logo_version(clinic: Clinic) -> str | None:
    """The logo's SHA-256 (for ``?v=`` on its URL, so browsers may keep it), or none when the
    clinic has no logo (kept for ``NAME_KEPT_SECONDS`` with the name)."""
    return _heading(clinic)[1]


def forget_clinic_name(clinic: Clinic) -> None:
    """Read the name and logo afresh on the next page (after this process changed them)."""
    _headings.pop(clinic, None)


def clinic_logo(clinic: Clinic) -> tuple[bytes, str, str] | None:
    """The logo's bytes, media type and SHA-256, or none. Public: it is on every letter."""
    with clinic.db.reading() as session:
        row = profile_row(session)
        if row.logo is None or row.logo_type is None or row.logo_sha256 is None:
            return None
        return row.logo, row.logo_type, row.logo_sha256


def seed_from_settings(clinic: Clinic) -> bool:
    """Copy the settings into the profile and default location once, on the first start.

    Returns whether it did. Later starts leave the database's values alone: from then on an
    admin edits them (profile page, API), not the environment.
    """
    settings = clinic.settings
    with stamped_by(clinic.now), clinic.db.transaction() as session:
        profile = profile_row(session)
        if profile.seeded_at is not None:
            return False
        profile.name = settings.clinic_name
        profile.seeded_at = clinic.now()
        location = session.scalar(select(Location).order_by(Location.id).limit(1))
        if location is not None:
            location.address = settings.clinic_address
            location.phone = settings.clinic_phone
            location.timezone = settings.timezone
            location.opening_hours = settings.opening_hours
            location.rooms = list(settings.rooms)
        return True
