"""Transport properties of a compound in each skin layer and in the channel fluid.

Relations and where they come from:

- Intact stratum corneum permeability, Potts & Guy 1992, Pharm Res 9:663:
  ``log10 kp [cm/h] = -2.7 + 0.71 log Kow - 0.0061 MW``.
- Split of kp into partition and diffusivity, after Cleek & Bunge 1993, Pharm Res 10:497
  (who assign the lipophilicity term of the Potts-Guy correlation to stratum corneum
  partitioning and the size term to diffusivity): ``K_sc = Kow**0.71`` and
  ``D_sc / h_sc = 10**(-2.7 - 0.0061 MW)`` cm/h, so the modelled stratum corneum has exactly
  the Potts-Guy permeability whatever its thickness.
- Free aqueous diffusivity at 37 °C, Stokes-Einstein ``D = kB T / (6 pi eta r)`` with the
  radius of a compact sphere of partial specific volume 0.73 cm³/g (Erickson 2009, Biol Proced
  Online 11:32, R_min = 0.066 M**(1/3) nm) and water viscosity 0.692 mPa·s at 37 °C (IAPWS
  2008 viscosity formulation, R12-08). It reproduces measured 37 °C values for mannitol and
  sucrose within 5 % (tests/validation); it overestimates D of coils such as dextrans, so a
  compound may carry a measured value instead.
- Viable epidermis and dermis, after Kretsos et al. 2008 (Int J Pharm 346:64, "Partitioning,
  diffusivity and clearance of skin permeants in mammalian dermis") as used by Chen et al. 2015
  (Pharm Res 32:1779, eq. 10) and by Kasting's group for the viable epidermis: free diffusivity
  ``D_free = 10**(-4.15 - 0.655 log10 MW)`` cm²/s, binding factor
  ``B = 0.68 + 0.32/fu + 0.025 f_non Kow**0.7``, ``D = D_free / B`` and ``K = 0.7 B``. Read as
  implemented in two public codes of that model, not in the papers themselves: the Surrey
  skin-permeation C++ code (``InitVE_DE``: "Kasting's original paper used -4.15 because of unit
  (cm2/s)"; -8.15 in m²/s) and an ESQlabs R script ("Chen 2015 ... Eq(10)"). ``fu`` (fraction
  unbound in plasma) and ``f_non`` (un-ionised fraction) are taken as 1: the model has neither
  protein binding data nor ionised species. At steady state only ``D K = 0.7 D_free`` matters,
  so ``fu`` changes lag times, not steady fluxes. Checked against measured dermal
  diffusivities of 70 and 500 kDa dextrans in ex-vivo human skin (Wei et al. 2018, Sci Rep
  8:17759: 1-20 µm²/s; tests/validation).
- Channel fluid (formulation mixed with interstitial fluid): ``D = D_aq``, ``K = 1``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from microneedling.model.delivery.compound import Compound
from microneedling.model.delivery.inputs import SkinLayers
from microneedling.model.delivery.media import Layer, Medium

BOLTZMANN_J_PER_K = 1.380649e-23  # exact (SI 2019)
AVOGADRO_PER_MOL = 6.02214076e23  # exact (SI 2019)
BODY_TEMPERATURE_K = 310.15
#: Viscosity of water at 37 °C [Pa·s]; IAPWS R12-08 (2008).
WATER_VISCOSITY_37C_PA_S = 0.692e-3
#: Partial specific volume of a compact (protein-like) molecule [cm³/g]; Erickson 2009.
PARTIAL_SPECIFIC_VOLUME_CM3_PER_G = 0.73
#: log10 of the free diffusivity in dermis [cm²/s] at MW = 1 Da, and its slope in log10 MW;
#: Kretsos et al. 2008 as read in the codes named in the module doc.
DERMIS_LOG10_D_INTERCEPT = -4.15
DERMIS_LOG10_D_SLOPE = -0.655
#: Volume fraction of water in dermis, the factor between binding and partition (same source).
DERMIS_WATER_FRACTION = 0.7
#: Binding factor terms 0.68 + 0.32/fu + 0.025 f_non Kow**0.7 (same source).
_BINDING_FREE, _BINDING_PROTEIN, _BINDING_LIPID, _BINDING_LIPID_EXPONENT = 0.68, 0.32, 0.025, 0.7

#: Floor of log10(D_sc / h_sc [cm/h]); a numerical device that keeps every number finite.
MIN_LOG10_SC_DIFFUSIVITY = -60.0

_SECONDS_PER_HOUR = 3600.0


def potts_guy_log_kp(molecular_weight_da: float, log_kow: float) -> float:
    """log10 of the intact-skin permeability coefficient kp [cm/h] (Potts & Guy 1992)."""
    return -2.7 + 0.71 * log_kow - 0.0061 * molecular_weight_da


def stratum_corneum_partition(log_kow: float) -> float:
    """Stratum corneum/water partition coefficient Kow**0.71 (Cleek & Bunge 1993 split)."""
    return float(10.0 ** (0.71 * log_kow))


def stratum_corneum_diffusivity_cm2_per_h(
    molecular_weight_da: float, stratum_corneum_um: float
) -> float:
    """Effective SC diffusivity [cm²/h]: D/h = 10**(-2.7 - 0.0061 MW) cm/h times h.

    Floored at 10**MIN_LOG10_SC_DIFFUSIVITY: far beyond the range the correlation was fitted
    on (MW above a few thousand), the stratum corneum is simply impermeable for any duration.
    """
    log_d_over_h = max(-2.7 - 0.0061 * molecular_weight_da, MIN_LOG10_SC_DIFFUSIVITY)
    return float(10.0**log_d_over_h) * stratum_corneum_um * 1.0e-4


def compact_sphere_radius_nm(molecular_weight_da: float) -> float:
    """Radius [nm] of a sphere of partial specific volume 0.73 cm³/g (Erickson 2009)."""
    volume_cm3 = molecular_weight_da * PARTIAL_SPECIFIC_VOLUME_CM3_PER_G / AVOGADRO_PER_MOL
    return float((3.0 * volume_cm3 / (4.0 * math.pi)) ** (1.0 / 3.0)) * 1.0e7


def stokes_einstein_diffusivity_cm2_per_s(radius_nm: float) -> float:
    """Free diffusivity [cm²/s] of a sphere of ``radius_nm`` in water at 37 °C."""
    d_m2_per_s = (BOLTZMANN_J_PER_K * BODY_TEMPERATURE_K) / (
        6.0 * math.pi * WATER_VISCOSITY_37C_PA_S * radius_nm * 1.0e-9
    )
    return d_m2_per_s * 1.0e4


def viable_tissue_free_diffusivity_cm2_per_s(molecular_weight_da: float) -> float:
    """Free diffusivity [cm²/s] in dermis and viable epidermis, ``10**(-4.15 - 0.655 log MW)``."""
    return float(
        10.0 ** (DERMIS_LOG10_D_INTERCEPT + DERMIS_LOG10_D_SLOPE * math.log10(molecular_weight_da))
    )


def viable_tissue_binding_factor(
    log_kow: float, fraction_unbound: float = 1.0, fraction_unionised: float = 1.0
) -> float:
    """Kretsos binding factor ``0.68 + 0.32/fu + 0.025 f_non Kow**0.7`` (dimensionless)."""
    lipid = _BINDING_LIPID * fraction_unionised * 10.0 ** (_BINDING_LIPID_EXPONENT * log_kow)
    return _BINDING_FREE + _BINDING_PROTEIN / fraction_unbound + float(lipid)


def aqueous_diffusivity_cm2_per_s(compound: Compound) -> float:
    """The compound's own measured value if it has one, else the Stokes-Einstein estimate."""
    if compound.aqueous_diffusivity_cm2_per_s is not None:
        return compound.aqueous_diffusivity_cm2_per_s
    radius = compact_sphere_radius_nm(compound.molecular_weight_da)
    return stokes_einstein_diffusivity_cm2_per_s(radius)


@dataclass(frozen=True)
class TransportProperties:
    """The layers (top to bottom) and the channel fluid for one compound in one skin."""

    layers: tuple[Layer, ...]
    channel_fluid: Medium
    kp_cm_per_h: float
    aqueous_diffusivity_cm2_per_s: float

    def as_dict(self) -> dict[str, object]:
        """Plain numbers with their units, for reports and JSON."""
        return {
            "kp_cm_per_h": self.kp_cm_per_h,
            "aqueous_diffusivity_cm2_per_s": self.aqueous_diffusivity_cm2_per_s,
            "layers": [
                {
                    "name": layer.medium.name,
                    "thickness_um": layer.thickness_um,
                    "diffusivity_cm2_per_h": layer.medium.diffusivity_cm2_per_h,
                    "partition": layer.medium.partition,
                }
                for layer in self.layers
            ],
            "channel_fluid": {
                "diffusivity_cm2_per_h": self.channel_fluid.diffusivity_cm2_per_h,
                "partition": self.channel_fluid.partition,
            },
        }


def transport_properties(compound: Compound, skin: SkinLayers) -> TransportProperties:
    """Diffusivities and partition coefficients of ``compound`` in ``skin`` (see module doc)."""
    mw = compound.molecular_weight_da
    d_aq_cm2_per_h = aqueous_diffusivity_cm2_per_s(compound) * _SECONDS_PER_HOUR
    binding = viable_tissue_binding_factor(compound.log_kow)
    d_viable = viable_tissue_free_diffusivity_cm2_per_s(mw) * _SECONDS_PER_HOUR / binding
    k_viable = DERMIS_WATER_FRACTION * binding
    stratum_corneum = Medium(
        "stratum_corneum",
        stratum_corneum_diffusivity_cm2_per_h(mw, skin.stratum_corneum_um),
        stratum_corneum_partition(compound.log_kow),
    )
    layers = (
        Layer(stratum_corneum, skin.stratum_corneum_um),
        Layer(Medium("viable_epidermis", d_viable, k_viable), skin.viable_epidermis_um),
        Layer(Medium("dermis", d_viable, k_viable), skin.dermis_um),
    )
    return TransportProperties(
        layers=layers,
        channel_fluid=Medium("channel_fluid", d_aq_cm2_per_h, 1.0),
        kp_cm_per_h=float(10.0 ** potts_guy_log_kp(mw, compound.log_kow)),
        aqueous_diffusivity_cm2_per_s=d_aq_cm2_per_h / _SECONDS_PER_HOUR,
    )
