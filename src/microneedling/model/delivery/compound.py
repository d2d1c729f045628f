"""The compound a topical product carries: the few numbers the delivery model needs.

Molecular weight and the octanol/water partition coefficient drive every transport property
(see :mod:`microneedling.model.delivery.properties`); each compound says where its numbers come
from, so a result can always be traced back to a source.
"""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Compound(BaseModel):
    """A solute applied to the skin surface.

    ``molecular_weight_da`` in daltons (g/mol); ``log_kow`` is log10 of the octanol/water
    partition coefficient (dimensionless). ``citation`` names the source of both numbers (a
    PubChem record with the computed XLogP3 or an experimental value is acceptable).

    ``aqueous_diffusivity_cm2_per_s`` optionally replaces the Stokes-Einstein estimate of the
    free aqueous diffusivity at 37 °C; it must then carry its own
    ``aqueous_diffusivity_citation``. Use it for molecules that are far from compact spheres
    (dextrans, unfolded peptides), for which the estimate is poor.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    molecular_weight_da: float = Field(gt=1.0, le=1.0e6)
    log_kow: float = Field(ge=-8.0, le=10.0)
    citation: str = Field(min_length=3)
    pubchem_cid: int | None = Field(default=None, gt=0)
    aqueous_diffusivity_cm2_per_s: float | None = Field(default=None, gt=0.0, le=1.0e-3)
    aqueous_diffusivity_citation: str | None = Field(default=None, min_length=3)
    note: str | None = None

    @model_validator(mode="after")
    def _diffusivity_needs_source(self) -> Self:
        if (
            self.aqueous_diffusivity_cm2_per_s is not None
            and self.aqueous_diffusivity_citation is None
        ):
            raise ValueError(
                "aqueous_diffusivity_cm2_per_s is given without aqueous_diffusivity_citation"
            )
        return self
