"""Parameters fitted to the evidence table by :mod:`microneedling.model.calibration`.

Each entry here states the parameter's prior (value, spread, unit: what is believed before the
fit, and the spread of the virtual cohort) and which evidence rows it is fitted to. The fitted
values live in ``calibrated.yaml`` beside this module, written by ``microneedling calibrate``
with the objective, the residuals and the date; this module reads them. A parameter without a
fitted value in the file keeps its prior value.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from importlib import resources
from typing import Any

import yaml

from microneedling.model.parameters._base import Parameter, Source, Spread

SOURCE = Source(
    key="calibration",
    citation="fitted to the evidence table (model/evidence; docs/model-validation.md)",
)

#: Standard deviation of the log of every calibrated parameter's prior: weak (a factor of e),
#: since no publication gives these values; the spread of each parameter below is the
#: between-patient spread the virtual cohort draws from, a different thing.
PRIOR_LOG_SD = 1.0

#: name -> (prior value with the between-patient spread, the evidence rows it is fitted to).
PRIORS: dict[str, tuple[Parameter, tuple[str, ...]]] = {
    "Collagen III synthesis rate [1/day]": (
        Parameter(
            1.0,
            Spread("lognormal", sd=0.3),
            "1/day",
            SOURCE,
            "fitted",
            "new collagen per unit fibroblast activation; between-patient spread ±30 % in log "
            "(chosen)",
        ),
        ("lotfi2013_collagen_papillary_8wk",),
    ),
    "Epidermal growth rate [1/day]": (
        Parameter(
            5.0,
            Spread("lognormal", sd=0.3),
            "1/day",
            SOURCE,
            "fitted",
            "transient epidermal thickening per unit fibroblast activation (the acanthosis of "
            "the first weeks); between-patient spread ±30 % in log (chosen)",
        ),
        ("lotfi2013_epidermal_thickness_8wk",),
    ),
    "Lasting epidermal thickening, dermis filled [-]": (
        Parameter(
            1.0,
            Spread("lognormal", sd=0.3),
            "-",
            SOURCE,
            "fitted",
            "lasting epidermal thickening drive when the dermal deficit beneath is filled "
            "(drive = transient + this x filled share; outcome.epidermal_change_pct): it follows "
            "the restored papillary dermis and rete ridges, so one session's lasting "
            "thickening is a good part of a course's (Aust 2008, mostly one session: +40 % at "
            "a year; Lotfi 2013, five: +50 %); prior spread ±30 % in log",
        ),
        ("aust2008_stratum_spinosum_1yr",),
    ),
    "Half-saturating collagen gain [-]": (
        Parameter(
            0.5,
            Spread("lognormal", sd=0.3),
            "-",
            SOURCE,
            "fitted",
            "new mature collagen (net of age loss) that fills half of the fillable deficit "
            "left: improvement = r (1 - 2^(-gain / this)); between-patient spread ±30 % in log "
            "(chosen)",
        ),
        (
            "vondalwignolda2020_gb_grade_3mo_after_last",
            "ablon2018_texture_grade_d150",
            "pham2019_gb_grade_60d_after_last",
        ),
    ),
    "Fillable share of an atrophic acne scar [-]": (
        Parameter(
            0.7,
            Spread("lognormal", sd=0.2, high=1.0),
            "-",
            SOURCE,
            "fitted",
            "share of an atrophic (rolling or boxcar) acne scar's deficit that new collagen "
            "can fill: the improvement's ceiling; the rest (tethered bands, a fibrotic floor) "
            "needs subcision or other treatment. Prior 0.7 (chosen: scar trials of 3-12 "
            "sessions report 40-55 % improvement and none reports clearance); between-patient "
            "spread ±20 % in log (chosen), at most 1",
        ),
        (
            "vondalwignolda2020_gb_grade_3mo_after_last",
            "pham2019_gb_grade_60d_after_last",
        ),
    ),
    "Largest epidermal thickening [-]": (
        Parameter(
            1.0,
            Spread("lognormal", sd=0.2),
            "-",
            SOURCE,
            "fitted",
            "bound of the epidermal thickening (change = Emax X / (Emax + X)): histology shows "
            "about +50 % after a course (Lotfi 2013) and +40 % a year after it (Aust 2008), "
            "so the thickening is bounded and lasts; prior +100 % (chosen); between-patient "
            "spread ±20 % in log (chosen)",
        ),
        ("lotfi2013_epidermal_thickness_8wk", "aust2008_stratum_spinosum_1yr"),
    ),
    "Response factor, moderate [-]": (
        Parameter(
            0.6,
            Spread("lognormal", sd=0.2, high=1.0),
            "-",
            SOURCE,
            "fitted",
            "concerns the knowledge base grades 'moderate' responders (wrinkles, laxity, ...) "
            "reach this share of a good responder's improvement; between-patient spread ±20 % "
            "in log (chosen), at most 1",
        ),
        ("ablon2018_wrinkle_grade_d150",),
    ),
    "Vascular redness gain [1/um]": (
        Parameter(
            100.0,
            Spread("lognormal", sd=0.5),
            "1/um",
            SOURCE,
            "fitted",
            "redness per µm of channel volume per area below the subpapillary plexus; "
            "between-patient "
            "spread ±50 % in log (chosen)",
        ),
        ("naspolini2019_adverse_event_days",),
    ),
}

_FILE = "calibrated.yaml"


@cache
def fitted_values() -> dict[str, Any]:
    """The calibration file as written by the last ``microneedling calibrate``."""
    text = resources.files(__package__).joinpath(_FILE).read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    return dict(data)


def _parameters() -> dict[str, Parameter]:
    values = fitted_values().get("values", {})
    out: dict[str, Parameter] = {}
    for name, (prior, rows) in PRIORS.items():
        fitted = values.get(name)
        if fitted is None:
            out[name] = dataclasses.replace(
                prior, origin="chosen", note=prior.note + "; not yet fitted"
            )
            continue
        note = f"{prior.note}; fitted to {', '.join(rows)} (docs/model-validation.md)"
        out[name] = dataclasses.replace(prior, value=float(fitted), note=note, fitted_to=rows)
    return out


PARAMETERS = _parameters()
