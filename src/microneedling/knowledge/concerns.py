"""Skin concerns microneedling treats, with the usual protocol and expected course."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from microneedling.knowledge.base import CountRange, EntryId, Frozen, Range, Sourced

Severity = Literal["mild", "moderate", "severe"]
Response = Literal["good", "moderate", "limited"]
ConcernCategory = Literal["ageing", "texture", "pigmentation", "scar", "striae"]


class OutcomeScale(Frozen):
    """The clinical scale on which improvement in a concern is graded."""

    name: str
    worst: float
    best: float
    unit: str = "grade"


class Concern(Sourced):
    """A concern with its protocol from the literature.

    ``depth_mm`` is the needle-length guide: the low end for mild, the high end for severe.
    """

    category: ConcernCategory
    depth_mm: Range
    sessions: CountRange
    interval_weeks: CountRange
    maintenance_months: CountRange = Field(description="months between maintenance sessions")
    response: Response
    scale: OutcomeScale
    expected_course: str = Field(min_length=1)
    sites: list[EntryId] | None = Field(
        default=None, description="sites where the concern is treated; None for any site"
    )
    note: str | None = None

    def depth_for(self, severity: Severity) -> float:
        """Guide needle length [mm] for a severity: low, middle or high end of the range."""
        fraction = {"mild": 0.0, "moderate": 0.5, "severe": 1.0}[severity]
        return self.depth_mm.low + fraction * (self.depth_mm.high - self.depth_mm.low)

    def sessions_for(self, severity: Severity) -> int:
        fraction = {"mild": 0.0, "moderate": 0.5, "severe": 1.0}[severity]
        span = self.sessions.high - self.sessions.low
        return self.sessions.low + round(fraction * span)
