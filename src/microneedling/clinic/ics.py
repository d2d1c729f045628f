"""Appointments as iCalendar (RFC 5545) events: for mail attachments, downloads and feeds.

One appointment is always one VEVENT with the same UID, so a calendar that imported it once
updates it in place when it changes; SEQUENCE grows with each change the attendee must see
(RFC 5545 §3.8.7.4) and a cancelled appointment is sent as STATUS:CANCELLED rather than
dropped, so that calendars remove it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from icalendar import Calendar, Event

PRODUCT_ID = "-//microneedling//clinic//EN"


@dataclass(frozen=True)
class AppointmentEvent:
    """What a calendar may show of one appointment; nothing clinical beyond the summary."""

    appointment_id: int
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str
    cancelled: bool = False
    sequence: int = 0
    description: str | None = None
    stamped_at: datetime | None = None


def event_uid(appointment_id: int, domain: str) -> str:
    """The stable UID of an appointment's event (``appointment-<id>@<domain>``)."""
    return f"appointment-{appointment_id}@{domain}"


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("calendar times must carry a zone")
    return moment.astimezone(UTC)


def vevent(event: AppointmentEvent, domain: str) -> Event:
    """One VEVENT, times in UTC so every client shows them in its own zone."""
    out = Event()
    out.add("uid", event_uid(event.appointment_id, domain))
    out.add("dtstamp", _utc(event.stamped_at or datetime.now(UTC)))
    out.add("dtstart", _utc(event.starts_at))
    out.add("dtend", _utc(event.ends_at))
    out.add("summary", event.summary)
    out.add("location", event.location)
    out.add("sequence", event.sequence)
    out.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    if event.description:
        out.add("description", event.description)
    return out


def calendar_bytes(
    events: Iterable[AppointmentEvent],
    *,
    domain: str,
    name: str | None = None,
    method: str | None = None,
) -> bytes:
    """A VCALENDAR holding ``events``; ``method`` is ``REQUEST``/``CANCEL`` for mail (RFC 5546)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(vevent(event, domain))
    data: bytes = calendar.to_ical()
    return data
