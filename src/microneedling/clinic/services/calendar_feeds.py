"""Staff calendar feeds (RFC 5545): one practitioner's or one room's appointments at a secret URL.

An admin makes a feed; its token (256 random bits) is shown once, and only its SHA-256 is
stored, so the database cannot be used to read feeds. Revoking a feed stops its URL at once.
A feed holds appointments from 30 days back to a year ahead, cancelled ones included (as
STATUS:CANCELLED with a higher SEQUENCE) so that subscribed calendars remove them. Patients
appear by initials unless the clinic sets ``feed_patient_names``; nothing clinical is shown.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from microneedling.clinic.audit import AuditLog
from microneedling.clinic.clinic import Clinic, Service
from microneedling.clinic.errors import NotFound
from microneedling.clinic.ics import calendar_bytes
from microneedling.clinic.locations import clinic_contact, places
from microneedling.clinic.messages.wording import VISIT_NAMES, appointment_event
from microneedling.clinic.models import Appointment, CalendarFeed, Patient, StaffMember
from microneedling.clinic.models.base import stamped_by
from microneedling.clinic.paging import RecordRef
from microneedling.clinic.roles import TREATING, Permission
from microneedling.clinic.text import Code
from microneedling.errors import InvalidInput

#: How far back and ahead a feed reaches.
FEED_PAST = timedelta(days=30)
FEED_AHEAD = timedelta(days=366)
TOKEN_BYTES = 32


class FeedIn(BaseModel):
    # The rule of ``CalendarFeedService.create``, published: a practitioner or a room, not both.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "oneOf": [
                {
                    "required": ["practitioner_id"],
                    "properties": {"practitioner_id": {"type": "integer"}},
                },
                {"required": ["room"], "properties": {"room": {"type": "string"}}},
            ]
        },
    )

    practitioner_id: RecordRef | None = Field(default=None, description="this or room")
    room: Code | None = Field(default=None, description="this or practitioner_id")


class FeedOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    practitioner_id: int | None
    room: str | None
    created_at: datetime
    revoked_at: datetime | None


class FeedCreated(FeedOut):
    token: str = Field(description="shown once: the feed's URL is /feeds/<token>.ics")
    path: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def initials(patient: Patient) -> str:
    return f"{patient.given_name[:1]}. {patient.family_name[:1]}.".upper()


def feed_ics(clinic: Clinic, token: str) -> bytes:
    """The feed's calendar; an unknown or revoked token is :class:`NotFound`."""
    with stamped_by(clinic.now), clinic.db.transaction() as session:
        feed = session.scalars(
            select(CalendarFeed).where(CalendarFeed.token_hash == token_hash(token))
        ).one_or_none()
        if feed is None or feed.revoked_at is not None:
            raise NotFound("token", "calendar feed", "for this link")
        now = clinic.now()
        query = select(Appointment).where(
            Appointment.starts_at >= now - FEED_PAST, Appointment.starts_at < now + FEED_AHEAD
        )
        if feed.practitioner_id is not None:
            query = query.where(Appointment.practitioner_id == feed.practitioner_id)
            member = session.get(StaffMember, feed.practitioner_id)
            name = f"{member.full_name if member else 'Practitioner'} – appointments"
        else:
            query = query.where(Appointment.room == feed.room)
            name = f"{feed.room} – appointments"
        events = []
        for appointment in session.scalars(query.order_by(Appointment.starts_at)):
            patient = session.get(Patient, appointment.patient_id)
            if patient is None or patient.deleted_at is not None:
                continue
            who = (
                f"{patient.given_name} {patient.family_name}"
                if clinic.settings.feed_patient_names
                else initials(patient)
            )
            visit = VISIT_NAMES.get(appointment.kind, "appointment")
            contact = clinic_contact(session, appointment=appointment)
            room = f"{appointment.room}, {contact.place.name}"
            events.append(appointment_event(clinic, appointment, f"{visit}: {who}", contact, room))
        AuditLog(session, None).record(
            "read", "calendar_feed", feed.id, username="calendar-feed",
            detail={"appointments": len(events)},
        )  # fmt: skip
    return calendar_bytes(events, domain=clinic.settings.calendar_domain, name=name)


class CalendarFeedService(Service):
    def create(self, data: FeedIn) -> FeedCreated:
        if (data.practitioner_id is None) == (data.room is None):
            raise InvalidInput("practitioner_id", "give either a practitioner or a room")
        with self.unit(Permission.MANAGE_FEEDS) as u:
            # A room feed follows that room name at every location that has one.
            rooms = {room for place in places(u.session) for room in place.rooms}
            if data.room is not None and data.room not in rooms:
                raise InvalidInput("room", f"no room '{data.room}'")
            if data.practitioner_id is not None:
                member = u.session.get(StaffMember, data.practitioner_id)
                if member is None or member.role not in TREATING:
                    raise NotFound("practitioner_id", "practitioner", data.practitioner_id)
            token = secrets.token_urlsafe(TOKEN_BYTES)
            feed = CalendarFeed(
                practitioner_id=data.practitioner_id, room=data.room,
                token_hash=token_hash(token), created_by=self.actor.staff_id,
            )  # fmt: skip
            u.session.add(feed)
            u.session.flush()
            u.audit.record("create", "calendar_feed", feed.id)
            out = self._out(feed)
            return FeedCreated(**out.model_dump(), token=token, path=f"/feeds/{token}.ics")

    def find(self) -> list[FeedOut]:
        with self.unit(Permission.MANAGE_FEEDS) as u:
            feeds = u.session.scalars(select(CalendarFeed).order_by(CalendarFeed.id)).all()
            return [self._out(f) for f in feeds]

    def revoke(self, feed_id: int) -> FeedOut:
        with self.unit(Permission.MANAGE_FEEDS) as u:
            feed = u.session.get(CalendarFeed, feed_id)
            if feed is None:
                raise NotFound("feed_id", "calendar feed", feed_id)
            if feed.revoked_at is None:
                feed.revoked_at = self.clinic.now()
                feed.revoked_by = self.actor.staff_id
                u.audit.record("revoke", "calendar_feed", feed.id)
            return self._out(feed)

    def _out(self, feed: CalendarFeed) -> FeedOut:
        out = FeedOut.model_validate(feed)
        out.created_at = self.clinic.local(feed.created_at)
        if feed.revoked_at is not None:
            out.revoked_at = self.clinic.local(feed.revoked_at)
        return out
