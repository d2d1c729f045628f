"""Device materials against allergies: no plan ever uses a device the patient is allergic to."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from planning_factories import eligible

from microneedling.errors import RequestRefused
from microneedling.knowledge import Catalogue, load_knowledge
from microneedling.knowledge.contraindications import ALLERGY_CODES
from microneedling.planning import PlanRequest, TreatmentPlan, make_plan
from microneedling.planning.materials import clashes
from microneedling.screening import Intake

PACKAGED = load_knowledge()
_pen = PACKAGED.devices["generic_pen_12"]
#: The packaged devices plus two test pens with other needles, so that some devices fit.
KB = dataclasses.replace(
    PACKAGED,
    devices=Catalogue(
        "device",
        [
            *PACKAGED.devices.values(),
            _pen.model_copy(
                update={
                    "id": "titanium_pen",
                    "name": "Titanium pen",
                    "needle_material": "titanium",
                    "holder_material": "polymer",
                }
            ),
            _pen.model_copy(
                update={
                    "id": "gold_pen",
                    "name": "Gold-plated pen",
                    "needle_material": "gold_plated",
                }
            ),
        ],
    ),
)
TODAY = date(2026, 12, 1)


def _request(device: str, allergies: list[str]) -> PlanRequest:
    d = KB.devices[device]
    return PlanRequest.model_validate(
        {
            "intake": Intake(age_years=40, areas=["cheeks"], allergies=allergies),
            "areas": [
                {"site": "cheeks", "concerns": [{"concern": "fine_lines", "severity": "mild"}]}
            ],
            "device": device,
            "cartridge": d.cartridges[0].id if d.cartridges else None,
        }
    )


def test_stainless_steel_allergy_refuses_a_steel_pen_naming_the_material_and_the_fit() -> None:
    with pytest.raises(RequestRefused) as caught:
        make_plan(_request("skinpen_precision", ["stainless_steel"]), eligible(), KB, TODAY)
    assert caught.value.field == "device"
    assert "stainless steel in its needles (stainless steel)" in caught.value.problem
    assert "titanium_pen" in caught.value.problem
    assert "gold_pen" in caught.value.problem


def test_gold_allergy_refuses_the_gold_plated_pen_only() -> None:
    with pytest.raises(RequestRefused) as caught:
        make_plan(_request("gold_pen", ["gold"]), eligible(), KB, TODAY)
    assert "gold in its needles" in caught.value.problem
    assert make_plan(_request("skinpen_precision", ["gold"]), eligible(), KB, TODAY)


def test_with_only_steel_devices_the_refusal_says_none_fits() -> None:
    with pytest.raises(RequestRefused) as caught:
        make_plan(_request("generic_pen_12", ["nickel"]), eligible(), PACKAGED, TODAY)
    assert "no device in the knowledge base fits" in caught.value.problem


def test_a_classified_other_allergy_counts_like_a_listed_one() -> None:
    request = _request("skinpen_precision", []).model_copy(
        update={
            "intake": Intake(
                age_years=40,
                areas=["cheeks"],
                allergies=[],
                other_allergies=[{"description": "watch strap rash", "classified_as": "nickel"}],
            )
        }
    )
    with pytest.raises(RequestRefused, match="nickel"):
        make_plan(request, eligible(), KB, TODAY)


def test_an_unknown_cartridge_material_is_noted_on_the_plan() -> None:
    plan = make_plan(_request("titanium_pen", ["latex"]), eligible(), KB, TODAY)
    assert not any("not recorded" in n for n in plan.notes)
    plan = make_plan(_request("gold_pen", ["latex"]), eligible(), KB, TODAY)
    assert any("cartridge material of Gold-plated pen is not recorded" in n for n in plan.notes)


@settings(max_examples=200, deadline=None)
@given(
    device=st.sampled_from(list(KB.devices)),
    allergies=st.lists(st.sampled_from(ALLERGY_CODES), max_size=4, unique=True),
)
def test_no_plan_ever_uses_a_device_the_patient_is_allergic_to(
    device: str, allergies: list[str]
) -> None:
    try:
        plan: TreatmentPlan | RequestRefused = make_plan(
            _request(device, allergies), eligible(), KB, TODAY
        )
    except RequestRefused as refused:
        plan = refused
    found = clashes(KB.devices[device], allergies)
    if isinstance(plan, TreatmentPlan):
        assert not found
        assert plan.device.id == device
    else:
        assert found, plan.problem
        assert plan.field == "device"
        for code in found:
            assert code.replace("_", " ") in plan.problem
