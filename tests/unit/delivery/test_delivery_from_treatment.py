"""From a treatment session to the delivery model's channels: the same numbers as simulate."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microneedling.cli.plan import load_request
from microneedling.errors import InvalidInput
from microneedling.knowledge import load_knowledge
from microneedling.model import Course, courses_from_plan, simulate_course
from microneedling.model.delivery import channels_from_course, channels_from_settings
from microneedling.planning import TreatmentPlan, make_plan
from microneedling.screening import screen

EXAMPLES = Path(__file__).parents[3] / "examples"
TODAY = dt.date(2026, 12, 1)


def _plan(name: str) -> TreatmentPlan:
    request, _ = load_request(EXAMPLES / name)
    kb = load_knowledge()
    return make_plan(request, screen(request.intake, kb, TODAY), kb, TODAY)


def _courses() -> list[tuple[str, Course]]:
    return [
        (f"{path.name}:{course.site}", course)
        for path in sorted(EXAMPLES.glob("plan-*.yaml"))
        for course in courses_from_plan(_plan(path.name))
    ]


@pytest.mark.parametrize(
    ("label", "course"), _courses(), ids=lambda x: x if isinstance(x, str) else ""
)
def test_every_session_maps_to_the_channels_simulate_reports(label: str, course: Course) -> None:
    """Depth, mouth radius, density and closure half-time equal the skin-response model's."""
    result = simulate_course(course)
    for number, outcome in enumerate(result.sessions, start=1):
        mapped = channels_from_course(course, number)
        assert mapped.geometry == outcome.channels, (label, number)
        assert mapped.closure.effective_half_time_h == pytest.approx(
            outcome.channels.closure_half_time_h, rel=1e-12
        )
        assert mapped.channels.density_per_cm2 == outcome.punctures_per_cm2
        assert mapped.channels.radius_um == outcome.channels.surface_radius_um
        skin = mapped.skin
        assert skin.stratum_corneum_um == result.parameters["Stratum corneum thickness [um]"]
        assert skin.dermis_um == result.parameters["Dermis thickness [um]"]
        assert mapped.channels.depth_um <= 0.95 * skin.total_um + 1e-9
        assert mapped.sources


@settings(max_examples=25, deadline=None)
@given(
    short=st.floats(0.1, 2.0),
    extra=st.floats(0.05, 1.0),
    kind=st.sampled_from(["pen", "roller"]),
    site=st.sampled_from(["forehead", "cheeks", "back", "abdomen"]),
)
def test_longer_needles_make_deeper_channels_that_close_later(
    short: float, extra: float, kind: str, site: str
) -> None:
    kb = load_knowledge()
    a = channels_from_settings(site, short, 2, device_kind=kind, knowledge=kb)  # type: ignore[arg-type]
    b = channels_from_settings(site, short + extra, 2, device_kind=kind, knowledge=kb)  # type: ignore[arg-type]
    assert b.geometry.depth_um >= a.geometry.depth_um
    assert b.closure.effective_half_time_h >= a.closure.effective_half_time_h
    if a.geometry.depth_um < a.skin.total_um:
        assert b.geometry.depth_um > a.geometry.depth_um


def test_passes_multiply_the_density_and_occlusion_slows_closure() -> None:
    one = channels_from_settings("cheeks", 0.5, 1, device_kind="pen")
    three = channels_from_settings("cheeks", 0.5, 3, device_kind="pen", occluded=True)
    assert three.channels.density_per_cm2 == pytest.approx(3 * one.channels.density_per_cm2)
    assert three.closure.effective_half_time_h > one.closure.effective_half_time_h
    assert three.channels.depth_um == one.channels.depth_um


def test_a_needle_through_the_skin_is_capped_above_the_sink_with_a_note() -> None:
    deep = channels_from_settings("cheeks", 2.5, 1, device_kind="pen")
    assert deep.geometry.depth_um == pytest.approx(deep.skin.total_um)
    assert deep.channels.depth_um == pytest.approx(0.95 * deep.skin.total_um)
    assert deep.notes


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"site": "elbow_of_mars"}, "site"),
        ({"device": "no_such_device"}, "device"),
        ({"device": None, "device_kind": None}, "device"),
        ({"needle_length_mm": 0.0}, "needle_length_mm"),
        ({"passes": 0}, "passes"),
    ],
)
def test_bad_settings_name_their_field(kwargs: dict[str, object], field: str) -> None:
    settings_ = {"site": "cheeks", "needle_length_mm": 0.5, "passes": 2, "device_kind": "pen"}
    settings_.update(kwargs)
    with pytest.raises(InvalidInput) as caught:
        channels_from_settings(**settings_)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_a_session_the_course_does_not_have_is_refused() -> None:
    course = _courses()[0][1]
    with pytest.raises(InvalidInput) as caught:
        channels_from_course(course, len(course.sessions) + 1)
    assert caught.value.field == "session"
