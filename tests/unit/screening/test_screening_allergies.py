"""Allergies: metals, anaesthetics, antiseptics, latex, and "other" allergies a clinician
classifies before the screening can be complete."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from screening_cases import TODAY, intake

from microneedling.knowledge import load_knowledge
from microneedling.screening import screen

KB = load_knowledge()


@pytest.mark.parametrize("metal", ["nickel", "chromium", "cobalt", "gold", "stainless_steel"])
def test_every_metal_can_be_recorded_and_fires_the_metal_rule(metal: str) -> None:
    result = screen(intake(allergies=[metal]), KB, TODAY)
    assert [f.rule_id for f in result.findings] == ["metal_allergy"]
    assert result.decision == "eligible_with_precautions"


def test_an_unclassified_other_allergy_keeps_the_screening_incomplete() -> None:
    result = screen(intake(other_allergies=[{"description": "rash from a watch strap"}]), KB, TODAY)
    assert result.decision == "incomplete"
    (missing,) = result.missing
    assert missing.field == "other_allergies.0.classified_as"
    assert "rash from a watch strap" in missing.question
    assert "metal_allergy" in missing.rule_ids


def test_a_classified_other_allergy_is_read_as_its_code() -> None:
    other = [{"description": "rash from a watch strap", "classified_as": "nickel"}]
    result = screen(intake(other_allergies=other), KB, TODAY)
    assert result.decision == "eligible_with_precautions"
    assert [f.rule_id for f in result.findings] == ["metal_allergy"]


def test_an_other_allergy_classified_unrelated_changes_nothing() -> None:
    other = [{"description": "penicillin", "classified_as": "unrelated"}]
    assert screen(intake(other_allergies=other), KB, TODAY).decision == "eligible"


@pytest.mark.parametrize(
    ("other", "field"),
    [
        ({"description": "   "}, "description"),
        ({"description": "x", "classified_as": "steel"}, "classified_as"),
        ({"classified_as": "gold"}, "description"),
    ],
)
def test_bad_other_allergies_name_the_field(other: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        intake(other_allergies=[other])
    assert caught.value.errors()[0]["loc"][:3] == ("other_allergies", 0, field)
