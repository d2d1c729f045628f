"""Locations: seeded from the settings, migrated, booked per location in its own zone, rooms and
hours, with staff assigned, and named with their address, zone and phone in messages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select

from clinic_support import Clock, Team
from microneedling.clinic import Clinic, ClinicSettings, PermissionDenied
from microneedling.clinic.locations import clinic_contact, default_place, seed_from_settings
from microneedling.clinic.models import Appointment, AuditEvent, Base, Location, OutboxMessage
from microneedling.clinic.schemas.appointments import AppointmentIn
from microneedling.clinic.schemas.patients import PatientIn
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.calendar import CalendarService, SlotQuery
from microneedling.clinic.services.locations import (
    LocationChange,
    LocationIn,
    LocationService,
    ProfileIn,
    StaffLocationsIn,
)
from microneedling.clinic.services.patients import PatientService
from microneedling.errors import InvalidInput, RequestRefused

HARBOUR = LocationIn(
    name="Harbour", address="9 Pier Road, New York", phone="+1 212 555 0100",
    timezone="America/New_York", opening_hours="mon-fri 08:00-12:00", rooms=["room-1", "h-2"],
)  # fmt: skip


def _patient(clinic: Clinic, team: Team) -> int:
    return PatientService(clinic, team.front_desk).register(
        PatientIn.model_validate({
            "given_name": "Lena", "family_name": "Lake", "date_of_birth": "1988-04-02",
            "email": "lena@example.org", "consent_messages": True,
        })
    ).id  # fmt: skip


def _visit(patient_id: int, team: Team, **where: object) -> AppointmentIn:
    data = {"patient_id": patient_id, "practitioner_id": team.practitioner.staff_id,
            "kind": "consultation", "duration_minutes": 30, "room": "room-1",
            "starts_at": "2027-03-02T09:00"} | where  # fmt: skip
    return AppointmentIn.model_validate(data)


def test_first_start_copies_the_settings_and_later_starts_keep_the_database(
    clinic: Clinic, team: Team, settings: ClinicSettings, clock: Clock
) -> None:
    profile = LocationService(clinic, team.admin).profile()
    assert profile.name == "Riverside Skin Clinic"
    with clinic.db.reading() as session:
        place = default_place(session)
    assert (place.timezone, place.phone, place.address, place.rooms) == (
        "Europe/Berlin",
        "+49 30 1234567",
        "1 River Street, Berlin",
        ("room-1", "room-2"),
    )
    other = settings.model_copy(update={"clinic_name": "Renamed", "timezone": "Asia/Tokyo"})
    assert seed_from_settings(Clinic(other, clinic.db, clock=clock)) is False
    with clinic.db.reading() as session:
        assert default_place(session).timezone == "Europe/Berlin"
    assert LocationService(clinic, team.admin).profile().name == "Riverside Skin Clinic"


def test_downgrade_and_upgrade_keep_appointments_at_one_default_location(
    clinic: Clinic, team: Team
) -> None:
    patient = _patient(clinic, team)
    booked = AppointmentService(clinic, team.front_desk).book(_visit(patient, team))
    clinic.db.downgrade("0007_signin_mfa")
    tables = inspect(clinic.db.engine).get_table_names()
    assert "locations" not in tables
    assert "clinic_profile" not in tables
    columns = {c["name"] for c in inspect(clinic.db.engine).get_columns("appointments")}
    assert "location_id" not in columns
    clinic.db.migrate()
    with clinic.db.reading() as session:
        rows = list(session.scalars(select(Location)))
        appointment = session.get(Appointment, booked.id)
        assert appointment is not None
        assert [r.name for r in rows] == ["Main"]
        assert appointment.location_id == rows[0].id
        assert appointment.starts_at == datetime(2027, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 Berlin
    with clinic.db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    # The rebuilt default location takes the settings again on the next start.
    assert seed_from_settings(clinic) is True
    with clinic.db.reading() as session:
        assert default_place(session).timezone == "Europe/Berlin"


def test_a_second_location_books_in_its_own_zone_rooms_and_hours(
    clinic: Clinic, team: Team
) -> None:
    harbour = LocationService(clinic, team.admin).create(HARBOUR)
    patient = _patient(clinic, team)
    book = AppointmentService(clinic, team.front_desk)
    there = book.book(_visit(patient, team, location_id=harbour.id))
    assert there.location_id == harbour.id
    # 09:00 in New York on 2 March 2027 (EST, UTC-5) is 14:00 UTC.
    assert there.starts_at.astimezone(UTC) == datetime(2027, 3, 2, 14, 0, tzinfo=UTC)
    assert there.starts_at.utcoffset() is not None
    assert there.starts_at.hour == 9
    with pytest.raises(InvalidInput, match="no room 'room-2' at Harbour") as error:
        book.book(_visit(patient, team, location_id=harbour.id, room="room-2"))
    assert error.value.field == "room"
    with pytest.raises(RequestRefused, match="outside opening hours") as refused:
        book.book(_visit(patient, team, location_id=harbour.id, starts_at="2027-03-03T13:00"))
    assert refused.value.field == "starts_at"
    # Same room name at the same moment (15:00 in Berlin), another location: no clash.
    other = _patient(clinic, team)
    main = book.book(
        _visit(other, team, practitioner_id=team.medical_director.staff_id,
               starts_at="2027-03-02T15:00")
    )  # fmt: skip
    assert main.location_id != harbour.id
    assert main.room == there.room
    # The practitioner cannot be in Berlin and New York at once.
    with pytest.raises(RequestRefused, match="already booked"):
        book.book(_visit(other, team, location_id=harbour.id, room="h-2",
                         practitioner_id=team.medical_director.staff_id,
                         starts_at="2027-03-02T09:00"))  # fmt: skip
    day = CalendarService(clinic, team.front_desk).view(
        datetime(2027, 3, 2).date(), 1, location_id=harbour.id
    )
    assert (day.timezone, day.location_name) == ("America/New_York", "Harbour")
    assert [e.appointment_id for e in day.entries] == [there.id]
    assert day.entries[0].starts_at.hour == 9
    assert [d.id for d in book.day(datetime(2027, 3, 2).date(), harbour.id)] == [there.id]


def test_staff_assigned_to_a_location_are_booked_and_offered_only_there(
    clinic: Clinic, team: Team
) -> None:
    admin = LocationService(clinic, team.admin)
    harbour = admin.create(HARBOUR)
    admin.assign_staff(team.practitioner.staff_id, StaffLocationsIn(location_ids=[harbour.id]))
    patient = _patient(clinic, team)
    with pytest.raises(RequestRefused, match="does not work at Main") as refused:
        AppointmentService(clinic, team.front_desk).book(_visit(patient, team))
    assert refused.value.field == "practitioner_id"
    calendar = CalendarService(clinic, team.front_desk)
    main_day = calendar.view(datetime(2027, 3, 2).date(), 1)
    assert team.practitioner.staff_id not in {p.staff_id for p in main_day.practitioners}
    slots = calendar.free_slots(
        SlotQuery(minutes=30, location_id=harbour.id, practitioner_id=team.practitioner.staff_id,
                  count=3)
    )  # fmt: skip
    assert slots
    assert all(s.location_id == harbour.id for s in slots)
    assert all(8 <= s.starts_at.astimezone(harbour_zone()).hour < 12 for s in slots)
    assert all(s.room in HARBOUR.rooms for s in slots)
    cleared = admin.assign_staff(team.practitioner.staff_id, StaffLocationsIn(location_ids=[]))
    assert cleared.location_ids == []


def harbour_zone() -> object:
    from zoneinfo import ZoneInfo

    return ZoneInfo("America/New_York")


def test_messages_name_the_location_its_zone_and_phone(clinic: Clinic, team: Team) -> None:
    harbour = LocationService(clinic, team.admin).create(HARBOUR)
    patient = _patient(clinic, team)
    booked = AppointmentService(clinic, team.front_desk).book(
        _visit(patient, team, location_id=harbour.id)
    )
    with clinic.db.reading() as session:
        message = session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.appointment_id == booked.id,
                OutboxMessage.kind == "booking_confirmation",
            )
        )
        assert message is not None
        context = message.context
        contact = clinic_contact(session, patient_id=patient, now=clinic.now())
    assert context["when"] == "Tuesday 2 March 2027, 09:00 (America/New_York)"
    assert context["place"] == "Riverside Skin Clinic, Harbour, 9 Pier Road, New York"
    assert context["phone"] == "+1 212 555 0100"
    assert context["clinic_name"] == "Riverside Skin Clinic"
    # The patient's contact is the location of their next visit; its phone is on the sheet.
    assert contact.place.name == "Harbour"
    aftercare = contact.aftercare()
    assert aftercare is not None
    assert aftercare.phone == "+1 212 555 0100"


def test_only_admins_change_the_profile_and_locations_and_each_change_is_audited(
    clinic: Clinic, team: Team
) -> None:
    with pytest.raises(PermissionDenied):
        LocationService(clinic, team.front_desk).update_profile(ProfileIn(name="Desk's clinic"))
    with pytest.raises(PermissionDenied):
        LocationService(clinic, team.practitioner).create(HARBOUR)
    admin = LocationService(clinic, team.admin)
    assert admin.update_profile(ProfileIn(name="Riverside Skin & Laser")).name == (
        "Riverside Skin & Laser"
    )
    harbour = admin.create(HARBOUR)
    admin.update(harbour.id, LocationChange(phone="+1 212 555 0199"))
    with pytest.raises(InvalidInput, match="already called 'Harbour'") as taken:
        admin.create(HARBOUR)
    assert taken.value.field == "name"
    with clinic.db.reading() as session:
        events = {
            (e.action, e.entity)
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.staff_id == team.admin.staff_id)
            )
        }
    assert {("update", "clinic_profile"), ("create", "location"), ("update", "location")} <= events


def test_a_zone_rooms_or_retirement_cannot_change_under_booked_visits(
    clinic: Clinic, team: Team
) -> None:
    admin = LocationService(clinic, team.admin)
    harbour = admin.create(HARBOUR)
    patient = _patient(clinic, team)
    AppointmentService(clinic, team.front_desk).book(_visit(patient, team, location_id=harbour.id))
    for change, field in (
        (LocationChange(timezone="America/Chicago"), "timezone"),
        (LocationChange(rooms=["h-2"]), "rooms"),
        (LocationChange(active=False), "active"),
    ):
        with pytest.raises(RequestRefused) as refused:
            admin.update(harbour.id, change)
        assert refused.value.field == field
    with clinic.db.reading() as session:
        assert session.get(Location, harbour.id).timezone == "America/New_York"  # type: ignore[union-attr]
    # Rooms may grow under booked visits; the default location may retire while another is open.
    admin.update(harbour.id, LocationChange(rooms=["room-1", "h-2", "h-3"]))
    main = admin.locations()[0]
    assert admin.update(main.id, LocationChange(active=False)).active is False
    with pytest.raises(RequestRefused, match="no longer takes bookings"):
        AppointmentService(clinic, team.front_desk).book(_visit(patient, team, location_id=main.id))


def test_the_last_active_location_cannot_retire(clinic: Clinic, team: Team) -> None:
    admin = LocationService(clinic, team.admin)
    main = admin.locations()[0]
    with pytest.raises(RequestRefused, match="last active location"):
        admin.update(main.id, LocationChange(active=False))


def test_the_aftercare_sheet_gives_the_sessions_location_phone(
    clinic: Clinic, team: Team, clock: Clock, intake_answers: dict[str, object], course: object
) -> None:
    from datetime import timedelta

    from messages_support import book_session, consented_course
    from microneedling.clinic.schemas.pre_treatment_check import PreTreatmentCheck
    from microneedling.clinic.schemas.treatments import AreaIn, SessionCompletion, SessionStart
    from microneedling.clinic.services.treatments import TreatmentService

    assert callable(course)

    def without_contact(start: str) -> dict[str, object]:
        # A plan as the form now writes it: no phone typed (one typed on an older plan wins).
        return {k: v for k, v in course(start).items() if k != "contact"}

    world = consented_course(clinic, team, intake_answers, without_contact)
    day = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
    appointment_id = book_session(clinic, team, world, day.isoformat())
    clock.set(day + timedelta(minutes=5))
    treat = TreatmentService(clinic, team.practitioner)
    check = PreTreatmentCheck(new_medication=False, pregnant=False, cold_sore=False,
                              breakout=False)  # fmt: skip
    sid = treat.start(SessionStart(appointment_id=appointment_id, device_id=world.device_id,
                                   lot_id=world.lot_id, check=check)).id  # fmt: skip
    treat.record_area(sid, AreaIn(site="cheeks", depth_mm=1.0, passes=2))
    clock.advance(minutes=40)
    treat.complete(sid, SessionCompletion(treatment_started_at=day + timedelta(minutes=10),
                                          treatment_ended_at=day + timedelta(minutes=30),
                                          end_point="pinpoint_bleeding"))  # fmt: skip
    sheet = treat.aftercare(sid)
    assert sheet.whom_to_call.startswith("Call Riverside Skin Clinic on +49 30 1234567 ")
