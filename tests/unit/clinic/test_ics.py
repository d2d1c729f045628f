"""Appointments as iCalendar events: stable UIDs, UTC times, cancellations kept."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from microneedling.clinic.ics import AppointmentEvent, calendar_bytes, event_uid

BERLIN = ZoneInfo("Europe/Berlin")


def _event(**changes: object) -> AppointmentEvent:
    values: dict[str, object] = {
        "appointment_id": 7,
        "starts_at": datetime(2027, 3, 1, 9, 30, tzinfo=BERLIN),
        "ends_at": datetime(2027, 3, 1, 10, 30, tzinfo=BERLIN),
        "summary": "Microneedling session",
        "location": "Clinic, room-1",
        "stamped_at": datetime(2027, 2, 1, 12, 0, tzinfo=BERLIN),
    }
    values.update(changes)
    return AppointmentEvent(**values)  # type: ignore[arg-type]


def test_event_times_are_the_same_instant_in_utc() -> None:
    parsed = Calendar.from_ical(calendar_bytes([_event()], domain="clinic.test"))
    (event,) = parsed.walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2027, 3, 1, 9, 30, tzinfo=BERLIN)
    assert event.decoded("dtstart").utcoffset().total_seconds() == 0
    assert str(event["uid"]) == event_uid(7, "clinic.test") == "appointment-7@clinic.test"
    assert str(event["status"]) == "CONFIRMED"


def test_a_cancellation_keeps_the_uid_and_raises_the_sequence() -> None:
    data = calendar_bytes([_event(cancelled=True, sequence=2)], domain="c.test", method="CANCEL")
    parsed = Calendar.from_ical(data)
    (event,) = parsed.walk("VEVENT")
    assert str(parsed["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 2
    assert str(event["uid"]) == "appointment-7@c.test"


def test_a_time_without_a_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="zone"):
        calendar_bytes([_event(starts_at=datetime(2027, 3, 1, 9, 30))], domain="c.test")
