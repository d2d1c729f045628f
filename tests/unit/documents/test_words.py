"""The one way pages and printouts say dates, ages, cartridges and sites (reports/words.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from microneedling.knowledge import load_knowledge
from microneedling.knowledge.devices import cartridge_name
from microneedling.reports.words import (
    age_years,
    axis_date,
    born_with_age,
    day_date,
    day_date_time,
    site_name,
)
from microneedling.web.pages._charts import Line, line_chart

_days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


def test_a_date_reads_the_same_everywhere() -> None:
    assert day_date(date(2027, 9, 24)) == "Fri 24 Sep 2027"
    assert day_date(date(2028, 1, 4)) == "Tue 4 Jan 2028"
    assert day_date_time(datetime(2027, 9, 24, 9, 5)) == "Fri 24 Sep 2027 09:05"
    # A date read back from a stored JSON document reads the same.
    assert day_date("2027-09-24") == "Fri 24 Sep 2027"


@given(_days)
def test_a_date_names_its_weekday_day_month_and_year(day: date) -> None:
    weekday, number, month, year = day_date(day).split(" ")
    assert (weekday, int(number), month, int(year)) == (f"{day:%a}", day.day, f"{day:%b}", day.year)


@pytest.mark.parametrize(
    ("born", "on", "years"),
    [
        (date(1982, 7, 25), date(2026, 7, 24), 43),
        (date(1982, 7, 25), date(2026, 7, 25), 44),
        (date(2000, 2, 29), date(2027, 2, 28), 26),
        (date(2000, 2, 29), date(2027, 3, 1), 27),
        (date(2026, 12, 3), date(2026, 12, 3), 0),
    ],
)
def test_age_counts_completed_years(born: date, on: date, years: int) -> None:
    assert age_years(born, on) == years


def _birthday(born: date, year: int) -> date:
    # A birthday the year lacks (29 February) is kept on 1 March.
    try:
        return born.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


@given(_days, _days)
def test_age_is_the_birthdays_passed(born: date, on: date) -> None:
    assume(on >= born)
    passed = sum(1 for year in range(born.year + 1, on.year + 1) if _birthday(born, year) <= on)
    assert age_years(born, on) == passed


def test_a_date_of_birth_carries_the_age() -> None:
    assert born_with_age(date(1982, 7, 25), date(2026, 12, 3)) == "Sun 25 Jul 1982 (44 years)"
    assert born_with_age(date(2025, 12, 1), date(2026, 12, 3)) == "Mon 1 Dec 2025 (1 year)"


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(3, 900))
def test_chart_ticks_never_read_alike(start: date, span_days: int) -> None:
    # The redness chart once read "Dec 2026, Dec 2026": neighbouring ticks must differ.
    chart = line_chart("t", "y", [Line("a", [(start, 1.0), (start + timedelta(span_days), 2.0)])])
    labels = [label for _, label in chart.x_ticks]
    assert len(labels) >= 2
    assert all(a != b for a, b in pairwise(labels)), labels


def test_axis_dates_switch_to_months_only_when_ticks_are_a_month_apart() -> None:
    assert axis_date(date(2026, 12, 3), 25) == "3 Dec"
    assert axis_date(date(2026, 12, 3), 50) == "Dec 2026"


def test_cartridges_and_sites_have_names_not_ids() -> None:
    kb = load_knowledge()
    assert cartridge_name(14) == "14-needle cartridge"
    names = {c.name for d in kb.devices.values() for c in d.cartridges}
    assert all(name.endswith("-needle cartridge") for name in names)
    for site in kb.sites.values():
        assert site_name(kb, site.id) == site.name
    assert site_name(kb, "left_knee") == "Left knee"
