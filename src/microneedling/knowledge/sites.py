"""Anatomical treatment sites: skin layers, area, and the depth that is safe there."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from microneedling.knowledge.base import Citation, EntryId, Frozen, Range, Sourced, Spread

Region = Literal["face", "neck", "chest", "upper_limb", "lower_limb", "trunk"]
#: Regions that lie within another region (the chest is the front of the trunk).
REGION_WITHIN: dict[str, str] = {"chest": "trunk"}
Sex = Literal["female", "male"]


class SkinLayers(Frozen):
    """Layer thicknesses at a site in adults, in micrometres (mean and spread)."""

    stratum_corneum_um: Spread
    viable_epidermis_um: Spread
    dermis_um: Spread

    def total_mean_um(self) -> float:
        return self.stratum_corneum_um.mean + self.viable_epidermis_um.mean + self.dermis_um.mean


class LayerAdjustments(Frozen):
    """Published corrections to the adult mean for sex and age, where any exist.

    ``*_factor_male`` multiplies the mean for men relative to the pooled mean; the age slope is
    a relative change per decade beyond ``age_reference_years``. ``None`` means no published
    adjustment was found, not zero.
    """

    dermis_factor_male: float | None = Field(default=None, gt=0)
    dermis_factor_female: float | None = Field(default=None, gt=0)
    epidermis_factor_male: float | None = Field(default=None, gt=0)
    dermis_change_pct_per_decade: float | None = None
    age_reference_years: float = 40.0
    sources: list[Citation] = Field(default_factory=list)


class Site(Sourced):
    """One anatomical site a practitioner may treat."""

    region: Region
    within: EntryId | None = Field(
        default=None, description="the site this one lies within (décolletage within chest)"
    )
    layers: SkinLayers
    adjustments: LayerAdjustments = LayerAdjustments()
    typical_area_cm2: float = Field(gt=0)
    safe_depth_mm: Range
    treatment_minutes: float = Field(gt=0, description="needling time for the whole site [min]")
    note: str | None = None

    def dermis_um(self, sex: Sex | None = None, age_years: float | None = None) -> float:
        """Expected dermal thickness [µm] for a person, applying published adjustments."""
        value = self.layers.dermis_um.mean
        adj = self.adjustments
        if sex == "male" and adj.dermis_factor_male:
            value *= adj.dermis_factor_male
        elif sex == "female" and adj.dermis_factor_female:
            value *= adj.dermis_factor_female
        if age_years is not None and adj.dermis_change_pct_per_decade is not None:
            value *= float(self._age_factor(np.float64(age_years)))
        return value

    def dermis_um_of(
        self, female: NDArray[np.bool_], age_years: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """:meth:`dermis_um` [µm] of many people at once (women where ``female``), with the
        same arithmetic element by element, so each value equals the one-person figure."""
        adj = self.adjustments
        value = np.full(female.shape, self.layers.dermis_um.mean)
        if adj.dermis_factor_male:
            value[~female] *= adj.dermis_factor_male
        if adj.dermis_factor_female:
            value[female] *= adj.dermis_factor_female
        if adj.dermis_change_pct_per_decade is not None:
            value *= self._age_factor(age_years)
        return value

    def _age_factor(self, age_years: NDArray[np.float64] | np.float64) -> NDArray[np.float64]:
        """The published change with age, never below half the adult mean [-]."""
        adj = self.adjustments
        assert adj.dermis_change_pct_per_decade is not None
        decades = (age_years - adj.age_reference_years) / 10.0
        factor: NDArray[np.float64] = np.maximum(
            0.5, 1.0 + adj.dermis_change_pct_per_decade / 100.0 * decades
        )
        return factor
