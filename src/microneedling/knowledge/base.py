"""Building blocks shared by every knowledge-base entry: citations, spreads and ranges."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

EntryId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_]*$", max_length=64)]


class Frozen(BaseModel):
    """Immutable, strict-about-extras model: a typo in a YAML key is an error, not a no-op."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Citation(Frozen):
    """A pointer to a reference (by id) and, optionally, where in it the figure stands."""

    ref: EntryId
    detail: str | None = None


class Sourced(Frozen):
    """An entry with a stable id, a display name and at least one citation."""

    id: EntryId
    name: str = Field(min_length=1)
    sources: list[Citation] = Field(min_length=1)


class Spread(Frozen):
    """A quantity measured across people: mean and standard deviation (normal spread).

    The unit is carried by the name of the field that holds the spread (``dermis_um``).
    """

    mean: float = Field(gt=0)
    sd: float = Field(ge=0)


class Range(Frozen):
    """A closed interval ``[low, high]``; the unit is in the holding field's name."""

    low: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) is above high ({self.high})")
        return self

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    def clamp(self, value: float) -> float:
        return min(max(value, self.low), self.high)


class CountRange(Frozen):
    """A closed interval of whole numbers (sessions, weeks, months)."""

    low: int = Field(ge=0)
    high: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) is above high ({self.high})")
        return self
