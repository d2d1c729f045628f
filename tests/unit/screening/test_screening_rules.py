"""Every rule fires on its trigger and not otherwise (parametrised over contraindications.yaml)."""

from __future__ import annotations

from typing import Any

import pytest
from screening_cases import BASELINE, CASES, NEAR_MISSES, TODAY, intake

from microneedling.knowledge import Contraindication, load_knowledge
from microneedling.screening import screen

RULES = load_knowledge().contraindications
EXPECTED_DECISION = {
    "absolute": "not_eligible",
    "temporary": "deferred",
    "precaution": "eligible_with_precautions",
}


def test_every_rule_has_a_trigger_case() -> None:
    assert set(CASES) == set(RULES), "add a case for each new rule (and drop stale ones)"


def test_near_misses_name_real_rules() -> None:
    assert set(NEAR_MISSES) <= set(RULES)


def test_baseline_fires_nothing_and_is_eligible() -> None:
    result = screen(intake(), today=TODAY)
    assert result.findings == []
    assert result.missing == []
    assert result.decision == "eligible"


@pytest.mark.parametrize("rule_id", list(RULES))
def test_rule_fires_on_its_trigger(rule_id: str) -> None:
    rule: Contraindication = RULES[rule_id]
    result = screen(intake(**CASES[rule_id]), today=TODAY)
    fired = {f.rule_id: f for f in result.findings}
    assert rule_id in fired, f"{rule_id} did not fire on its case"
    finding = fired[rule_id]
    assert finding.kind == rule.kind
    assert finding.reason.startswith(rule.reason)
    if rule.sources_disagree is not None:  # the reason says so, and that the default is stricter
        assert "Sources disagree" in finding.reason
        assert "more conservative by default" in finding.reason
    assert finding.evidence
    assert [s.ref for s in finding.sources] == [c.ref for c in rule.sources]
    assert result.missing == []
    if rule.kind == "temporary":
        assert finding.deferred_until is not None
        assert finding.deferred_until > TODAY
    else:
        assert finding.deferred_until is None
    if rule.kind == "precaution":
        assert finding.measures == rule.measures
    assert finding.max_depth_mm == rule.max_depth_mm
    # Every case is built to fire one rule of its kind or milder, so the kind decides.
    assert result.decision == EXPECTED_DECISION[rule.kind]


@pytest.mark.parametrize(
    ("rule_id", "patch"),
    [(rule_id, patch) for rule_id, patches in NEAR_MISSES.items() for patch in patches],
)
def test_rule_does_not_fire_on_a_near_miss(rule_id: str, patch: dict[str, Any]) -> None:
    result = screen(intake(**patch), today=TODAY)
    assert rule_id not in {f.rule_id for f in result.findings}


def test_area_rules_name_the_treated_sites_only() -> None:
    result = screen(intake(**CASES["inflammatory_dermatosis_in_area"]), today=TODAY)
    (finding,) = result.findings
    assert finding.sites == ["cheeks"]  # eczema also on the arms, which are not treated


def test_patient_wide_rules_have_no_sites() -> None:
    result = screen(intake(**CASES["fitzpatrick_iv_vi"]), today=TODAY)
    assert result.findings[0].sites is None
    assert result.depth_cap_mm("cheeks") == 1.5


@pytest.mark.parametrize(
    ("rule_id", "until"),
    [
        ("recent_scar_in_area", "2027-09-01"),  # scar 2026-09-01 + 365 days
        ("surgery_in_area", "2027-03-01"),  # 2026-03-01 + 365 days
        ("botulinum_toxin_in_area", "2027-05-17"),  # 2026-11-15 + 183 days
        ("immunosuppressive_treatment", "2026-12-08"),  # stopped 2026-11-10 + 28 days
        # still taking: today + 183 days (isotretinoin_recent; isotretinoin_current alone: +30)
        ("isotretinoin_current", "2027-05-23"),
        ("cold_sore", "2026-12-05"),  # ongoing: today + 14 days
    ],
)
def test_deferral_dates(rule_id: str, until: str) -> None:
    result = screen(intake(**CASES[rule_id]), today=TODAY)
    assert result.decision == "deferred"
    assert result.deferred_until is not None
    assert result.deferred_until.isoformat() == until


def test_baseline_is_fully_answered() -> None:
    assert all(value is not None for value in BASELINE.values())
