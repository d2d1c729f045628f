"""The aftercare sheet as a patient reads it: each instruction once, in the period it starts,
with its end; what stops, in the period it stops; and no boundary the knowledge base lacks."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from microneedling.knowledge import load_knowledge
from microneedling.planning import aftercare_sheet, aftercare_timeline
from microneedling.planning.aftercare_days import NO_EVENING, PERIODS
from microneedling.planning.treatment_plan import AftercareSheet, SheetDay, SheetInstruction
from microneedling.screening import ScreeningResult

TREATED = date(2026, 11, 24)  # a Tuesday


def _knowledge_sheet() -> AftercareSheet:
    screening = ScreeningResult(
        decision="eligible", screened_on=TREATED, ruleset_version="test", findings=[]
    )
    return aftercare_sheet(
        load_knowledge(), session_number=1, session_date=TREATED, screening=screening,
        contact=None,
    )  # fmt: skip


def _sheet(spans: list[tuple[int, int | None]]) -> AftercareSheet:
    """A sheet laid out as the planner lays one out: an instruction on each day it holds."""
    items = [
        SheetInstruction(
            topic="general",
            name=f"item {i}",
            text=f"Do thing {i}.",
            from_day=start,
            until_day=end,
            sources=[],
        )
        for i, (start, end) in enumerate(spans)
    ]
    last = max((i.until_day for i in items if i.until_day is not None), default=0)
    days = [
        SheetDay(
            day=d,
            date=TREATED + timedelta(days=d),
            instructions=[
                i for i in items if i.until_day is not None and i.from_day <= d <= i.until_day
            ],
        )
        for d in range(last + 1)
    ]
    return AftercareSheet(
        session_number=1, session_date=TREATED, days=days,
        throughout_course=[i for i in items if i.until_day is None], precautions=[],
        warning_signs=[], contact=None, whom_to_call="Call the clinic.",
    )  # fmt: skip


def test_the_knowledge_bases_sheet_reads_period_by_period() -> None:
    timeline = aftercare_timeline(_knowledge_sheet(), next_session=date(2026, 12, 22))
    titles = [p.title for p in timeline.periods]
    assert titles == ["This evening", "Tomorrow", "Days 2 and 3", "Days 4 to 7",
                      "Until your next session"]  # fmt: skip
    evening, tomorrow, days_2_3, days_4_7, rest = timeline.periods
    # Day 0's list holds what starts on the day of treatment, each with its last day.
    starting = {s.name: s.ends_on for s in evening.starting}
    assert starting["Avoid direct sun"] == date(2026, 11, 27)  # until day 3
    assert starting["Makeup"] == TREATED  # that day only
    assert starting["Pause active skincare"] == date(2026, 12, 1)  # until day 7
    assert "Sunscreen" not in starting
    assert [(s.name, s.ends_on) for s in tomorrow.starting] == [("Sunscreen", None)]
    assert [e.name for e in tomorrow.ending] == ["Makeup"]
    assert days_2_3.starting == []
    assert {e.name for e in days_2_3.ending} == {
        "Exercise and sweating", "Pools, saunas and steam", "Keep it clean"
    }  # fmt: skip
    assert {e.from_date for e in days_2_3.ending} == {date(2026, 11, 27)}
    assert {e.name for e in days_4_7.ending} == {"Avoid direct sun", "What to expect"}
    assert [s.name for s in rest.starting] == ["Restart retinoids"]
    assert (rest.first_date, rest.last_date) == (date(2026, 12, 2), date(2026, 12, 21))
    # Nothing in the knowledge base changes on day 2, and day 0 has no evening of its own.
    assert timeline.gaps[0] == NO_EVENING
    assert any("no change on day 2" in gap for gap in timeline.gaps)
    assert not any("day 1:" in gap or "day 4:" in gap or "day 8:" in gap for gap in timeline.gaps)


def test_without_the_next_session_the_last_period_stays_open() -> None:
    timeline = aftercare_timeline(_knowledge_sheet())
    assert timeline.periods[-1].last_date is None


def test_an_instruction_that_repeats_in_every_day_block_is_listed_once() -> None:
    sheet = _knowledge_sheet()
    repeated = sum(len(d.instructions) for d in sheet.days) + len(sheet.throughout_course)
    timeline = aftercare_timeline(sheet)
    placed = [s.instruction for p in timeline.periods for s in p.starting]
    distinct = {i.text for d in sheet.days for i in d.instructions}
    distinct |= {i.text for i in sheet.throughout_course}
    assert sorted(i.text for i in placed) == sorted(distinct)
    assert len(placed) < repeated


SPANS = st.lists(
    st.integers(0, 30).flatmap(
        lambda start: st.tuples(st.just(start), st.none() | st.integers(start, 40))
    ),
    min_size=1,
    max_size=8,
    unique=True,
)


@given(SPANS)
def test_every_instruction_starts_once_and_ends_once_where_its_days_say(
    spans: list[tuple[int, int | None]],
) -> None:
    timeline = aftercare_timeline(_sheet(spans))
    started = [(s.instruction.from_day, s.instruction.until_day) for p in timeline.periods
               for s in p.starting]  # fmt: skip
    assert sorted(started, key=str) == sorted(spans, key=str)
    for period in timeline.periods:
        for s in period.starting:
            assert period.holds(s.instruction.from_day)
            assert s.starts_on == TREATED + timedelta(days=s.instruction.from_day)
            until = s.instruction.until_day
            assert s.ends_on == (None if until is None else TREATED + timedelta(days=until))
        for e in period.ending:
            assert e.instruction.until_day is not None
            assert e.from_day == e.instruction.until_day + 1
            assert period.holds(e.from_day)
    ended = sorted(e.from_day - 1 for p in timeline.periods for e in p.ending)
    assert ended == sorted(end for _, end in spans if end is not None)
    # A period whose first day nothing starts or stops on is named as such.
    changes = {start for start, _ in spans} | {end + 1 for _, end in spans if end is not None}
    for period in PERIODS[1:]:
        said = any(f"no change on day {period.first_day}:" in gap for gap in timeline.gaps)
        assert said == (period.first_day not in changes)
