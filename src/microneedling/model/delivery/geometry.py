"""The unit cell around one channel of a regular array.

A regular array (square or hexagonal) of ``n`` channels per cm² gives every channel the same
share of skin, ``1/n`` cm². The model replaces that square or hexagon by the circle of equal
area, radius ``R = 1/sqrt(pi n)``, and solves an axisymmetric problem in it with no flux
through its rim (the symmetry plane between neighbouring channels). The equal-area cylinder is
the usual approximation for periodic arrays of pores; it keeps the channel density exact and
errs only in the corners of the hexagon or square.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from microneedling.errors import InvalidInput
from microneedling.model.delivery.inputs import ChannelArray

Arrangement = Literal["square", "hexagonal"]

#: A channel must stop at least this fraction of the skin's depth above the sink.
_MIN_TISSUE_BELOW_CHANNEL = 0.05


def unit_cell_radius_um(density_per_cm2: float) -> float:
    """Radius [µm] of the circle with the area 1/density that each channel drains."""
    return 1.0e4 / math.sqrt(math.pi * density_per_cm2)


def spacing_um(density_per_cm2: float, arrangement: Arrangement = "square") -> float:
    """Centre-to-centre distance [µm] between neighbouring channels for ``arrangement``."""
    area_cm2 = 1.0 / density_per_cm2
    if arrangement == "square":
        return math.sqrt(area_cm2) * 1.0e4
    return math.sqrt(2.0 * area_cm2 / math.sqrt(3.0)) * 1.0e4


def density_for_spacing(spacing_um_: float, arrangement: Arrangement = "square") -> float:
    """Channels per cm² of an array with centre-to-centre ``spacing_um_`` [µm]."""
    s_cm = spacing_um_ * 1.0e-4
    if arrangement == "square":
        return 1.0 / s_cm**2
    return 2.0 / (math.sqrt(3.0) * s_cm**2)


@dataclass(frozen=True)
class UnitCell:
    """Axisymmetric cell: channel of ``channel_radius_um`` and ``channel_depth_um`` on the axis,
    no-flux rim at ``radius_um`` (all in micrometres)."""

    radius_um: float
    channel_radius_um: float
    channel_depth_um: float

    @classmethod
    def around(cls, channels: ChannelArray, skin_depth_um: float) -> UnitCell:
        """The unit cell of ``channels`` in skin whose sink lies ``skin_depth_um`` deep."""
        limit = (1.0 - _MIN_TISSUE_BELOW_CHANNEL) * skin_depth_um
        if channels.depth_um > limit:
            raise InvalidInput(
                "depth_um",
                f"channels {channels.depth_um:g} µm deep reach the modelled sink at "
                f"{skin_depth_um:g} µm; use a thicker dermis or shallower channels "
                f"(at most {limit:.0f} µm)",
            )
        return cls(
            radius_um=unit_cell_radius_um(channels.density_per_cm2),
            channel_radius_um=channels.radius_um,
            channel_depth_um=channels.depth_um,
        )

    @property
    def area_cm2(self) -> float:
        """Skin area [cm²] the cell stands for."""
        return math.pi * (self.radius_um * 1.0e-4) ** 2
