"""Contraindications and precautions, each with the intake answer that triggers it.

A trigger names *what in the intake* the rule looks at; the screening module evaluates it.
Kinds: ``absolute`` (not eligible), ``temporary`` (deferred for ``waiting_days`` after the
triggering event ends), ``precaution`` (eligible with ``measures``; may cap the needle depth).
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from microneedling.knowledge.base import EntryId, Frozen, Sourced


class ConditionTrigger(Frozen):
    """A current (or, with ``history``, past) medical condition."""

    type: Literal["condition"] = "condition"
    codes: list[EntryId] = Field(min_length=1)
    history: bool = False


class MedicationTrigger(Frozen):
    """A medication class taken now or stopped within ``within_days``."""

    type: Literal["medication"] = "medication"
    classes: list[EntryId] = Field(min_length=1)
    within_days: int = Field(default=0, ge=0)


class ProcedureTrigger(Frozen):
    """A procedure within ``within_days`` (in a treated area only, if ``same_area``)."""

    type: Literal["procedure"] = "procedure"
    kinds: list[EntryId] = Field(min_length=1)
    within_days: int = Field(gt=0)
    same_area: bool = False


class FindingTrigger(Frozen):
    """Something seen at an area the patient wants treated (a cold sore, a mole, a wound)."""

    type: Literal["finding"] = "finding"
    findings: list[EntryId] = Field(min_length=1)


class PregnancyTrigger(Frozen):
    type: Literal["pregnancy"] = "pregnancy"
    include_breastfeeding: bool = False


class FitzpatrickTrigger(Frozen):
    type: Literal["fitzpatrick"] = "fitzpatrick"
    types: list[Annotated[int, Field(ge=1, le=6)]] = Field(min_length=1)


class AgeTrigger(Frozen):
    type: Literal["age"] = "age"
    below_years: int = Field(gt=0)


class AllergyTrigger(Frozen):
    type: Literal["allergy"] = "allergy"
    substances: list[EntryId] = Field(min_length=1)


Trigger = Annotated[
    ConditionTrigger
    | MedicationTrigger
    | ProcedureTrigger
    | FindingTrigger
    | PregnancyTrigger
    | FitzpatrickTrigger
    | AgeTrigger
    | AllergyTrigger,
    Field(discriminator="type"),
]


class Contraindication(Sourced):
    """One screening rule: a trigger, its kind, and what it means for the patient."""

    kind: Literal["absolute", "temporary", "precaution"]
    trigger: Trigger
    reason: str = Field(min_length=1, description="plain-language reason shown to staff")
    waiting_days: int | None = Field(default=None, gt=0)
    measures: list[str] = Field(default_factory=list)
    max_depth_mm: float | None = Field(default=None, gt=0)
    question: str = Field(min_length=1, description="how to ask the patient, when unanswered")

    @model_validator(mode="after")
    def _kind_fields(self) -> Self:
        if self.kind == "temporary" and self.waiting_days is None:
            raise ValueError("a temporary contraindication needs waiting_days")
        if self.kind == "precaution" and not self.measures:
            raise ValueError("a precaution needs at least one measure")
        if self.kind != "precaution" and self.max_depth_mm is not None:
            raise ValueError("only a precaution may cap the depth (max_depth_mm)")
        return self
