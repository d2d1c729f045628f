"""The healing cascade after each session, as a linear system driven by session pulses.

States (all relative, dimensionless; collagen, elastin and epidermis as fractions of their
baseline)::

    I  inflammatory signal     I'  = -a I                      (+ pulse u at each session)
    M  macrophage activation   M'  = rM (I - M)
    F  fibroblast activation   F'  = rF (M - F)
    C3 new collagen III        C3' = sC F - (km + kd) C3
    C1 new collagen I          C1' = km C3 - k1 C1
    E  new elastin             E'  = sE F - kE E
    P  epidermal thickening    P'  = sP F - kP P

The matrix is lower triangular, so its eigenvalues are the decay rates on the diagonal and each
state's response to a unit pulse in I is ``g * sum_i exp(-l_i t) / prod_{j!=i} (l_j - l_i)``
over the rates on its chain (a divided difference of the exponential). That closed form is what
the fast path evaluates; when two rates on a chain are nearly equal it loses digits, so those
patients are solved with the matrix exponential instead (:mod:`microneedling.model.solver.engine`).
Rates are per day. Inflammation lasts days (a = 2/day), fibroblast activity weeks
(rM = 0.3/day, Adler 2020) and remodelling months (km, k1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

STATES = (
    "inflammatory_signal",
    "macrophages",
    "fibroblasts",
    "collagen_iii",
    "collagen_i",
    "elastin",
    "epidermis",
)

#: The modes (indices into the rate vector) each state's pulse response is made of.
CHAINS: tuple[tuple[int, ...], ...] = (
    (0,),
    (0, 1),
    (0, 1, 2),
    (0, 1, 2, 3),
    (0, 1, 2, 3, 4),
    (0, 1, 2, 5),
    (0, 1, 2, 6),
)

#: Relative gap between two rates on a chain below which the closed form is not trusted.
SEPARATION_RTOL = 1e-6


@dataclass(frozen=True)
class Cascade:
    """Rates [1/day] and gains of the cascade for N patients (each field has shape (N,))."""

    inflammation_decay: FloatArray
    macrophage_rate: FloatArray
    fibroblast_rate: FloatArray
    collagen_synthesis: FloatArray
    maturation: FloatArray
    collagen_iii_degradation: FloatArray
    collagen_i_turnover: FloatArray
    elastin_synthesis: FloatArray
    elastin_turnover: FloatArray
    epidermal_growth: FloatArray
    epidermal_renewal: FloatArray

    @classmethod
    def from_parameters(cls, p: Mapping[str, FloatArray]) -> Cascade:
        return cls(
            inflammation_decay=p["Inflammatory signal decay rate [1/day]"],
            macrophage_rate=p["Macrophage removal rate [1/day]"],
            fibroblast_rate=p["Fibroblast activation relaxation rate [1/day]"],
            collagen_synthesis=p["Collagen III synthesis rate [1/day]"],
            maturation=p["Collagen III maturation rate [1/day]"],
            collagen_iii_degradation=p["Collagen III degradation rate [1/day]"],
            collagen_i_turnover=p["Mature collagen turnover rate [1/day]"],
            elastin_synthesis=p["Elastin synthesis rate [1/day]"],
            elastin_turnover=p["Elastin turnover rate [1/day]"],
            epidermal_growth=p["Epidermal growth rate [1/day]"],
            epidermal_renewal=p["Epidermal renewal rate [1/day]"],
        )

    @property
    def size(self) -> int:
        return int(self.inflammation_decay.shape[0])

    def rates(self) -> FloatArray:
        """Decay rate of each mode [1/day], shape (7, N)."""
        return np.stack(
            [
                self.inflammation_decay,
                self.macrophage_rate,
                self.fibroblast_rate,
                self.maturation + self.collagen_iii_degradation,
                self.collagen_i_turnover,
                self.elastin_turnover,
                self.epidermal_renewal,
            ]
        )

    def gains(self) -> FloatArray:
        """Product of the couplings along each state's chain, shape (7, N)."""
        rm, rf = self.macrophage_rate, self.fibroblast_rate
        cells = rm * rf
        return np.stack(
            [
                np.ones_like(rm),
                rm,
                cells,
                cells * self.collagen_synthesis,
                cells * self.collagen_synthesis * self.maturation,
                cells * self.elastin_synthesis,
                cells * self.epidermal_growth,
            ]
        )

    def weights(self, rates: FloatArray | None = None) -> list[FloatArray]:
        """Per state, the divided-difference weights of its modes, each of shape (len, N)."""
        lam = self.rates() if rates is None else rates
        gaps: dict[tuple[int, int], FloatArray] = {}

        def gap(i: int, j: int) -> FloatArray:
            """l_j - l_i; 1 where the two nearly coincide. Patients with (nearly) equal rates
            are solved by the matrix exponential; a harmless divisor keeps their unused
            weights finite. Each pair is formed once (l_i - l_j is exactly -(l_j - l_i)) and
            shared by every chain that holds it."""
            if (i, j) not in gaps:
                d = lam[j] - lam[i]
                near = np.abs(d) <= SEPARATION_RTOL * np.maximum(lam[j], lam[i])
                gaps[i, j] = np.where(near, 1.0, d)
                gaps[j, i] = np.where(near, 1.0, -d)
            return gaps[i, j]

        out: list[FloatArray] = []
        for chain in CHAINS:
            weights = np.ones((len(chain), lam.shape[1]))
            for row, i in enumerate(chain):
                # The product over the other modes of the chain, in chain order.
                others = [gap(i, j) for j in chain if j != i]
                if others:
                    product = others[0].copy()
                    for g in others[1:]:
                        product *= g
                    np.divide(1.0, product, out=weights[row])
            out.append(weights)
        return out

    def well_separated(self, rtol: float = SEPARATION_RTOL) -> NDArray[np.bool_]:
        """Patients whose rates on every chain differ by more than ``rtol`` (relative)."""
        lam = self.rates()
        ok = np.ones(lam.shape[1], dtype=bool)
        pairs = {(i, j) for chain in CHAINS for i in chain for j in chain if i < j}
        for i, j in sorted(pairs):
            gap = np.abs(lam[i] - lam[j])
            ok &= gap > rtol * np.maximum(lam[i], lam[j])
        return ok

    def matrix(self, patient: int) -> FloatArray:
        """The 7 x 7 system matrix [1/day] of one patient (for the exact slow path and tests)."""
        j = patient
        a = np.zeros((7, 7))
        a[0, 0] = -self.inflammation_decay[j]
        a[1, 0] = self.macrophage_rate[j]
        a[1, 1] = -self.macrophage_rate[j]
        a[2, 1] = self.fibroblast_rate[j]
        a[2, 2] = -self.fibroblast_rate[j]
        a[3, 2] = self.collagen_synthesis[j]
        a[3, 3] = -(self.maturation[j] + self.collagen_iii_degradation[j])
        a[4, 3] = self.maturation[j]
        a[4, 4] = -self.collagen_i_turnover[j]
        a[5, 2] = self.elastin_synthesis[j]
        a[5, 5] = -self.elastin_turnover[j]
        a[6, 2] = self.epidermal_growth[j]
        a[6, 6] = -self.epidermal_renewal[j]
        return a

    def select(self, rows: NDArray[np.intp] | NDArray[np.bool_]) -> Cascade:
        """The cascade of a subset of patients."""
        return Cascade(**{k: v[rows] for k, v in self.__dict__.items()})
