"""The course input refuses what the model cannot simulate, naming the field."""

from __future__ import annotations

import datetime as dt

import pytest
from model_helpers import make_course
from pydantic import ValidationError

from microneedling.errors import InvalidInput
from microneedling.model import Course, simulate_course


def _raw(**changes: object) -> dict[str, object]:
    raw = make_course(sessions=2).model_dump(mode="json")
    raw.update(changes)
    return raw


def test_sessions_at_two_sites_are_refused() -> None:
    raw = _raw()
    raw["sessions"][1]["site"] = "forehead"  # type: ignore[index]
    with pytest.raises(ValidationError, match="one treated site"):
        Course.model_validate(raw)


def test_sessions_too_close_together_are_refused() -> None:
    raw = _raw()
    raw["sessions"][1]["date"] = "2026-01-06"  # type: ignore[index]
    with pytest.raises(ValidationError, match="at least 3 days apart"):
        Course.model_validate(raw)


def test_a_horizon_before_the_last_session_is_refused() -> None:
    with pytest.raises(ValidationError, match="horizon"):
        Course.model_validate(_raw(horizon_days=5))


def test_an_unknown_site_names_the_field() -> None:
    raw = _raw()
    for s in raw["sessions"]:  # type: ignore[attr-defined]
        s["site"] = "cheek"
    with pytest.raises(InvalidInput) as err:
        simulate_course(Course.model_validate(raw))
    assert err.value.field == "sessions.0.site"
    assert "cheeks" in err.value.problem


def test_an_unknown_concern_names_the_field() -> None:
    raw = _raw()
    raw["patient"]["concern"] = "wrinkle"  # type: ignore[index]
    with pytest.raises(InvalidInput) as err:
        simulate_course(Course.model_validate(raw))
    assert err.value.field == "patient.concern"


def test_the_default_horizon_is_a_year_past_the_last_session() -> None:
    course = make_course(sessions=3, gap_days=30)
    assert course.horizon == 60 + 365
    assert simulate_course(course).days[-1] == 425
    assert course.start == dt.date(2026, 1, 5)
