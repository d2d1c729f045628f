"""Provenance for every number a plan states: which rule produced it, why, and on what source.

A planned value is never bare. :class:`Explained` wraps it with the id of the planning rule that
set it, a sentence a clinician can read, and either resolved citations or an explicit statement
that no published source gives the figure (``unsourced``).
"""

from __future__ import annotations

from typing import Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from microneedling.screening.result import SourceRef

T = TypeVar("T")


class PlanPart(BaseModel):
    """Base of every plan model: immutable, and a misspelt key in a stored plan is an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Provenance(PlanPart):
    """Where a planned value came from.

    ``rule`` is a stable planning-rule id (listed in docs/planning.md); ``sources`` are the
    citations behind it. When no publication gives the figure, ``sources`` is empty and
    ``unsourced`` says so in words: a plan never pretends to evidence it does not have.
    """

    rule: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    sources: list[SourceRef] = Field(default_factory=list)
    unsourced: str | None = Field(
        default=None, description="why no source is given, when none exists"
    )

    @model_validator(mode="after")
    def _sourced_or_says_why(self) -> Self:
        if not self.sources and not self.unsourced:
            raise ValueError(f"rule '{self.rule}': give sources or say why there are none")
        return self


class Explained(Provenance, Generic[T]):
    """A value with its provenance (``Explained[int]`` for a session count, and so on)."""

    value: T


class DepthStep(Provenance):
    """One step in choosing a needle depth: the depth [mm] after ``rule`` was applied."""

    value_mm: float = Field(gt=0)


class NeedleDepth(PlanPart):
    """A needle depth [mm] with every step that set it, first (the guide) to last.

    Only steps that changed the value are listed after the first, so each step in the list is a
    rule that fired.
    """

    value_mm: float = Field(gt=0)
    rule: str = Field(description="the rule of the last step: the one that set the final value")
    steps: list[DepthStep] = Field(min_length=1)

    @model_validator(mode="after")
    def _last_step_is_value(self) -> Self:
        last = self.steps[-1]
        if last.value_mm != self.value_mm or last.rule != self.rule:
            raise ValueError("value_mm and rule must be those of the last step")
        return self

    @classmethod
    def from_steps(cls, steps: list[DepthStep]) -> NeedleDepth:
        return cls(value_mm=steps[-1].value_mm, rule=steps[-1].rule, steps=steps)


def unique(sources: list[SourceRef]) -> list[SourceRef]:
    """Sources in first-seen order, each (reference, detail) pair once."""
    seen: dict[tuple[str, str | None], SourceRef] = {}
    for source in sources:
        seen.setdefault((source.ref, source.detail), source)
    return list(seen.values())
