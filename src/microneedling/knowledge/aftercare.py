"""The visit and what follows it: numbing time, aftercare day by day, warning signs, results."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from microneedling.knowledge.base import Citation, Frozen, Range, Sourced

AftercareTopic = Literal[
    "sun", "sunscreen", "skincare", "actives", "makeup", "exercise", "water", "heat",
    "procedures", "hygiene", "general",
]  # fmt: skip
MilestoneAnchor = Literal["each_session", "first_session", "last_session"]


class Visit(Frozen):
    """How a treatment visit runs, in minutes."""

    anaesthetic_minutes: float = Field(gt=0, description="topical anaesthetic contact time")
    preparation_minutes: float = Field(ge=0, description="cleansing, photos, check-in")
    aftercare_minutes: float = Field(ge=0, description="post-treatment products and advice")
    sources: list[Citation] = Field(min_length=1)


class AftercareInstruction(Sourced):
    """One instruction that applies from ``from_day`` to ``until_day`` after a session.

    Day 0 is the day of treatment. ``until_day`` None means for the whole course.
    """

    topic: AftercareTopic
    from_day: int = Field(ge=0)
    until_day: int | None = Field(default=None, ge=0)
    text: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.until_day is not None and self.until_day < self.from_day:
            raise ValueError("until_day is before from_day")
        return self

    def applies_on(self, day: int) -> bool:
        return day >= self.from_day and (self.until_day is None or day <= self.until_day)


class PreVisitInstruction(Sourced):
    """What a patient does before a session: from ``days_before`` days ahead of it [days]."""

    topic: AftercareTopic
    days_before: int = Field(ge=0, le=60)
    text: str = Field(min_length=1)


class WarningSign(Sourced):
    """A sign after treatment that means the patient should call."""

    text: str = Field(min_length=1)
    action: Literal["call_clinic", "urgent_care"]


class Milestone(Sourced):
    """A point in the results timeline, in days from its anchor session."""

    kind: Literal["glow", "first_results", "full_effect", "fading", "redness_resolved"]
    anchor: MilestoneAnchor
    days: Range
    text: str = Field(min_length=1)


class AftercareGuide(Frozen):
    """Everything about the visit and the weeks after it, as one document."""

    visit: Visit
    instructions: list[AftercareInstruction] = Field(min_length=1)
    warning_signs: list[WarningSign] = Field(min_length=1)
    milestones: list[Milestone] = Field(min_length=1)
    before_visit: list[PreVisitInstruction] = Field(default_factory=list)

    def for_day(self, day: int) -> list[AftercareInstruction]:
        return [i for i in self.instructions if i.applies_on(day)]
