"""The course page sets the patient's recorded scores against the predicted band: each score
at its date on the concern's scale, with the cohort's 5-95 % band and median that day."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

import httpx
import pytest

from microneedling.clinic.services.outcomes import OutcomeIn, OutcomeService
from microneedling.clinic.services.plans import PlanService
from microneedling.clinic.services.signin import SignIn
from microneedling.model import course_from_plan
from microneedling.model.cohort import simulate_cohort
from microneedling.model.observed import grade_band
from microneedling.model.simulation import simulate_course
from microneedling.reports.words import day_date
from microneedling.web.auth import SESSION_COOKIE
from microneedling.web.pages.course import COHORT_SIZE

if TYPE_CHECKING:
    from clinic_support import ApiWorld

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def scores(api_world: ApiWorld) -> list[tuple[date, float]]:
    """Besides the world's fine-lines score of 3 on the first session's day: one before the
    course began and one ten weeks in."""
    world, clinic = api_world, api_world.clinic
    outcomes = OutcomeService(clinic, world.team.practitioner)
    first = clinic.today()
    before = first - timedelta(days=20)
    outcomes.record(
        world.ids["patient"],
        OutcomeIn(assessed_on=before, concern="fine_lines", clinician_score=3.5),
    )
    world.clock.advance(days=70)
    later = clinic.today()
    outcomes.record(world.ids["patient"],
                    OutcomeIn(plan_id=world.ids["plan"], assessed_on=later, concern="fine_lines",
                              clinician_score=2.0))  # fmt: skip
    # Another concern's score is not drawn on the fine-lines picture.
    outcomes.record(
        world.ids["patient"], OutcomeIn(assessed_on=later, concern="wrinkles", clinician_score=1.0)
    )
    return [(before, 3.5), (first, 3.0), (later, 2.0)]


def _course_page(world: ApiWorld) -> str:
    issued = SignIn(world.clinic).login("practitioner", PASSWORD, None, "cookie")
    with httpx.Client(base_url=world.client.base_url, timeout=120) as client:
        client.cookies.set(SESSION_COOKIE, issued.token)
        response = client.get(
            f"/plans/{world.ids['plan']}/course", params={"site": "cheeks", "concern": "fine_lines"}
        )
    assert response.status_code == 200
    return " ".join(response.text.split())


def test_recorded_scores_are_set_against_the_band_and_median(
    api_world: ApiWorld, scores: list[tuple[date, float]]
) -> None:
    page = _course_page(api_world)
    plan = PlanService(api_world.clinic, api_world.team.practitioner).get(api_world.ids["plan"])
    course = course_from_plan(plan.plan, "cheeks", "fine_lines")
    cohort = simulate_cohort(course, COHORT_SIZE, hourly=False, workers=1,
                             knowledge=api_world.clinic.kb)  # fmt: skip
    band = grade_band(cohort, simulate_course(course, knowledge=api_world.clinic.kb).scale)
    index = {d: i for i, d in enumerate(band.dates)}
    section = re.search(r'<section class="card" id="recorded-scores">.*?</section>', page)
    assert section
    rows = re.findall(r"<tr><td>(.*?)</td><td class=\"num\">(.*?)</td>(.*?)</tr>", section.group(0))
    assert [(r[0], r[1]) for r in rows] == [(day_date(d), f"{s:.1f}") for d, s in scores]
    during = scores[1:]
    assert "before the course or beyond the modelled days" in rows[0][2]
    for (day, score), row in zip(during, rows[1:], strict=True):
        i = index[day]
        low, high = sorted((float(band.p5[i]), float(band.p95[i])))
        where = "within" if low <= score <= high else "above" if score > high else "below"
        cells = f'<td class="num">{low:.1f}–{high:.1f}</td><td class="num">{band.p50[i]:.1f}</td>'
        assert row[2] == f"{cells}<td>{where} the band</td>"
    assert "A model, not a promise." in page
    # On the picture: one dot per fine-lines score, none for the wrinkles score.
    dots = re.findall(r'<circle class="dot line-4 recorded"[^>]*><title>(.*?)</title>', page)
    assert dots == [f"recorded score: {s:g} on {day_date(d)}" for d, s in scores]
    assert f"median of {COHORT_SIZE} virtual patients" in page


def test_a_concern_with_no_score_says_so(api_world: ApiWorld) -> None:
    issued = SignIn(api_world.clinic).login("practitioner", PASSWORD, None, "cookie")
    with httpx.Client(base_url=api_world.client.base_url, timeout=120) as client:
        client.cookies.set(SESSION_COOKIE, issued.token)
        response = client.get(
            f"/plans/{api_world.ids['plan']}/course",
            params={"site": "cheeks", "concern": "acne_scars_rolling"},
        )
    assert response.status_code == 200
    assert "No score recorded for" in response.text
    assert 'class="dot line-4 recorded"' not in response.text
