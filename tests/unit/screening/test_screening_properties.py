"""Properties of the decision over generated intakes (Hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from screening_cases import CASES, TODAY

from microneedling.knowledge import load_knowledge
from microneedling.knowledge.contraindications import (
    ALLERGY_CODES,
    CONDITION_CODES,
    MEDICATION_CLASSES,
    PROCEDURE_KINDS,
    SKIN_FINDING_CODES,
)
from microneedling.screening import Intake, screen

KB = load_knowledge()
SITES = sorted(KB.sites)
ABSOLUTE = [r.id for r in KB.contraindications.values() if r.kind == "absolute"]
#: Most permissive first: adding a contraindication may only move a decision down this list.
PERMISSIVENESS = ["eligible", "eligible_with_precautions", "incomplete", "deferred", "not_eligible"]

past_days = st.integers(min_value=0, max_value=3 * 365).map(lambda d: TODAY - timedelta(days=d))
sites = st.lists(st.sampled_from(SITES), min_size=1, max_size=3, unique=True)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


conditions = st.fixed_dictionaries(
    {"code": st.sampled_from(CONDITION_CODES), "current": st.booleans()},
    optional={"sites": maybe(sites)},
)
medications = st.fixed_dictionaries(
    {"code": st.sampled_from(MEDICATION_CLASSES)}, optional={"stopped_on": maybe(past_days)}
)
procedures = st.fixed_dictionaries(
    {"kind": st.sampled_from(PROCEDURE_KINDS)},
    optional={"performed_on": maybe(past_days), "sites": maybe(sites)},
)
findings = st.fixed_dictionaries(
    {"site": st.sampled_from(SITES), "finding": st.sampled_from(SKIN_FINDING_CODES)},
    optional={"since": maybe(past_days)},
)
records = {
    "conditions": conditions,
    "medications": medications,
    "procedures": procedures,
    "skin_findings": findings,
}

intakes = st.fixed_dictionaries(
    {
        "date_of_birth": maybe(
            st.dates(min_value=date(1930, 1, 1), max_value=TODAY).map(date.isoformat)
        ),
        "sex": maybe(st.sampled_from(["female", "male"])),
        "pregnant": maybe(st.booleans()),
        "breastfeeding": maybe(st.booleans()),
        "fitzpatrick_type": maybe(st.integers(1, 6)),
        "areas": maybe(sites),
        "conditions": maybe(st.lists(conditions, max_size=3)),
        "medications": maybe(st.lists(medications, max_size=3)),
        "procedures": maybe(st.lists(procedures, max_size=3)),
        "allergies": maybe(st.lists(st.sampled_from(ALLERGY_CODES), max_size=2, unique=True)),
        "skin_findings": maybe(st.lists(findings, max_size=3)),
    }
).filter(  # a "yes" to pregnancy or breastfeeding beside sex "male" is refused by the intake
    lambda raw: raw["sex"] != "male" or not (raw["pregnant"] or raw["breastfeeding"])
)


def _rank(decision: str) -> int:
    return PERMISSIVENESS.index(decision)


@settings(max_examples=300, deadline=None)
@given(raw=intakes)
def test_missing_answers_never_give_eligible(raw: dict[str, Any]) -> None:
    result = screen(Intake.model_validate(raw), KB, TODAY)
    if result.missing:
        assert result.decision not in ("eligible", "eligible_with_precautions")
    # Every top-level answer matters to some rule: leaving any unasked blocks treatment.
    asked = ["fitzpatrick_type", "conditions", "medications", "procedures", "allergies"]
    asked += ["skin_findings", "date_of_birth"]
    if raw["sex"] != "male":
        asked += ["pregnant", "breastfeeding"]
    if any(raw[field] is None for field in asked):
        assert not result.may_treat


@settings(max_examples=200, deadline=None)
@given(raw=intakes, rule_id=st.sampled_from(ABSOLUTE))
def test_an_absolute_contraindication_is_never_eligible(raw: dict[str, Any], rule_id: str) -> None:
    patch = CASES[rule_id]
    merged = dict(raw)
    for key, value in patch.items():
        if isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = merged[key] + value
        else:
            merged[key] = value
    if rule_id.endswith("_in_area"):
        merged["areas"] = sorted({*(merged.get("areas") or []), "cheeks", "forehead"})
    if rule_id in ("pregnancy", "breastfeeding"):
        merged["sex"] = "female"
    if "date_of_birth" in patch:
        merged.pop("age_years", None)
    result = screen(Intake.model_validate(merged), KB, TODAY)
    assert rule_id in {f.rule_id for f in result.findings}
    assert result.decision == "not_eligible"


@settings(max_examples=300, deadline=None)
@given(raw=intakes)
def test_deferral_dates_are_after_the_screening_date(raw: dict[str, Any]) -> None:
    result = screen(Intake.model_validate(raw), KB, TODAY)
    for finding in result.findings:
        if finding.kind == "temporary":
            assert finding.deferred_until is not None
            assert finding.deferred_until > TODAY
        else:
            assert finding.deferred_until is None
    if result.decision == "deferred":
        assert result.deferred_until is not None
        assert result.deferred_until > TODAY
    else:
        assert result.deferred_until is None


@settings(max_examples=300, deadline=None)
@given(raw=intakes, data=st.data())
def test_adding_a_contraindication_never_makes_the_decision_more_permissive(
    raw: dict[str, Any], data: st.DataObject
) -> None:
    before = screen(Intake.model_validate(raw), KB, TODAY)
    grown = dict(raw)
    choice = data.draw(st.sampled_from([*records, "allergies", "pregnant", "breastfeeding"]))
    if choice in records:
        grown[choice] = [*(raw[choice] or []), data.draw(records[choice])]
    elif choice == "allergies":
        extra = data.draw(st.sampled_from(ALLERGY_CODES))
        grown["allergies"] = sorted({*(raw["allergies"] or []), extra})
    elif raw[choice] is not None and raw["sex"] != "male":  # a man's "yes" is refused
        grown[choice] = True
    after = screen(Intake.model_validate(grown), KB, TODAY)
    assert _rank(after.decision) >= _rank(before.decision)
    if before.decision == after.decision == "deferred":
        assert after.deferred_until is not None
        assert before.deferred_until is not None
        assert after.deferred_until >= before.deferred_until
    fired_before = {f.rule_id for f in before.findings}
    assert fired_before <= {f.rule_id for f in after.findings}
