"""Whole-body reading (issue 11): findings off the treated area, Koebner-prone disease, and one
deferral per event (an operation and the scar it left)."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from screening_cases import TODAY, intake

from microneedling.knowledge import load_knowledge
from microneedling.screening import screen

KB = load_knowledge()


def _ids(**patch: object) -> dict[str, str]:
    result = screen(intake(**patch), KB, TODAY)
    return {"decision": result.decision, **{f.rule_id: f.kind for f in result.findings}}


def test_suspected_skin_cancer_on_the_back_while_cheeks_are_treated_refers_first() -> None:
    fired = _ids(
        areas=["cheeks"], skin_findings=[{"site": "back", "finding": "suspected_skin_cancer"}]
    )
    assert fired["decision"] == "deferred"
    assert fired["suspected_skin_cancer_elsewhere"] == "temporary"
    assert "skin_cancer_in_area" not in fired


def test_suspected_skin_cancer_in_the_treated_area_is_still_not_eligible() -> None:
    fired = _ids(skin_findings=[{"site": "cheeks", "finding": "suspected_skin_cancer"}])
    assert fired["decision"] == "not_eligible"


def test_skin_infection_seen_elsewhere_defers() -> None:
    fired = _ids(areas=["cheeks"], skin_findings=[{"site": "legs", "finding": "infection"}])
    assert fired["decision"] == "deferred"
    assert "infection_seen" in fired


def test_koebner_prone_disease_elsewhere_is_a_precaution_with_a_test_patch() -> None:
    for code in ("psoriasis", "vitiligo", "lichen_planus"):
        result = screen(intake(conditions=[{"code": code, "sites": ["legs"]}]), KB, TODAY)
        assert result.decision == "eligible_with_precautions", code
        (finding,) = result.findings
        assert finding.rule_id == "koebner_prone_condition"
        assert any("test patch" in m for m in finding.measures)
        assert any("Counsel" in m for m in finding.measures)


def test_koebner_prone_disease_active_on_the_treated_area_defers() -> None:
    for code in ("psoriasis", "vitiligo", "lichen_planus"):
        fired = _ids(conditions=[{"code": code, "sites": ["cheeks"]}])
        assert fired["decision"] == "deferred", code
        assert fired["inflammatory_dermatosis_in_area"] == "temporary"
        assert fired["koebner_prone_condition"] == "precaution"


def test_eczema_elsewhere_raises_nothing() -> None:
    assert _ids(conditions=[{"code": "eczema", "sites": ["legs"]}])["decision"] == "eligible"


def test_a_whole_body_finding_on_a_treated_area_names_it() -> None:
    result = screen(intake(skin_findings=[{"site": "face", "finding": "infection"}]), KB, TODAY)
    (finding,) = [f for f in result.findings if f.rule_id == "infection_seen"]
    assert finding.sites == ["cheeks", "forehead"]


@settings(max_examples=300, deadline=None)
@given(
    days_ago=st.integers(min_value=0, max_value=2 * 365),
    site=st.sampled_from(["cheeks", "forehead", "face", "neck", "chest", "decolletage", "back"]),
    areas=st.lists(
        st.sampled_from(["cheeks", "forehead", "neck", "decolletage", "chest"]),
        min_size=1,
        max_size=3,
        unique=True,
    ),
)
def test_recording_an_operation_its_scar_or_both_gives_one_decision(
    days_ago: int, site: str, areas: list[str]
) -> None:
    on = (TODAY - timedelta(days=days_ago)).isoformat()
    operation = {"procedures": [{"kind": "surgery", "performed_on": on, "sites": [site]}]}
    scar = {"skin_findings": [{"site": site, "finding": "recent_scar", "since": on}]}
    ways = [
        screen(intake(areas=areas, **operation), KB, TODAY),
        screen(intake(areas=areas, **scar), KB, TODAY),
        screen(intake(areas=areas, **operation, **scar), KB, TODAY),
    ]
    assert len({(r.decision, r.deferred_until) for r in ways}) == 1


@settings(max_examples=100, deadline=None)
@given(days_ago=st.integers(min_value=0, max_value=3 * 365))
def test_radiotherapy_to_the_chest_reads_the_same_as_to_the_decolletage(days_ago: int) -> None:
    on = (TODAY - timedelta(days=days_ago)).isoformat()
    ways = [
        screen(
            intake(
                areas=["decolletage"],
                procedures=[{"kind": "radiotherapy", "performed_on": on, "sites": [where]}],
            ),
            KB,
            TODAY,
        )
        for where in ("chest", "decolletage")
    ]
    assert len({(r.decision, r.deferred_until) for r in ways}) == 1
    assert [f.rule_id for f in ways[0].findings] == [f.rule_id for f in ways[1].findings]
