"""Each depth rule fires on its trigger and not otherwise; refusals name the field."""

from __future__ import annotations

import pytest
from planning_factories import TODAY, cap, eligible, request

from microneedling.errors import RequestRefused
from microneedling.knowledge import KnowledgeBase
from microneedling.planning import NeedleDepth, make_plan


def depth_of(kb: KnowledgeBase, *findings: object, **area: object) -> NeedleDepth:
    plan = make_plan(request(area), eligible(*findings), kb, TODAY)  # type: ignore[arg-type]
    return plan.areas[0].depth


def rules(depth: NeedleDepth) -> list[str]:
    return [s.rule for s in depth.steps]


def test_guide_alone_when_no_limit_binds(kb: KnowledgeBase) -> None:
    depth = depth_of(kb, site="cheeks", concerns=[("fine_lines", "moderate")])
    assert rules(depth) == ["concern_guide"]
    assert depth.value_mm == 0.75  # middle of 0.5-1.0 for moderate
    assert depth.steps[0].sources[0].ref == "guide2018"


@pytest.mark.parametrize(("severity", "expected"), [("mild", 1.0), ("moderate", 1.5)])
def test_site_max_not_fired_within_range(kb: KnowledgeBase, severity: str, expected: float) -> None:
    depth = depth_of(kb, site="cheeks", concerns=[("acne_scars", severity)])
    assert rules(depth) == ["concern_guide"]
    assert depth.value_mm == expected


def test_site_max_clamps_a_deeper_guide(kb: KnowledgeBase) -> None:
    depth = depth_of(kb, site="cheeks", concerns=[("acne_scars", "severe")])
    assert rules(depth) == ["concern_guide", "site_safe_max"]
    assert [s.value_mm for s in depth.steps] == [2.0, 1.5]


def test_site_min_raises_a_guide_below_the_site_range(kb: KnowledgeBase) -> None:
    depth = depth_of(kb, site="cheeks", concerns=[("superficial", "mild")])
    assert rules(depth) == ["concern_guide", "site_safe_min"]
    assert depth.value_mm == 0.5


def test_device_labelled_max_clamps_only_when_below_site_limit(kb: KnowledgeBase) -> None:
    labelled_2 = make_plan(
        request({"site": "thighs", "concerns": [("striae", "severe")]}, device="pen_label_2"),
        eligible(),
        kb,
        TODAY,
    )
    assert rules(labelled_2.areas[0].depth) == ["concern_guide", "device_labelled_max"]
    assert labelled_2.areas[0].depth.value_mm == 2.0
    full_pen = depth_of(kb, site="thighs", concerns=[("striae", "severe")])
    assert rules(full_pen) == ["concern_guide"]
    assert full_pen.value_mm == 2.5


def test_device_min_setting_raises_a_shallower_guide(kb: KnowledgeBase) -> None:
    plan = make_plan(
        request({"site": "cheeks", "concerns": [("fine_lines", "mild")]}, device="pen_min_075"),
        eligible(),
        kb,
        TODAY,
    )
    assert rules(plan.areas[0].depth) == ["concern_guide", "device_min_setting"]
    assert plan.areas[0].depth.value_mm == 0.75


def test_roller_sets_its_fixed_length(kb: KnowledgeBase) -> None:
    plan = make_plan(
        request(
            {"site": "cheeks", "concerns": [("fine_lines", "mild")]},
            device="roller_15",
            cartridge=None,
        ),
        eligible(),
        kb,
        TODAY,
    )
    assert rules(plan.areas[0].depth) == ["concern_guide", "roller_fixed_length"]
    assert plan.areas[0].depth.value_mm == 1.5


def test_roller_longer_than_site_allows_is_refused(kb: KnowledgeBase) -> None:
    req = request(
        {"site": "periorbital", "concerns": [("fine_lines", "mild")]},
        device="roller_15",
        cartridge=None,
    )
    with pytest.raises(RequestRefused) as err:
        make_plan(req, eligible(), kb, TODAY)
    assert err.value.field == "device"
    assert "1.5 mm" in err.value.problem


def test_precaution_cap_lowers_the_depth_with_its_sources(kb: KnowledgeBase) -> None:
    depth = depth_of(kb, cap(1.0), site="cheeks", concerns=[("acne_scars", "moderate")])
    assert rules(depth) == ["concern_guide", "precaution_cap"]
    assert depth.value_mm == 1.0
    assert depth.steps[-1].sources[0].ref == "guide2018"


def test_precaution_cap_above_the_depth_does_not_fire(kb: KnowledgeBase) -> None:
    depth = depth_of(kb, cap(1.0), site="cheeks", concerns=[("fine_lines", "moderate")])
    assert rules(depth) == ["concern_guide"]


def test_precaution_cap_for_another_site_does_not_fire(kb: KnowledgeBase) -> None:
    depth = depth_of(
        kb, cap(0.5, sites=["forehead"]), site="cheeks", concerns=[("acne_scars", "moderate")]
    )
    assert rules(depth) == ["concern_guide"]
    assert depth.value_mm == 1.5


def test_all_limits_in_order(kb: KnowledgeBase) -> None:
    plan = make_plan(
        request({"site": "thighs", "concerns": [("striae", "severe")]}, device="pen_label_2"),
        eligible(cap(1.2)),
        kb,
        TODAY,
    )
    assert rules(plan.areas[0].depth) == ["concern_guide", "device_labelled_max", "precaution_cap"]
    assert [s.value_mm for s in plan.areas[0].depth.steps] == [2.5, 2.0, 1.2]


def test_cap_below_roller_length_is_refused(kb: KnowledgeBase) -> None:
    req = request(
        {"site": "cheeks", "concerns": [("fine_lines", "mild")]}, device="roller_15", cartridge=None
    )
    with pytest.raises(RequestRefused, match=r"caps the depth for the site Cheeks at 1\.0 mm"):
        make_plan(req, eligible(cap(1.0)), kb, TODAY)


def test_area_depth_is_its_deepest_concern(kb: KnowledgeBase) -> None:
    plan = make_plan(
        request(
            {"site": "cheeks", "concerns": [("fine_lines", "mild"), ("acne_scars", "moderate")]}
        ),
        eligible(),
        kb,
        TODAY,
    )
    area = plan.areas[0]
    assert [c.depth.value_mm for c in area.concerns] == [0.5, 1.5]
    assert area.depth.value_mm == 1.5
    assert area.depth.steps[0].reason.startswith("Acne scars")


def test_requested_depth_within_limits_is_kept(kb: KnowledgeBase) -> None:
    depth = depth_of(kb, site="cheeks", concerns=[("fine_lines", "mild")], depth_mm=1.25)
    assert rules(depth) == ["practitioner_request"]
    assert depth.value_mm == 1.25
    assert depth.steps[0].unsourced


@pytest.mark.parametrize(
    ("site", "depth_mm", "device", "findings", "words"),
    [
        ("periorbital", 2.0, "pen", [], "safe depth for the site Periorbital: at most"),
        ("thighs", 2.25, "pen_label_2", [], "labelled maximum"),
        ("cheeks", 1.0, "roller_15", [], "fixed 1.5 mm needles"),
        ("cheeks", 0.5, "pen_min_075", [], "set from 0.75"),
        ("cheeks", 1.25, "pen", [cap(1.0)], "cap of a screening precaution"),
    ],
)
def test_requested_depth_beyond_a_limit_is_refused(
    kb: KnowledgeBase,
    site: str,
    depth_mm: float,
    device: str,
    findings: list[object],
    words: str,
) -> None:
    concern = "striae" if site == "thighs" else "fine_lines"
    req = request(
        {"site": site, "concerns": [(concern, "mild")], "depth_mm": depth_mm},
        device=device,
        cartridge=None if device.startswith("roller") else "12",
    )
    with pytest.raises(RequestRefused) as err:
        make_plan(req, eligible(*findings), kb, TODAY)  # type: ignore[arg-type]
    assert err.value.field == "areas.0.depth_mm"
    assert words in err.value.problem


def test_a_refused_depth_names_the_site_as_the_knowledge_base_does() -> None:
    from microneedling.knowledge import load_knowledge

    req = request(
        {"site": "periorbital", "concerns": [("fine_lines", "mild")], "depth_mm": 2.0},
        device="generic_pen_12",
    )
    with pytest.raises(RequestRefused) as err:
        make_plan(req, eligible(), load_knowledge(), TODAY)
    assert err.value.problem == (
        "2.0 mm is beyond the safe depth for the site Around the eyes (periorbital): at most 0.5 mm"
    )
