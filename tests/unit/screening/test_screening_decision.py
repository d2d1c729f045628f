"""The decision procedure, missing answers, and input the screening refuses."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError
from screening_cases import CASES, TODAY, intake

from microneedling.errors import InvalidInput
from microneedling.knowledge import UnknownEntry, load_knowledge
from microneedling.screening import Finding, Intake, MissingAnswer, SourceRef, decide, screen

RULES = load_knowledge().contraindications

#: The intake field each trigger type reads.
FIELD_OF = {
    "condition": "conditions",
    "medication": "medications",
    "procedure": "procedures",
    "finding": "skin_findings",
    "pregnancy": "pregnant",
    "breastfeeding": "breastfeeding",
    "fitzpatrick": "fitzpatrick_type",
    "age": "date_of_birth",
    "allergy": "allergies",
}


def _finding(kind: str) -> Finding:
    return Finding(
        rule_id=f"r_{kind}",
        rule_name=kind,
        kind=kind,
        reason="r",
        evidence="e",
        sources=[SourceRef(ref="x", label="X 2020")],
    )


MISSING = MissingAnswer(field="pregnant", question="?", rule_ids=["pregnancy"])


@pytest.mark.parametrize(
    ("kinds", "missing", "expected"),
    [
        ([], False, "eligible"),
        ([], True, "incomplete"),
        (["precaution"], False, "eligible_with_precautions"),
        (["precaution"], True, "incomplete"),
        (["temporary", "precaution"], False, "deferred"),
        (["temporary"], True, "deferred"),
        (["absolute", "temporary", "precaution"], False, "not_eligible"),
        (["absolute"], True, "not_eligible"),
    ],
)
def test_decide(kinds: list[str], missing: bool, expected: str) -> None:
    assert decide([_finding(k) for k in kinds], [MISSING] if missing else []) == expected


@pytest.mark.parametrize("rule_id", list(RULES))
def test_each_rule_asks_when_its_answer_is_missing(rule_id: str) -> None:
    rule = RULES[rule_id]
    field = FIELD_OF[rule.trigger.type]
    result = screen(intake(**{field: None}), today=TODAY)
    asked = {rid for m in result.missing for rid in m.rule_ids if m.field == field}
    assert rule_id in asked
    assert result.decision == "incomplete"
    assert rule.question in {m.question for m in result.missing if m.field == field}


def test_absolute_with_missing_answers_is_not_eligible_and_lists_them() -> None:
    result = screen(intake(pregnant=True, medications=None), today=TODAY)
    assert result.decision == "not_eligible"
    assert {m.field for m in result.missing} == {"medications"}


def test_deferred_with_missing_answers_shows_both() -> None:
    result = screen(intake(**CASES["cold_sore"], allergies=None), today=TODAY)
    assert result.decision == "deferred"
    assert result.deferred_until == date(2026, 12, 5)
    assert {m.field for m in result.missing} == {"allergies"}


def test_the_latest_temporary_date_wins() -> None:
    findings = CASES["cold_sore"]["skin_findings"] + CASES["recent_scar_in_area"]["skin_findings"]
    result = screen(intake(skin_findings=findings), today=TODAY)
    assert result.deferred_until == date(2027, 9, 1)  # the scar: 12 months after 2026-09-01
    assert [f.kind for f in result.findings] == ["temporary", "temporary"]


def test_findings_are_ordered_absolute_temporary_precaution() -> None:
    result = screen(intake(fitzpatrick_type=6, pregnant=True, **CASES["active_acne"]), today=TODAY)
    assert [f.kind for f in result.findings] == ["absolute", "temporary", "precaution"]


def test_pregnancy_is_not_asked_of_men() -> None:
    result = screen(intake(sex="male", pregnant=None, breastfeeding=None), today=TODAY)
    assert result.decision == "eligible"


def test_pregnancy_is_asked_when_sex_is_not_given() -> None:
    result = screen(intake(sex=None, pregnant=None), today=TODAY)
    assert "pregnant" in {m.field for m in result.missing}


def test_age_from_age_years_when_no_birth_date() -> None:
    result = screen(intake(date_of_birth=None, age_years=16), today=TODAY)
    assert "under_18" in {f.rule_id for f in result.findings}


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        (
            {"procedures": [{"kind": "surgery", "sites": ["cheeks"]}]},
            "procedures.0.performed_on",
        ),
        (
            {"procedures": [{"kind": "dermal_filler", "performed_on": "2026-10-01"}]},
            "procedures.0.sites",
        ),
        ({"conditions": [{"code": "psoriasis"}]}, "conditions.0.sites"),
        (
            {"skin_findings": [{"site": "cheeks", "finding": "recent_scar"}]},
            "skin_findings.0.since",
        ),
        ({"areas": None, "skin_findings": [{"site": "cheeks", "finding": "wart"}]}, "areas"),
        ({"areas": None, "conditions": [{"code": "rosacea", "sites": ["cheeks"]}]}, "areas"),
    ],
)
def test_a_record_lacking_a_detail_asks_for_it(patch: dict[str, object], field: str) -> None:
    result = screen(intake(**patch), today=TODAY)
    assert field in {m.field for m in result.missing}
    assert result.decision == "incomplete"


def test_a_procedure_outside_its_window_needs_no_site() -> None:
    result = screen(
        intake(procedures=[{"kind": "dermal_filler", "performed_on": "2024-01-01"}]),
        today=TODAY,
    )
    assert result.decision == "eligible"


def test_one_rule_can_fire_and_lack_an_answer() -> None:
    procedures = [
        {"kind": "surgery", "performed_on": "2026-10-01", "sites": ["cheeks"]},
        {"kind": "surgery", "sites": ["forehead"]},
    ]
    result = screen(intake(procedures=procedures), today=TODAY)
    assert result.decision == "deferred"
    assert result.missing[0].field == "procedures.1.performed_on"
    assert result.missing[0].rule_ids == ["surgery_in_area"]


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"date_of_birth": "2027-01-01"}, "date_of_birth"),
        (
            {"medications": [{"code": "isotretinoin", "stopped_on": "2026-11-22"}]},
            "medications.0.stopped_on",
        ),
        (
            {"procedures": [{"kind": "surgery", "performed_on": "2030-01-01", "sites": []}]},
            "procedures.0.performed_on",
        ),
        (
            {
                "skin_findings": [
                    {"site": "cheeks", "finding": "recent_scar", "since": "2027-01-01"}
                ]
            },
            "skin_findings.0.since",
        ),
    ],
)
def test_future_dates_for_past_events_are_refused(patch: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        screen(intake(**patch), today=TODAY)
    assert caught.value.field == field
    assert "future" in caught.value.problem


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"areas": ["cheeks", "cheek"]}, "areas.1"),
        ({"conditions": [{"code": "eczema", "sites": ["elbow"]}]}, "conditions.0.sites.0"),
        ({"skin_findings": [{"site": "faces", "finding": "wart"}]}, "skin_findings.0.site"),
    ],
)
def test_unknown_sites_are_refused_naming_the_field(patch: dict[str, object], field: str) -> None:
    with pytest.raises(UnknownEntry) as caught:
        screen(intake(**patch), today=TODAY)
    assert caught.value.field == field


@pytest.mark.parametrize(
    "raw",
    [
        {"fitzpatrick_type": 7},
        {"fitzpatrick_type": "three"},
        {"conditions": [{"code": "lupus"}]},
        {
            "medications": [
                {"code": "isotretinoin", "started_on": "2026-05-01", "stopped_on": "2026-04-01"}
            ]
        },
        {"date_of_birth": "1980-01-01", "age_years": 46},
        {"pregnant": "maybe"},
        {"allergy": ["nickel"]},
    ],
)
def test_malformed_intakes_are_refused(raw: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Intake.model_validate(raw)


def test_screening_is_pure_and_repeatable() -> None:
    subject = intake(**CASES["fitzpatrick_iv_vi"])
    assert screen(subject, today=TODAY) == screen(subject, today=TODAY)
