"""Post-inflammatory hyperpigmentation: a figure for Fitzpatrick IV-VI only, from its source."""

from __future__ import annotations

import datetime as dt

import pytest

from microneedling.model import Course, CoursePatient, simulate_course
from microneedling.model.laws.pigmentation import course_pih_chance


def _course(fitzpatrick: int | None, sessions: int) -> Course:
    base = Course.repeated(dt.date(2026, 2, 2), "roller", 1.5, 15, sessions, 30)
    patient = CoursePatient(
        age_years=30, concern="acne_scars_rolling", fitzpatrick_type=fitzpatrick
    )
    return base.model_copy(update={"patient": patient})


def test_five_sessions_in_type_iv_give_the_trials_five_in_thirty() -> None:
    assert simulate_course(_course(4, 5)).pih_chance == pytest.approx(5 / 30, rel=1e-12)


@pytest.mark.parametrize("fitzpatrick", [None, 1, 2, 3])
def test_no_figure_where_no_source_gives_one(fitzpatrick: int | None) -> None:
    assert simulate_course(_course(fitzpatrick, 3)).pih_chance is None


def test_more_sessions_more_chance_and_bounded() -> None:
    chances = [course_pih_chance(0.036, n, 6) for n in range(1, 12)]
    assert all(c is not None and 0 < c < 1 for c in chances)
    assert chances == sorted(chances)
