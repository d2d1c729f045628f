"""One published observation as the evidence table records it, validated by pydantic.

A row holds what the paper reports (figure, its uncertainty and n), the setting it was measured
in (device, needle length, passes, sessions, interval, site, concern, population) and when it
was measured, with the citation and where in the paper the figure was read. Rows are data:
``clinical.yaml`` beside this module. Which rows fit the model and which check it is decided in
``roles.yaml`` (:mod:`.table`), never in the rows themselves.
"""

from __future__ import annotations

import math
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

#: ``bound``: the paper states the figure as an interval ("within 2 h": 0-2; "4-5 h"), with no
#: spread of its own.
#: ``unspecified_pm``: a "±" whose kind the paper does not state, read as an sd (the narrower
#: reading once divided by the square root of n). ``ci_unspecified``: a confidence interval
#: of unstated level, read as 95 %.
UncertaintyKind = Literal[
    "sd", "se", "ci95", "ci99", "ci_unspecified", "range", "iqr", "bound", "unspecified_pm", "none"
]
Species = Literal["human", "human ex vivo", "porcine ex vivo", "rat", "mouse"]
TimeReference = Literal["first_session", "last_session", "single_session"]

#: Two-sided normal quantiles of the confidence levels the papers report.
_Z = {"ci95": 1.959964, "ci_unspecified": 1.959964, "ci99": 2.575829}
#: Normal-theory factors that turn a spread of individuals into an sd (Hozo 2005 for the
#: range, /4; the interquartile range of a normal distribution is 1.349 sd).
_RANGE_TO_SD = 0.25
_IQR_TO_SD = 1.0 / 1.349


#: Quantities that are shares of patients [%], whose uncertainty is binomial in n.
PROPORTIONS = frozenset({"pih_incidence_pct", "responder_share_pct"})


class Uncertainty(BaseModel):
    """How uncertain the reported figure is, exactly as the paper gives it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: UncertaintyKind
    value: float | None = Field(default=None, ge=0)
    low: float | None = None
    high: float | None = None

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if self.kind in ("sd", "se", "unspecified_pm") and self.value is None:
            raise ValueError(f"an uncertainty of kind {self.kind} needs a value")
        intervals = ("ci95", "ci99", "ci_unspecified", "range", "iqr", "bound")
        if self.kind in intervals and (
            self.low is None or self.high is None or self.low > self.high
        ):
            raise ValueError(f"an uncertainty of kind {self.kind} needs low <= high")
        return self

    def standard_error(self, value: float, n: int | None) -> float | None:
        """Standard error of the reported mean [the figure's unit], or None when the paper
        gives nothing it can be derived from (no uncertainty, or an sd without n).

        Confidence intervals are read as normal intervals around the mean (their half-width
        divided by z; an asymmetric interval counts by its wider half). A range or IQR of
        individuals is turned into an sd by the normal-theory factors above, then into a
        standard error with n.
        """
        if self.kind in ("none", "bound"):
            return None
        if self.kind == "se":
            return self.value
        if self.kind in _Z:
            assert self.low is not None
            assert self.high is not None
            half = max(value - self.low, self.high - value)
            return half / _Z[self.kind]
        sd = self.individual_sd()
        if sd is None or not n:
            return None
        return sd / math.sqrt(n)

    def individual_sd(self) -> float | None:
        """The between-patient standard deviation when the paper gives one (sd, range, IQR)."""
        if self.kind in ("sd", "unspecified_pm"):
            return self.value
        if self.kind in ("range", "iqr"):
            assert self.low is not None
            assert self.high is not None
            factor = _RANGE_TO_SD if self.kind == "range" else _IQR_TO_SD
            return (self.high - self.low) * factor
        return None


class Evidence(BaseModel):
    """One figure read in one publication, with its setting and uncertainty."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    citation: str = Field(min_length=5)
    identifier: str | None = None
    address: str | None = None
    read_from: str = Field(min_length=3)
    species: Species
    design: str
    n: int | None = Field(default=None, ge=1)
    population: str | None = None
    fitzpatrick: str | None = None
    device: Literal["pen", "roller", "stamp", "array", "other"] | None = None
    device_name: str | None = None
    needle_length_mm: float | tuple[float, float] | None = None
    passes: float | None = Field(default=None, gt=0)
    sessions: float | None = Field(default=None, ge=0, description="mean number when it varied")
    interval_days: float | None = Field(default=None, gt=0)
    site: str | None = None
    concern: str | None = None
    quantity: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    scale: str | None = None
    baseline: float | None = None
    time_reference: TimeReference | None = None
    time_days: float | None = Field(default=None, ge=0)
    value: float | None = Field(description="None for a qualitative finding (set apart)")
    unit: str
    uncertainty: Uncertainty
    paraphrase: str = Field(min_length=5)
    note: str | None = None

    @property
    def study(self) -> str:
        """The study a row belongs to (rows of one paper share it): the id's first part."""
        return self.id.split("_", 1)[0]

    @property
    def needle_mm(self) -> float | None:
        """The needle length [mm]; the middle of a reported range."""
        length = self.needle_length_mm
        if isinstance(length, tuple):
            return 0.5 * (length[0] + length[1])
        return length

    @property
    def figure(self) -> float:
        """The reported figure; a qualitative row has none and may not be compared."""
        if self.value is None:
            raise ValueError(f"{self.id} reports no figure")
        return self.value

    def standard_error(self) -> float | None:
        """Standard error of the reported figure (see :meth:`Uncertainty.standard_error`).

        A share of patients [%] with no stated uncertainty has its own binomial one,
        ``100 sqrt(p (1 - p) / n)``, with half an event added to a count of none or all (so a
        share of 0 or 100 % still carries the uncertainty of its n).
        """
        se = self.uncertainty.standard_error(self.figure, self.n)
        if se is None and self.quantity in PROPORTIONS and self.n:
            p = min(max(self.figure / 100.0, 0.5 / self.n), 1.0 - 0.5 / self.n)
            se = 100.0 * math.sqrt(p * (1.0 - p) / self.n)
        return se
