"""Properties over the packaged knowledge base: no plan exceeds a hard limit, whatever is asked."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from planning_factories import cap, eligible

from microneedling.errors import RequestRefused
from microneedling.knowledge import load_knowledge
from microneedling.planning import PlanRequest, TreatmentPlan, make_plan
from microneedling.screening import Intake, ScreeningResult

KB = load_knowledge()
TODAY = date(2026, 12, 1)
SEVERITIES = ("mild", "moderate", "severe")


def plan_or_refusal(
    request: PlanRequest, screening: ScreeningResult
) -> TreatmentPlan | RequestRefused:
    try:
        return make_plan(request, screening, KB, TODAY)
    except RequestRefused as refused:
        return refused


@st.composite
def requests(draw: st.DrawFn) -> tuple[PlanRequest, float | None]:
    sites = draw(st.lists(st.sampled_from(list(KB.sites)), min_size=1, max_size=3, unique=True))
    device = KB.devices[draw(st.sampled_from(list(KB.devices)))]
    areas = []
    for site in sites:
        treatable = [c.id for c in KB.concerns.values() if c.sites is None or site in c.sites]
        concerns = draw(st.lists(st.sampled_from(treatable), min_size=1, max_size=3, unique=True))
        areas.append(
            {
                "site": site,
                "concerns": [
                    {"concern": c, "severity": draw(st.sampled_from(SEVERITIES))} for c in concerns
                ],
                "depth_mm": draw(st.none() | st.floats(0.1, 3.0)),
            }
        )
    cap_mm = draw(st.none() | st.sampled_from([0.5, 1.0, 1.5, 2.0]))
    request = PlanRequest.model_validate(
        {
            "intake": Intake(age_years=40, areas=sites),
            "areas": areas,
            "device": device.id,
            "cartridge": device.cartridges[0].id if device.cartridges else None,
            "start_date": TODAY + timedelta(days=draw(st.integers(0, 400))),
            "closed_dates": draw(
                st.lists(st.dates(TODAY, TODAY + timedelta(days=800)), max_size=30)
            ),
        }
    )
    return request, cap_mm


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=requests())
def test_no_plan_exceeds_a_site_device_or_precaution_limit(
    drawn: tuple[PlanRequest, float | None],
) -> None:
    request, cap_mm = drawn
    screening = eligible(cap(cap_mm)) if cap_mm is not None else eligible()
    plan = plan_or_refusal(request, screening)
    if isinstance(plan, RequestRefused):
        # Only a requested depth, or a device that cannot obey a limit, may be refused here.
        assert plan.field == "device" or plan.field.endswith(".depth_mm")
        return
    device = KB.devices[request.device]
    for session in plan.sessions:
        for area in session.areas:
            site = KB.sites[area.site]
            assert area.depth_mm <= site.safe_depth_mm.high
            assert area.depth_mm <= device.labelled_max_depth_mm
            assert area.depth_mm >= device.needle_length_mm.low
            if cap_mm is not None:
                assert area.depth_mm <= cap_mm
    for area_plan in plan.areas:
        for concern in area_plan.concerns:
            assert concern.depth.value_mm <= KB.sites[area_plan.site].safe_depth_mm.high
            assert concern.depth.value_mm <= device.labelled_max_depth_mm
    weeks = timedelta(weeks=plan.interval_weeks.value)
    for earlier, later in pairwise(plan.sessions):
        assert later.date - earlier.date >= weeks
    assert all(s.date not in request.closed_dates for s in plan.sessions)
    assert plan.sessions[0].date >= (request.start_date or TODAY)


def test_every_packaged_combination_at_its_deepest_guide_stays_within_limits() -> None:
    """Exhaustive over sites x concerns x devices at the severe (deepest) end of each guide."""
    planned = refused = 0
    for site in KB.sites.values():
        for concern in KB.concerns.values():
            if concern.sites is not None and site.id not in concern.sites:
                continue
            for device in KB.devices.values():
                request = PlanRequest.model_validate(
                    {
                        "intake": Intake(areas=[site.id]),
                        "areas": [
                            {
                                "site": site.id,
                                "concerns": [{"concern": concern.id, "severity": "severe"}],
                            }
                        ],
                        "device": device.id,
                        "cartridge": device.cartridges[0].id if device.cartridges else None,
                        "start_date": TODAY,
                    }
                )
                plan = plan_or_refusal(request, eligible())
                if isinstance(plan, RequestRefused):
                    refused += 1
                    # Only a device that cannot be set shallow enough for the site is refused.
                    assert plan.field == "device"
                    assert device.needle_length_mm.low > site.safe_depth_mm.high
                    continue
                planned += 1
                limit = min(site.safe_depth_mm.high, device.labelled_max_depth_mm)
                assert plan.max_depth_mm <= limit
    assert planned > 1000
    assert refused < planned
