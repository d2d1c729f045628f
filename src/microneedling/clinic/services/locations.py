"""The clinic's profile (name, logo) and its locations (address, phone, zone, hours, rooms).

Admins keep them (:data:`~microneedling.clinic.roles.Permission.MANAGE_LOCATIONS`); everyone
who reads the diary reads them. Every change is audited. A location's zone or rooms cannot
change under booked appointments still to come (their wall-clock time or room would silently
change): move or cancel those first. Retired locations take no bookings; the last active one
cannot be retired.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Service
from microneedling.clinic.errors import NotFound, TooLarge
from microneedling.clinic.hours import HOURS_PATTERN, OpeningHours
from microneedling.clinic.locations import (
    forget_clinic_name,
    home_location_id,
    location_row,
    profile_row,
)
from microneedling.clinic.models import Appointment, Location, StaffLocation, StaffMember
from microneedling.clinic.paging import RecordRef
from microneedling.clinic.photos import clean_image
from microneedling.clinic.roles import Permission
from microneedling.clinic.text import Code, Phone, Published, ShortText
from microneedling.errors import InvalidInput, RequestRefused

#: The largest logo accepted [bytes] and its longest side [px]: a letterhead needs no more.
LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_SIDE_PX = 2048


#: The IANA zones a location may keep its clock in: the server's check and the published enum.
ZONES = sorted(available_timezones())


def _zone(value: str) -> str:
    if value not in ZONES:
        raise ValueError(f"unknown time zone '{value}' (an IANA name: Europe/Berlin)")
    return value


def _hours(value: str) -> str:
    try:
        OpeningHours.parse(value)
    except InvalidInput as error:
        raise ValueError(error.problem) from None
    return value


def _distinct(rooms: list[str]) -> list[str]:
    if len(set(rooms)) != len(rooms):
        raise ValueError("a room is named twice")
    return rooms


Zone = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=64), AfterValidator(_zone),
    WithJsonSchema({"type": "string", "enum": ZONES}),
]  # fmt: skip
# The shape is published as a pattern (HOURS_PATTERN); that each day closes after it opens is
# the server's alone.
Hours = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(_hours),
    Published(HOURS_PATTERN),
]  # fmt: skip
Rooms = Annotated[
    list[Code], Field(min_length=1, max_length=50, json_schema_extra={"uniqueItems": True}),
    AfterValidator(_distinct),
]  # fmt: skip
Address = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
PlaceName = Annotated[ShortText, StringConstraints(max_length=120)]


class ProfileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: PlaceName = Field(description="the clinic's name as patients read it")


class ProfileOut(BaseModel):
    name: str
    logo_sha256: str | None = Field(description="none: no logo; else the logo's checksum")
    logo_type: str | None


class LocationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: PlaceName
    address: Address = ""
    phone: Phone | None = Field(default=None, description="the number patients call")
    timezone: Zone = Field(description="IANA zone of the location's clock")
    opening_hours: Hours = Field(description="'mon-fri 09:00-18:00; sat 09:00-13:00', local")
    rooms: Rooms


class LocationChange(BaseModel):
    """Only the fields given change."""

    model_config = ConfigDict(extra="forbid")

    name: PlaceName | None = None
    address: Address | None = None
    phone: Phone | None = None
    timezone: Zone | None = None
    opening_hours: Hours | None = None
    rooms: Rooms | None = None
    active: bool | None = Field(default=None, description="false: retired, takes no bookings")


class LocationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    address: str
    phone: str | None
    timezone: str
    opening_hours: str
    rooms: list[str]
    active: bool


class StaffLocationsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    location_ids: list[RecordRef] = Field(
        max_length=100, description="where the staff member works; empty: every location"
    )


class StaffLocationsOut(BaseModel):
    staff_id: int
    location_ids: list[int]


def _ahead(session: Session, location_id: int, now: datetime) -> list[Appointment]:
    return list(
        session.scalars(
            select(Appointment).where(
                Appointment.location_id == location_id,
                Appointment.status == "booked",
                Appointment.ends_at > now,
            )
        )
    )


class LocationService(Service):
    def profile(self) -> ProfileOut:
        with self.reading() as u:
            row = profile_row(u.session)
            return ProfileOut(name=row.name, logo_sha256=row.logo_sha256, logo_type=row.logo_type)

    def update_profile(self, data: ProfileIn) -> ProfileOut:
        with self.unit(Permission.MANAGE_LOCATIONS) as u:
            row = profile_row(u.session)
            before = row.name
            row.name, row.updated_at = data.name, self.clinic.now()
            u.audit.record("update", "clinic_profile", row.id, detail={"name": [before, row.name]})
            out = ProfileOut(name=row.name, logo_sha256=row.logo_sha256, logo_type=row.logo_type)
        forget_clinic_name(self.clinic)
        return out

    def set_logo(self, data: bytes) -> ProfileOut:
        """Store a PNG or JPEG logo, decoded and re-encoded without metadata."""
        self.require(Permission.MANAGE_LOCATIONS)
        image = clean_image(data, LOGO_MAX_BYTES, "logo")
        if max(image.width_px, image.height_px) > LOGO_MAX_SIDE_PX:
            raise TooLarge(
                "logo",
                f"is {image.width_px}×{image.height_px} pixels; the longest side may be "
                f"{LOGO_MAX_SIDE_PX}",
            )
        with self.unit(Permission.MANAGE_LOCATIONS) as u:
            row = profile_row(u.session)
            row.logo, row.logo_type, row.logo_sha256 = image.data, image.media_type, image.sha256
            row.updated_at = self.clinic.now()
            u.audit.record("update", "clinic_logo", row.id, detail={"sha256": image.sha256})
            out = ProfileOut(name=row.name, logo_sha256=row.logo_sha256, logo_type=row.logo_type)
        forget_clinic_name(self.clinic)
        return out

    def remove_logo(self) -> ProfileOut:
        with self.unit(Permission.MANAGE_LOCATIONS) as u:
            row = profile_row(u.session)
            row.logo = row.logo_type = row.logo_sha256 = None
            row.updated_at = self.clinic.now()
            u.audit.record("delete", "clinic_logo", row.id)
            out = ProfileOut(name=row.name, logo_sha256=None, logo_type=None)
        forget_clinic_name(self.clinic)
        return out

    def locations(self) -> list[LocationOut]:
        with self.reading(Permission.READ_APPOINTMENTS) as u:
            rows = u.session.scalars(select(Location).order_by(Location.id))
            return [LocationOut.model_validate(row) for row in rows]

    def get(self, location_id: int) -> LocationOut:
        with self.reading(Permission.READ_APPOINTMENTS) as u:
            return LocationOut.model_validate(location_row(u.session, location_id))

    def create(self, data: LocationIn) -> LocationOut:
        with self.unit(Permission.MANAGE_LOCATIONS) as u:
            self._refuse_taken_name(u.session, data.name)
            row = Location(**data.model_dump(), active=True)
            u.session.add(row)
            u.session.flush()
            u.audit.record("create", "location", row.id, detail={"name": row.name})
            return LocationOut.model_validate(row)

    def update(self, location_id: int, data: LocationChange) -> LocationOut:
        with self.unit(Permission.MANAGE_LOCATIONS) as u:
            row = location_row(u.session, location_id)
            changes = data.model_dump(exclude_unset=True)
            if changes.get("name") not in (None, row.name):
                self._refuse_taken_name(u.session, changes["name"])
            ahead = _ahead(u.session, row.id, self.clinic.now())
            if ahead and changes.get("timezone") not in (None, row.timezone):
                raise RequestRefused(
                    "timezone",
                    f"{len(ahead)} booked appointment(s) still to come at {row.name} would "
                    "move on the clock; move or cancel them first",
                )
            if ahead and changes.get("rooms") is not None:
                gone = sorted({a.room for a in ahead} - set(changes["rooms"]))
                if gone:
                    raise RequestRefused(
                        "rooms", f"booked appointments still to come use {', '.join(gone)}"
                    )
            if changes.get("active") is False and row.active:
                if ahead:
                    raise RequestRefused(
                        "active", f"{len(ahead)} booked appointment(s) still to come at {row.name}"
                    )
                others = u.session.scalar(
                    select(func.count())
                    .select_from(Location)
                    .where(Location.active, Location.id != row.id)
                )
                if not others:
                    raise RequestRefused("active", "the clinic's last active location")
            for key, value in changes.items():
                if value is None and key != "phone":
                    raise InvalidInput(key, "may not be empty")
                setattr(row, key, value)
            u.audit.record("update", "location", row.id, detail={"fields": sorted(changes)})
            return LocationOut.model_validate(row)

    def staff_locations(self, staff_id: int) -> StaffLocationsOut:
        with self.reading(Permission.READ_APPOINTMENTS) as u:
            if u.session.get(StaffMember, staff_id) is None:
                raise NotFound("staff_id", "staff member", staff_id)
            ids = u.session.scalars(
                select(StaffLocation.location_id)
                .where(StaffLocation.staff_id == staff_id)
                .order_by(StaffLocation.location_id)
            )
            return StaffLocationsOut(staff_id=staff_id, location_ids=list(ids))

    def home_location(self) -> int | None:
        """The signed-in person's one active location (their pages show it first), or None
        when they work at several or everywhere."""
        with self.reading(Permission.READ_APPOINTMENTS) as u:
            return home_location_id(u.session, self.actor.staff_id)

    def assignments(self) -> dict[int, list[int]]:
        """Every assignment: staff id to the locations they work at (absent: every one)."""
        with self.reading(Permission.READ_APPOINTMENTS) as u:
            out: dict[int, list[int]] = {}
            rows = u.session.scalars(
                select(StaffLocation).order_by(StaffLocation.staff_id, StaffLocation.location_id)
            )
            for row in rows:
                out.setdefault(row.staff_id, []).append(row.location_id)
            return out

    def assign_staff(self, staff_id: int, data: StaffLocationsIn) -> StaffLocationsOut:
        """Where a staff member works (replacing what was set; empty: every location)."""
        wanted = sorted(set(data.location_ids))
        with self.unit(Permission.MANAGE_LOCATIONS) as u:
            if u.session.get(StaffMember, staff_id) is None:
                raise NotFound("staff_id", "staff member", staff_id)
            for location_id in wanted:
                location_row(u.session, location_id, "location_ids")
            u.session.execute(delete(StaffLocation).where(StaffLocation.staff_id == staff_id))
            u.session.add_all(StaffLocation(staff_id=staff_id, location_id=i) for i in wanted)
            u.audit.record("update", "staff_locations", staff_id, detail={"locations": wanted})
            return StaffLocationsOut(staff_id=staff_id, location_ids=wanted)

    def _refuse_taken_name(self, session: Session, name: str) -> None:
        if session.scalar(select(Location.id).where(Location.name == name)) is not None:
            raise InvalidInput("name", f"a location is already called '{name}'")
