"""Transport media and layers as the solver sees them: a diffusivity and a partition coefficient.

Concentrations in the solver are referred to the vehicle (the aqueous formulation): a medium
with partition coefficient ``K`` holds ``K`` times the vehicle concentration at equilibrium.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from microneedling.errors import InvalidInput


@dataclass(frozen=True)
class Medium:
    """A homogeneous medium: diffusivity [cm²/h] and partition coefficient (medium/vehicle)."""

    name: str
    diffusivity_cm2_per_h: float
    partition: float

    def __post_init__(self) -> None:
        for field, value in (
            ("diffusivity_cm2_per_h", self.diffusivity_cm2_per_h),
            ("partition", self.partition),
        ):
            if not (math.isfinite(value) and value > 0):
                raise InvalidInput(f"{self.name}.{field}", "must be a positive finite number")

    @property
    def permeance_cm2_per_h(self) -> float:
        """D·K [cm²/h]: the transport coefficient acting on the vehicle-referred concentration."""
        return self.diffusivity_cm2_per_h * self.partition


@dataclass(frozen=True)
class Layer:
    """A slab of ``medium`` that is ``thickness_um`` micrometres thick."""

    medium: Medium
    thickness_um: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.thickness_um) and self.thickness_um > 0):
            raise InvalidInput(f"{self.medium.name}.thickness_um", "must be positive")

    @property
    def thickness_cm(self) -> float:
        return self.thickness_um * 1.0e-4
