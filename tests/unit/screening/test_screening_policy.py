"""Conservative by default, relaxable with a reason and a source; every screening records its
policy and rule-set version."""

from __future__ import annotations

import json

import pytest
from screening_cases import TODAY, intake

from microneedling.errors import InvalidInput
from microneedling.knowledge import RULESET_VERSION, load_knowledge
from microneedling.screening import Relaxation, ScreeningPolicy, ScreeningResult, screen
from microneedling.screening.policy import policy_from_json

KB = load_knowledge()
RELAXABLE = [r.id for r in KB.contraindications.values() if r.sources_disagree]
STOPPED_TWO_MONTHS_AGO = {"medications": [{"code": "isotretinoin", "stopped_on": "2026-09-21"}]}


def test_isotretinoin_stopped_two_months_ago_defers_by_default_and_says_why() -> None:
    result = screen(intake(**STOPPED_TWO_MONTHS_AGO), KB, TODAY)
    assert result.decision == "deferred"
    (finding,) = result.findings
    assert finding.rule_id == "isotretinoin_recent"
    assert "Spring et al." in finding.reason
    assert "more conservative by default" in finding.reason
    assert result.policy == ScreeningPolicy()
    assert result.ruleset_version == RULESET_VERSION == "2026.12.1"


def test_a_clinic_may_relax_it_with_a_reason_and_a_source_and_the_screening_records_it() -> None:
    relax = Relaxation(
        rule_id="isotretinoin_recent",
        reason="our dermatologists follow the 2017 consensus",
        source="spring2017",
    )
    policy = ScreeningPolicy(relaxations=[relax])
    result = screen(intake(**STOPPED_TWO_MONTHS_AGO), KB, TODAY, policy)
    assert result.decision == "eligible_with_precautions"
    (finding,) = result.findings
    assert finding.kind == "precaution"
    assert "our dermatologists follow the 2017 consensus" in finding.reason
    assert "spring2017" in finding.reason
    assert [s.ref for s in finding.sources] == ["spring2017"]
    assert result.policy.relaxations == [relax]


def test_relaxing_a_rule_never_touches_another() -> None:
    policy = ScreeningPolicy(
        relaxations=[Relaxation(rule_id="breastfeeding", reason="r", source="dermapen4_ifu")]
    )
    result = screen(intake(**STOPPED_TWO_MONTHS_AGO), KB, TODAY, policy)
    assert result.decision == "deferred"


@pytest.mark.parametrize("rule_id", RELAXABLE)
def test_every_relaxable_rule_has_a_valid_relaxed_form_citing_a_source(rule_id: str) -> None:
    rule = KB.contraindications[rule_id]
    relaxed = rule.relaxed()
    assert relaxed.sources
    order = ["precaution", "temporary", "absolute"]
    stricter = order.index(rule.kind) > order.index(relaxed.kind)
    assert stricter or (rule.waiting_days or 0) > (relaxed.waiting_days or 0)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('[{"rule_id": "isotretinoin_recnt", "reason": "r", "source": "s"}]', "X.0.rule_id"),
        ('[{"rule_id": "pregnancy", "reason": "r", "source": "s"}]', "X.0.rule_id"),
        ('[{"rule_id": "isotretinoin_recent", "source": "s"}]', "X.0.reason"),
        ('[{"rule_id": "isotretinoin_recent", "reason": "r"}]', "X.0.source"),
        ('[{"rule_id": "isotretinoin_recent", "reason": " ", "source": "s"}]', "X.0.reason"),
        ('{"rule_id": "isotretinoin_recent"}', "X"),
        ("[{", "X"),
    ],
)
def test_bad_relaxations_give_one_error_naming_the_field(text: str, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        policy_from_json(text, KB, "X")
    assert caught.value.field == field


def test_no_relaxations_is_the_conservative_policy() -> None:
    assert policy_from_json(None, KB) == ScreeningPolicy()
    assert policy_from_json(" ", KB) == ScreeningPolicy()
    text = json.dumps([{"rule_id": "filler_in_area", "reason": "r", "source": "s"}])
    assert policy_from_json(text, KB).relaxations[0].rule_id == "filler_in_area"


def test_a_stored_screening_from_before_policies_keeps_its_version() -> None:
    old = {"decision": "eligible", "screened_on": "2026-01-05", "ruleset_version": "2026.11.1"}
    result = ScreeningResult.model_validate(old)
    assert result.ruleset_version == "2026.11.1"
    assert result.policy == ScreeningPolicy()


def test_the_clinic_settings_refuse_a_bad_relaxation_at_startup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pydantic import ValidationError

    from microneedling.clinic.settings import ClinicSettings

    monkeypatch.setenv("MICRONEEDLING_RULE_RELAXATIONS", '[{"rule_id": "isotretinoin_recent"}]')
    with pytest.raises(ValidationError) as caught:
        ClinicSettings()
    assert "MICRONEEDLING_RULE_RELAXATIONS.0.reason" in str(caught.value)
