"""What a delivery simulation is asked about: skin, channels, dose and numerical settings.

Plain frozen dataclasses; each checks its own values on construction and raises
:class:`~microneedling.errors.InvalidInput` naming the field, so a command line or a form can
show the problem without a traceback.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from microneedling.errors import InvalidInput


def _require(condition: bool, field: str, problem: str) -> None:
    if not condition:
        raise InvalidInput(field, problem)


def _finite_positive(value: float, field: str, unit: str) -> None:
    _require(math.isfinite(value) and value > 0, field, f"must be a positive number of {unit}")


@dataclass(frozen=True)
class SkinLayers:
    """Thickness of the three modelled layers, in micrometres.

    The perfect sink (dermal microcirculation, or the receptor of a diffusion cell) sits at the
    lower boundary of ``dermis_um``: set ``dermis_um`` to the depth below the epidermis at which
    the product is taken to be cleared.

    Defaults: stratum corneum 15 µm and viable epidermis 60 µm lie within the ranges measured by
    Sandby-Møller et al. 2003, Acta Derm Venereol 83:410 (SC 11.0-18.3 µm, cellular epidermis
    56.6-81.5 µm across forearm, shoulder and buttock); dermis 1000 µm is the order of facial
    dermis by ultrasound (Meng et al. 2022, BMC Med Imaging 22:113: 0.58-1.17 mm).
    """

    stratum_corneum_um: float = 15.0
    viable_epidermis_um: float = 60.0
    dermis_um: float = 1000.0

    def __post_init__(self) -> None:
        _finite_positive(self.stratum_corneum_um, "stratum_corneum_um", "micrometres")
        _finite_positive(self.viable_epidermis_um, "viable_epidermis_um", "micrometres")
        _finite_positive(self.dermis_um, "dermis_um", "micrometres")
        _require(self.stratum_corneum_um <= 200, "stratum_corneum_um", "must be at most 200 µm")
        _require(self.total_um <= 10_000, "dermis_um", "skin thicker than 10 mm is not modelled")

    @property
    def total_um(self) -> float:
        """Depth of the sink below the skin surface [µm]."""
        return self.stratum_corneum_um + self.viable_epidermis_um + self.dermis_um


@dataclass(frozen=True)
class ChannelArray:
    """A regular array of open channels left by the needles.

    ``depth_um``: channel depth below the skin surface [µm]; ``radius_um``: channel radius
    [µm]; ``density_per_cm2``: channels per square centimetre of skin.
    """

    depth_um: float
    radius_um: float
    density_per_cm2: float

    def __post_init__(self) -> None:
        _finite_positive(self.depth_um, "depth_um", "micrometres")
        _finite_positive(self.radius_um, "radius_um", "micrometres")
        _finite_positive(self.density_per_cm2, "density_per_cm2", "channels per cm²")
        _require(self.radius_um <= 500, "radius_um", "must be at most 500 µm")
        _require(self.density_per_cm2 <= 10_000, "density_per_cm2", "must be at most 10000 per cm²")
        cell_radius_um = 1.0e4 / math.sqrt(math.pi * self.density_per_cm2)
        _require(
            self.radius_um < 0.8 * cell_radius_um,
            "radius_um",
            f"channels of this radius overlap at {self.density_per_cm2:g} per cm² "
            f"(the radius must stay below {0.8 * cell_radius_um:.0f} µm)",
        )


@dataclass(frozen=True)
class Dose:
    """The formulation on the surface, as a concentration [µg/mL = µg/cm³].

    ``volume_ul_per_cm2`` = None is an infinite dose (the donor concentration never falls);
    a number makes the dose finite: a well-mixed film of that many microlitres per cm² that
    is depleted by what enters the skin.
    """

    concentration_ug_per_ml: float = 1000.0
    volume_ul_per_cm2: float | None = None

    def __post_init__(self) -> None:
        _finite_positive(self.concentration_ug_per_ml, "concentration_ug_per_ml", "µg/mL")
        if self.volume_ul_per_cm2 is not None:
            _finite_positive(self.volume_ul_per_cm2, "volume_ul_per_cm2", "µL/cm²")

    @property
    def infinite(self) -> bool:
        return self.volume_ul_per_cm2 is None


@dataclass(frozen=True)
class Numerics:
    """Discretisation settings. Defaults give about 1 % accuracy in the delivered amount.

    ``resolution``: grid refinement level (cells per block are multiplied by it; must be even
    so the error estimate can use a grid half as fine). ``steps_per_hour``: time steps per hour
    after the start-up ramp. ``ramp_levels``: the first steps are 2**-ramp_levels of the main
    step and double every two steps, to resolve the fast start. ``startup_steps``: backward-Euler
    steps that open the run, each ``(1 - 1/sqrt 2)`` times the first TR-BDF2 step so they share
    its factorisation; they damp the start-up discontinuity. ``steps_per_closure_update``:
    the channel open fraction is held at its interval mean over this many steps, so the matrix
    is refactored only once per interval. ``time_tolerance``: if given, steps are chosen by
    error control instead (:mod:`.adaptive`): the estimated local error of each step, relative
    to the largest amount in any cell and to the amount absorbed, stays below it; the fixed
    schedule's step, ramp, start-up and closure-group settings are then unused.
    """

    resolution: int = 2
    steps_per_hour: float = 10.0
    ramp_levels: int = 8
    steps_per_closure_update: int = 6
    startup_steps: int = 2
    time_tolerance: float | None = None

    def __post_init__(self) -> None:
        _require(1 <= self.resolution <= 64, "resolution", "must be between 1 and 64")
        _require(
            math.isfinite(self.steps_per_hour) and 0.5 <= self.steps_per_hour <= 1.0e5,
            "steps_per_hour",
            "must be between 0.5 and 100000",
        )
        _require(0 <= self.ramp_levels <= 20, "ramp_levels", "must be between 0 and 20")
        _require(
            1 <= self.steps_per_closure_update <= 1000,
            "steps_per_closure_update",
            "must be between 1 and 1000",
        )
        _require(0 <= self.startup_steps <= 20, "startup_steps", "must be between 0 and 20")
        _require(
            self.time_tolerance is None
            or (math.isfinite(self.time_tolerance) and 1e-10 <= self.time_tolerance <= 0.1),
            "time_tolerance",
            "must be between 1e-10 and 0.1",
        )

    def coarsened(self) -> Numerics:
        """The same settings with half the cells and half the steps (for error estimates)."""
        _require(self.resolution % 2 == 0, "resolution", "must be even to estimate the error")
        return Numerics(
            resolution=self.resolution // 2,
            steps_per_hour=self.steps_per_hour / 2,
            ramp_levels=self.ramp_levels,
            steps_per_closure_update=self.steps_per_closure_update,
            startup_steps=self.startup_steps,
            # Half the steps of a second-order method: four times the error.
            time_tolerance=None if self.time_tolerance is None else 4.0 * self.time_tolerance,
        )
