"""The free-slot finder: a slot it proposes never clashes and lies inside the hours.

Property tests over arbitrary diaries (opening hours, practitioners' own hours, appointments,
absences, the patient's bookings) in a zone with daylight saving time: every slot the finder
returns is one :func:`clash` accepts, lies inside opening hours and the practitioner's working
window, overlaps nothing busy, starts on the grid, and none is missed before the last found.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from microneedling.clinic.hours import OpeningHours
from microneedling.clinic.slots import (
    GRID_MINUTES,
    Busy,
    Diaries,
    PractitionerDiary,
    RoomDiary,
    clash,
    fits,
    free_slots,
    grid_minutes,
    nearest_slot,
    next_grid,
    working_window,
)

BERLIN = ZoneInfo("Europe/Berlin")
# A week that holds the spring change of clocks in Berlin (Sunday 29 March 2026).
MONDAY = date(2026, 3, 23)


@st.composite
def hours(draw: st.DrawFn, optional: bool = False) -> OpeningHours | None:
    if optional and draw(st.booleans()):
        return None
    days = {}
    for day in draw(st.sets(st.integers(0, 6), min_size=1)):
        opens = draw(st.integers(6 * 4, 12 * 4)) * 15
        closes = opens + draw(st.integers(1, 10 * 4)) * 15
        days[day] = (
            time(opens // 60, opens % 60),
            time(min(closes, 23 * 60) // 60, min(closes, 23 * 60) % 60),
        )
    return OpeningHours(days)


@st.composite
def busy(draw: st.DrawFn) -> tuple[Busy, ...]:
    items = []
    for _ in range(draw(st.integers(0, 6))):
        start = datetime.combine(
            MONDAY + timedelta(days=draw(st.integers(0, 8))),
            time(draw(st.integers(6, 20)), draw(st.integers(0, 59))),
            BERLIN,
        )
        items.append(Busy(start, start + timedelta(minutes=draw(st.integers(1, 300)))))
    return tuple(items)


@st.composite
def diaries(draw: st.DrawFn) -> Diaries:
    people = [
        PractitionerDiary(i, f"P{i}", draw(hours(optional=True)), draw(busy()))
        for i in range(draw(st.integers(1, 3)))
    ]
    rooms = [RoomDiary(f"room-{i}", draw(busy())) for i in range(draw(st.integers(1, 2)))]
    opening = draw(hours())
    assert opening is not None
    return Diaries(BERLIN, opening, people, rooms, draw(busy()))


def _inside(start: datetime, end: datetime, window: tuple[time, time] | None) -> bool:
    return window is not None and window[0] <= start.time() and end.time() <= window[1]


@settings(max_examples=150, deadline=None)
@given(
    world=diaries(),
    minutes=st.sampled_from([15, 30, 45, 60, 90]),
    earliest_minute=st.integers(0, 9 * 24 * 60),
    count=st.integers(1, 12),
)
def test_a_proposed_slot_never_clashes_and_lies_inside_hours(
    world: Diaries, minutes: int, earliest_minute: int, count: int
) -> None:
    earliest = datetime.combine(MONDAY, time(), BERLIN).astimezone(UTC) + timedelta(
        minutes=earliest_minute
    )
    last_day = MONDAY + timedelta(days=9)
    slots = free_slots(world, earliest, minutes, count, last_day)
    assert len(slots) <= count
    people = {p.staff_id: p for p in world.practitioners}
    rooms = {r.room: r for r in world.rooms}
    for slot in slots:
        start, end = slot.starts_at.astimezone(BERLIN), slot.ends_at.astimezone(BERLIN)
        assert end - start == timedelta(minutes=minutes)
        assert slot.starts_at >= earliest
        assert start.date() <= last_day
        assert start.minute % GRID_MINUTES == 0
        assert world.opening.covers(start, end)
        person = people[slot.practitioner_id]
        assert _inside(start, end, working_window(world.opening, person.hours, start.weekday()))
        for taken in (*person.busy, *rooms[slot.room].busy, *world.patient_busy):
            assert not (taken.starts_at < slot.ends_at and taken.ends_at > slot.starts_at)
        assert clash(world, person, rooms[slot.room], slot.starts_at, slot.ends_at) is None
    starts = [s.starts_at for s in slots]
    assert starts == sorted(starts)
    assert len(set(starts)) == len(starts)


@settings(max_examples=60, deadline=None)
@given(world=diaries(), minutes=st.sampled_from([30, 60]), count=st.integers(1, 6))
def test_no_free_start_is_skipped_before_the_last_slot_found(
    world: Diaries, minutes: int, count: int
) -> None:
    earliest = datetime.combine(MONDAY, time(), BERLIN)
    slots = free_slots(world, earliest, minutes, count, MONDAY + timedelta(days=6))
    if not slots:
        return
    found = {s.starts_at for s in slots}
    moment = earliest
    while moment < slots[-1].starts_at:
        if moment not in found:
            assert fits(world, moment, minutes) is None, moment
        moment = datetime.combine(moment.date(), moment.time(), BERLIN) + timedelta(
            minutes=GRID_MINUTES
        )


@settings(max_examples=80, deadline=None)
@given(world=diaries(), at_minute=st.integers(6 * 60, 20 * 60), minutes=st.sampled_from([30, 60]))
def test_the_nearest_slot_is_free_and_none_is_nearer(
    world: Diaries, at_minute: int, minutes: int
) -> None:
    day = MONDAY + timedelta(days=1)
    at = time(at_minute // 60, at_minute % 60)
    earliest = datetime.combine(MONDAY, time(), BERLIN)
    slot = nearest_slot(world, day, at, minutes, earliest)
    if slot is None:
        return
    target = datetime.combine(day, at, BERLIN)
    distance = abs(slot.starts_at - target)
    assert fits(world, slot.starts_at, minutes) == slot
    for other in free_slots(world, earliest, minutes, 500, day):
        if other.starts_at.astimezone(BERLIN).date() == day:
            assert abs(other.starts_at - target) >= distance


def test_hours_intersect_and_a_practitioner_without_hours_works_opening_hours() -> None:
    opening = OpeningHours.parse("mon-fri 09:00-18:00; sat 09:00-13:00")
    own = OpeningHours.parse("mon 07:00-12:00; sun 10:00-12:00")
    assert working_window(opening, own, 0) == (time(9), time(12))
    assert working_window(opening, own, 1) is None
    assert working_window(opening, own, 6) is None
    assert working_window(opening, None, 5) == (time(9), time(13))


def test_clash_says_why_in_clinic_time() -> None:
    opening = OpeningHours.parse("mon-fri 09:00-18:00")
    nine_thirty = datetime(2026, 3, 23, 9, 30, tzinfo=UTC)
    taken = Busy(nine_thirty, nine_thirty + timedelta(hours=1), "away (training)")
    world = Diaries(
        BERLIN, opening, [PractitionerDiary(1, "Pia", None, (taken,))], [RoomDiary("r")]
    )
    start = datetime(2026, 3, 23, 11, 0, tzinfo=BERLIN)
    reason = clash(world, world.practitioners[0], world.rooms[0], start, start + timedelta(hours=1))
    assert reason == "Pia is away (training) 10:30-11:30"
    late = datetime(2026, 3, 23, 17, 47, tzinfo=BERLIN)
    assert "outside opening hours" in str(
        clash(world, world.practitioners[0], world.rooms[0], late, late + timedelta(minutes=60))
    )


def test_grid_helpers() -> None:
    assert grid_minutes(61.2) == 65
    assert grid_minutes(60) == 60
    moment = datetime(2026, 3, 23, 16, 47, 10, tzinfo=UTC)
    assert next_grid(moment) == datetime(2026, 3, 23, 16, 50, tzinfo=UTC)
    assert next_grid(datetime(2026, 3, 23, 16, 50, tzinfo=UTC)) == datetime(
        2026, 3, 23, 16, 55, tzinfo=UTC
    )
