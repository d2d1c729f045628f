"""Day bounds are one definition: the server checks them and the schema states them as a pattern."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

import jsonschema_rs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from microneedling.iso_dates import ISO_DATE, DaysWithin

YEARS = st.integers(1, 9999)


@given(YEARS, YEARS)
def test_the_published_pattern_admits_exactly_the_days_the_server_does(a: int, b: int) -> None:
    first, last = sorted((a, b))
    bounds = DaysWithin(date(first, 1, 1), date(last, 12, 31))
    pattern = re.compile(bounds.pattern)
    admitted = [year for year in range(1, 10000) if pattern.fullmatch(f"{year:04d}-06-15")]
    assert admitted == list(range(first, last + 1))


@given(st.dates())
def test_a_bounded_day_is_accepted_exactly_within_its_bounds(day: date) -> None:
    bounds = DaysWithin(date(1900, 1, 1), date(2100, 12, 31))
    adapter = TypeAdapter(Annotated[date, bounds, ISO_DATE])
    published = jsonschema_rs.validator_for(adapter.json_schema(), validate_formats=True)
    inside = date(1900, 1, 1) <= day <= date(2100, 12, 31)
    assert published.is_valid(day.isoformat()) is inside
    if inside:
        assert adapter.validate_python(day.isoformat()) == day
    else:
        with pytest.raises(ValidationError, match="must be from 1900-01-01 to 2100-12-31"):
            adapter.validate_python(day.isoformat())


def test_bounds_are_whole_years_so_the_pattern_is_exact() -> None:
    with pytest.raises(ValueError, match="whole years"):
        DaysWithin(date(2000, 1, 3), date(2100, 12, 31))
