"""Every kind of trigger in one table: how it reads an intake and how it is said in words.

A new trigger type is one model in ``knowledge/contraindications.py`` and one entry here; a test
fails when a member of the ``Trigger`` union has no entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from microneedling.knowledge.anatomy import BodyMap
from microneedling.knowledge.contraindications import (
    AgeTrigger,
    AllergyTrigger,
    BreastfeedingTrigger,
    ConditionTrigger,
    Contraindication,
    FindingTrigger,
    FitzpatrickTrigger,
    MedicationTrigger,
    PregnancyTrigger,
    ProcedureTrigger,
)
from microneedling.screening import triggers as r
from microneedling.screening.intake import Intake

T = TypeVar("T")


@dataclass(frozen=True)
class TriggerType(Generic[T]):
    """One trigger type: its reader and its description for the rule table."""

    model: type[T]
    read: Callable[[Contraindication, T, Intake, date, BodyMap], r.Reading]
    describe: Callable[[Contraindication, T], str]


def _codes(codes: list[str]) -> str:
    return ", ".join(c.replace("_", " ") for c in codes)


def _condition(rule: Contraindication, t: ConditionTrigger) -> str:
    when = "current or past" if t.history and rule.kind != "temporary" else "current"
    where = " in a treated area" if t.same_area else ""
    return f"condition{where} ({when}): {_codes(list(t.codes))}"


def _medication(rule: Contraindication, t: MedicationTrigger) -> str:
    window = rule.waiting_days if rule.kind == "temporary" else t.within_days
    recent = f", or stopped within {window} days" if window else ""
    return f"medication taken now{recent}: {_codes(list(t.classes))}"


def _procedure(rule: Contraindication, t: ProcedureTrigger) -> str:
    window = rule.waiting_days if rule.kind == "temporary" else t.within_days
    where = " in a treated area" if t.same_area else ""
    when = f" within {window} days" if window else " at any time"
    return f"procedure{where}: {_codes(list(t.kinds))}{when}"


def _finding(rule: Contraindication, t: FindingTrigger) -> str:
    where = "at a treated area" if t.same_area else "anywhere"
    age = f", begun within {t.younger_than_days} days" if t.younger_than_days else ""
    return f"skin finding {where}: {_codes(list(t.findings))}{age}"


def _age(rule: Contraindication, t: AgeTrigger) -> str:
    low = f"{t.at_least_years} ≤ " if t.at_least_years else ""
    return f"{low}age < {t.below_years} years"


TRIGGER_TYPES: dict[type[Any], TriggerType[Any]] = {
    entry.model: entry
    for entry in (
        TriggerType(ConditionTrigger, r.read_condition, _condition),
        TriggerType(MedicationTrigger, r.read_medication, _medication),
        TriggerType(ProcedureTrigger, r.read_procedure, _procedure),
        TriggerType(FindingTrigger, r.read_finding, _finding),
        TriggerType(PregnancyTrigger, r.read_pregnancy, lambda rule, t: "pregnant"),
        TriggerType(BreastfeedingTrigger, r.read_breastfeeding, lambda rule, t: "breastfeeding"),
        TriggerType(
            FitzpatrickTrigger,
            r.read_fitzpatrick,
            lambda rule, t: "Fitzpatrick skin type " + ", ".join(str(x) for x in t.types),
        ),
        TriggerType(AgeTrigger, r.read_age, _age),
        TriggerType(
            AllergyTrigger,
            r.read_allergy,
            lambda rule, t: f"allergy: {_codes(list(t.substances))}",
        ),
    )
}


def read(rule: Contraindication, intake: Intake, today: date, body: BodyMap) -> r.Reading:
    """Evaluate ``rule`` against ``intake`` on ``today``; sites overlap as ``body`` nests them."""
    return TRIGGER_TYPES[type(rule.trigger)].read(rule, rule.trigger, intake, today, body)


def describe_trigger(rule: Contraindication) -> str:
    """The trigger in words, e.g. 'procedure in a treated area: surgery within 365 days'."""
    return TRIGGER_TYPES[type(rule.trigger)].describe(rule, rule.trigger)
