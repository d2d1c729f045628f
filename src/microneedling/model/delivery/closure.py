"""How fast the channels close after treatment: the open fraction f(t).

Law: the open fraction of each channel's cross-section decays exponentially,
``f(t) = 2 ** (-t / t_half)``, with ``t_half`` the closure half-time. A channel counts as
"closed" in dye studies when ``f`` falls below 5 %, i.e. after ``t_half * log2(20)``
(≈ 4.32 half-times); the presets below convert the published closure times this way.

Evidence:
- Kalluri, Kolli & Banga 2011, AAPS J 13(3):473-481 (hairless rat, DermaRoller): calcein
  imaging showed pores closed by 12 h (370 µm needles) and 18 h (770 µm needles); the
  water-loss barrier returned in 4-5 h; occlusion delayed closure significantly.
- Gupta, Gill, Andrews & Prausnitz 2011, J Control Release 154(2):148-155 (human subjects,
  impedance): without occlusion every site resealed within 2 h; occluded sites resealed more
  slowly.

The default is the Kalluri 370 µm dye-closure time: what a dye (a solute) can still cross is
closer to what a topical product needs than the ionic or water barrier measured by impedance
and water loss, which both studies found to recover sooner.

Occlusion: neither source gives a factor. The skin-response model and delivery share one
chosen value, the parameter ``"Occlusion slowdown factor [-]"`` (5, Gupta et al. 2011 set,
:mod:`microneedling.model.parameters.gupta2011`); ``occlusion_slowdown`` defaults to it, so a
covered site closes equally slowly in both models (until 2026-12-03 delivery used its own 3).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from microneedling.errors import InvalidInput
from microneedling.model.parameters import full_parameter_set

#: Name of the one occlusion factor the skin-response model and delivery share.
OCCLUSION_FACTOR = "Occlusion slowdown factor [-]"


def shared_occlusion_slowdown() -> float:
    """The skin-response model's occlusion factor (chosen, no source gives one)."""
    return float(full_parameter_set()[OCCLUSION_FACTOR].value)


#: Open fraction below which a channel counts as closed in the presets (assumption: the
#: detection limit of dye imaging is not reported; 5 % is a conventional threshold).
CLOSED_OPEN_FRACTION = 0.05

_HALF_TIMES_PER_CLOSURE = math.log2(1.0 / CLOSED_OPEN_FRACTION)


def half_time_from_closure_time(closure_time_h: float) -> float:
    """Half-time [h] of the exponential law for a channel observed closed at ``closure_time_h``."""
    return closure_time_h / _HALF_TIMES_PER_CLOSURE


@dataclass(frozen=True)
class ChannelClosure:
    """Closure law of the channels.

    ``closure_half_time_h``: time [h] for the open fraction to halve without occlusion.
    ``occluded``: the treated skin is covered (a mask, a film); closure is then slower by
    ``occlusion_slowdown`` (dimensionless; defaults to the skin-response model's factor).
    ``source``: where the half-time comes from.
    """

    closure_half_time_h: float = half_time_from_closure_time(12.0)
    occluded: bool = False
    occlusion_slowdown: float = field(default_factory=shared_occlusion_slowdown)
    source: str = "Kalluri et al. 2011, AAPS J 13:473 (370 µm needles, pores closed by 12 h)"

    def __post_init__(self) -> None:
        if not (math.isfinite(self.closure_half_time_h) and self.closure_half_time_h > 0):
            raise InvalidInput("closure_half_time_h", "must be a positive number of hours")
        if not (math.isfinite(self.occlusion_slowdown) and self.occlusion_slowdown >= 1):
            raise InvalidInput("occlusion_slowdown", "must be a number of at least 1")

    @classmethod
    def kalluri_2011_770um(cls, *, occluded: bool = False) -> ChannelClosure:
        """Dye-closure of 770 µm DermaRoller channels in hairless rat: closed by 18 h."""
        return cls(
            closure_half_time_h=half_time_from_closure_time(18.0),
            occluded=occluded,
            source="Kalluri et al. 2011, AAPS J 13:473 (770 µm needles, pores closed by 18 h)",
        )

    @classmethod
    def gupta_2011_uncovered(cls, *, occluded: bool = False) -> ChannelClosure:
        """Impedance resealing in human skin without occlusion: within 2 h (a fast bound)."""
        return cls(
            closure_half_time_h=half_time_from_closure_time(2.0),
            occluded=occluded,
            source="Gupta et al. 2011, J Control Release 154:148 (uncovered, resealed by 2 h)",
        )

    @property
    def effective_half_time_h(self) -> float:
        """Half-time [h] actually applied, occlusion included."""
        return self.closure_half_time_h * (self.occlusion_slowdown if self.occluded else 1.0)

    @property
    def rate_per_h(self) -> float:
        """Decay rate of the open fraction [1/h]."""
        return math.log(2.0) / self.effective_half_time_h

    def open_fraction(self, time_h: float) -> float:
        """Open fraction f(t) at ``time_h`` hours after treatment (dimensionless, 0..1]."""
        return math.exp(-self.rate_per_h * max(time_h, 0.0))

    def mean_open_fraction(self, start_h: float, end_h: float) -> float:
        """Mean of f over [start_h, end_h] (exact for the exponential law)."""
        if end_h <= start_h:
            return self.open_fraction(start_h)
        k = self.rate_per_h
        span = end_h - start_h
        # expm1 keeps full precision when k * span is tiny.
        return self.open_fraction(start_h) * (-math.expm1(-k * span)) / (k * span)
