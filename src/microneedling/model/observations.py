"""Published observations the model is fitted to or checked against, in one place.

Each :class:`Observation` says what was observed, in which setting, the band the model's value
must fall in, and its *role*: ``fit`` (a parameter was chosen to reproduce it, so agreement only
shows the fit holds), ``check`` (not used for any parameter: an independent test) or
``context`` (not reproduced or not quantitative; shown beside the model's value, not asserted).
``docs/model-validation.md`` is generated from this list (:mod:`.validation_report`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import Literal

import numpy as np

from microneedling.model.course import Course
from microneedling.model.result import CourseResult
from microneedling.model.simulation import simulate_course

Role = Literal["fit", "check", "context"]
START = dt.date(2026, 1, 5)


@dataclass(frozen=True)
class Observation:
    """One published observation, the model's counterpart and the tolerance band."""

    id: str
    source: str
    observed: str
    setting: str
    quantity: str
    low: float
    high: float
    role: Role
    model_value: Callable[[], float]
    note: str = ""

    def holds(self, value: float) -> bool:
        return self.low <= value <= self.high


#: A course of identical sessions from :data:`START` (see :meth:`Course.repeated`).
course = partial(Course.repeated, START)


def _lotfi(concern: str = "acne_scars_rolling") -> CourseResult:
    return simulate_course(course("roller", 1.5, 15, 5, 30, concern=concern, age_years=25.0))


def _lotfi_at(name: str, concern: str = "acne_scars_rolling") -> float:
    r = _lotfi(concern)
    return float(r.daily[name][r.course.last_session_day + 56])


@cache
def _single(
    kind: Literal["pen", "roller"], length_mm: float, passes: int, site: str = "cheeks"
) -> CourseResult:
    return simulate_course(course(kind, length_mm, passes, site=site))


@cache
def _monthly_pen() -> CourseResult:
    return simulate_course(course("pen", 1.0, 3, 4, 28))


def _days_after_last(result: CourseResult, when: dt.date | None) -> float:
    if when is None:
        return float("inf")
    return float((when - result.course.start).days - result.course.last_session_day)


def _phase_share(state: str, day: int) -> float:
    series = _single("pen", 1.5, 3).daily[state]
    return float(series[day] / series.max())


def _peak_day(state: str) -> float:
    return float(np.argmax(_single("pen", 1.5, 3).daily[state]))


def _first_results_day() -> float:
    m = _monthly_pen().milestones
    assert m.first_results_on is not None
    return float((m.first_results_on - START).days)


def _eldomyati(name: str, day: int) -> float:
    r = simulate_course(course("pen", 1.5, 3, 6, 14, concern="acne_scars_rolling", age_years=25.0))
    return float(r.daily[name][day])


def _aust(name: str) -> float:
    r = simulate_course(course("roller", 1.5, 15, 3, 30, concern="wrinkles", age_years=50.0))
    day = r.course.last_session_day + 182
    return float(r.daily[name][day])


def _ablon() -> float:
    r = simulate_course(course("pen", 1.0, 3, 4, 30, concern="wrinkles", age_years=55.0))
    start = r.scale.baseline_grade
    return float(start - r.daily["expected_grade"][150])


OBSERVATIONS: tuple[Observation, ...] = (
    Observation(
        "kalluri2011_depth",
        "Kalluri, Kolli & Banga 2011, AAPS J 13:473",
        "770 µm roller needles: channels 152.5 ± 9.6 µm deep (hairless rat)",
        "roller, 0.77 mm needles, cheeks",
        "channel depth [µm]",
        142.9,
        162.1,
        "fit",
        lambda: _single("roller", 0.77, 1).sessions[0].effective_depth_um,
    ),
    Observation(
        "kalluri2011_depth_370",
        "Kalluri, Kolli & Banga 2011, AAPS J 13:473",
        "roller channels are about 20 % of needle length (also for 370 µm needles)",
        "roller, 0.37 mm needles, cheeks",
        "depth / needle length [-]",
        0.15,
        0.25,
        "check",
        lambda: _single("roller", 0.37, 1).sessions[0].effective_depth_um / 370.0,
    ),
    Observation(
        "kalluri2011_closure_770",
        "Kalluri, Kolli & Banga 2011, AAPS J 13:473",
        "calcein: pores of 770 µm needles closed by 18 h",
        "roller, 0.77 mm, uncovered; closed = 5 % still open",
        "hours until closed [h]",
        16.0,
        20.0,
        "fit",
        lambda: _single("roller", 0.77, 1).sessions[0].channels_closed_after_h,
    ),
    Observation(
        "kalluri2011_closure_370",
        "Kalluri, Kolli & Banga 2011, AAPS J 13:473",
        "calcein: pores of 370 µm needles closed by 12 h",
        "roller, 0.37 mm, uncovered; closed = 5 % still open",
        "hours until closed [h]",
        10.0,
        14.0,
        "fit",
        lambda: _single("roller", 0.37, 1).sessions[0].channels_closed_after_h,
    ),
    Observation(
        "kalluri2011_tewl",
        "Kalluri, Kolli & Banga 2011, AAPS J 13:473",
        "water-loss barrier back 4-5 h after 370 and 770 µm needles (hairless rat)",
        "roller, 0.77 mm",
        "hours until the barrier deficit is 10 % [h]",
        4.0,
        5.0,
        "context",
        lambda: _single("roller", 0.77, 1).sessions[0].barrier_recovered_after_h,
        "not reproduced: the barrier half-time follows the human data (Gupta 2011, Bal 2008), "
        "which recover within 2 h; rat skin recovered more slowly",
    ),
    Observation(
        "gupta2011_uncovered",
        "Gupta, Gill, Andrews & Prausnitz 2011, J Control Release 154:148",
        "without occlusion every microneedle-treated site recovered its barrier within 2 h",
        "pen 0.75 mm, one pass, uncovered",
        "hours until the barrier deficit is 10 % [h]",
        0.0,
        2.0,
        "fit",
        lambda: _single("pen", 0.75, 1).sessions[0].barrier_recovered_after_h,
    ),
    Observation(
        "gupta2011_occluded",
        "Gupta, Gill, Andrews & Prausnitz 2011, J Control Release 154:148",
        "occluded sites resealed much more slowly than uncovered ones",
        "pen 0.75 mm, one pass, occluded vs uncovered",
        "ratio of recovery times [-]",
        3.0,
        float("inf"),
        "check",
        lambda: (
            simulate_course(course("pen", 0.75, 1, occluded=True))
            .sessions[0]
            .barrier_recovered_after_h
            / _single("pen", 0.75, 1).sessions[0].barrier_recovered_after_h
        ),
    ),
    Observation(
        "bal2008_400um",
        "Bal, Caussin, Pavel & Bouwstra 2008, Eur J Pharm Sci 35:193",
        "400 µm arrays on the forearm: irritation minimal and gone in under 2 h",
        "stamp 0.4 mm, one application (pen, one pass), arms",
        "hours of visible redness [h]",
        0.0,
        2.0,
        "fit",
        lambda: 24.0 * _single("pen", 0.4, 1, "arms").sessions[0].downtime_days,
    ),
    Observation(
        "bal2008_length",
        "Bal, Caussin, Pavel & Bouwstra 2008, Eur J Pharm Sci 35:193",
        "400 µm needles raised redness more than 200 µm needles",
        "stamp 0.4 vs 0.2 mm, one pass, arms: redness grade just after",
        "difference in redness grade [grade]",
        1e-9,
        float("inf"),
        "check",
        lambda: (
            float(_single("pen", 0.4, 1, "arms").sessions[0].hourly["redness_grade"][0])
            - float(_single("pen", 0.2, 1, "arms").sessions[0].hourly["redness_grade"][0])
        ),
    ),
    Observation(
        "donnelly2010_oct",
        "Donnelly et al. 2010, Pharm Res",
        "600 µm needles reached ~460 µm in human skin in vivo by OCT (77 %)",
        "stamp (pen) 0.6 mm, cheeks",
        "depth [µm]",
        440.0,
        480.0,
        "fit",
        lambda: _single("pen", 0.6, 1).sessions[0].effective_depth_um,
    ),
    Observation(
        "sasaki2019_histology",
        "Sasaki 2019, Aesthet Surg J Open Forum 1:ojz017",
        "pen channels of 0.5 and 1.5 mm 'closely approximated' the needle lengths (ex vivo)",
        "pen 0.5 mm, cheeks",
        "depth / needle length [-]",
        0.7,
        1.0,
        "check",
        lambda: _single("pen", 0.5, 1).sessions[0].effective_depth_um / 500.0,
        "a qualitative statement; the band 0.7-1.0 is our reading of 'closely approximated'",
    ),
    Observation(
        "lotfi2013_collagen",
        "Lotfi, Moneib & Yehia 2013, J Egypt Women's Dermatol Soc 10:152",
        "5 monthly 1.5 mm roller sessions: papillary collagen +53.2 % eight weeks after the last",
        "roller 1.5 mm, 15 passes, 5 sessions 30 days apart, cheeks, 25 years",
        "collagen [% of baseline]",
        148.0,
        158.0,
        "fit",
        lambda: _lotfi_at("collagen_pct"),
    ),
    Observation(
        "lotfi2013_epidermis",
        "Lotfi, Moneib & Yehia 2013, J Egypt Women's Dermatol Soc 10:152",
        "epidermal thickness +50 % eight weeks after the last session",
        "as above",
        "epidermal change [%]",
        45.0,
        55.0,
        "fit",
        lambda: _lotfi_at("epidermis_change_pct"),
    ),
    Observation(
        "lotfi2013_scars",
        "Lotfi, Moneib & Yehia 2013, J Egypt Women's Dermatol Soc 10:152",
        "rolling/boxcar scars: excellent 20 %, good 70 % (mean about 65 % improvement)",
        "as above, rolling acne scars",
        "improvement [share]",
        0.60,
        0.70,
        "fit",
        lambda: _lotfi_at("improvement_fraction"),
    ),
    Observation(
        "lotfi2013_icepick",
        "Lotfi, Moneib & Yehia 2013, J Egypt Women's Dermatol Soc 10:152",
        "ice-pick scars improved only slightly",
        "as above, ice-pick scars",
        "improvement [share]",
        0.0,
        0.30,
        "check",
        lambda: _lotfi_at("improvement_fraction", "acne_scars_icepick"),
    ),
    Observation(
        "phases_inflammation",
        "Antioxid Redox Signal 2008;10:1869 (wound-healing phases)",
        "inflammation lasts from injury to a few days",
        "pen 1.5 mm, 3 passes, one session: inflammatory signal on day 3 vs its peak",
        "share of peak [-]",
        0.0,
        0.05,
        "check",
        lambda: _phase_share("inflammatory_signal", 3),
    ),
    Observation(
        "phases_proliferation_peak",
        "Antioxid Redox Signal 2008;10:1869 (wound-healing phases)",
        "proliferation from a few days to a few weeks",
        "as above: day of peak fibroblast activation",
        "day [d]",
        2.0,
        14.0,
        "check",
        lambda: _peak_day("fibroblasts"),
    ),
    Observation(
        "phases_proliferation_end",
        "Antioxid Redox Signal 2008;10:1869 (wound-healing phases)",
        "proliferation is over within a few weeks",
        "as above: fibroblast activation on day 42 vs its peak",
        "share of peak [-]",
        0.0,
        0.10,
        "check",
        lambda: _phase_share("fibroblasts", 42),
    ),
    Observation(
        "phases_remodelling",
        "Antioxid Redox Signal 2008;10:1869 (wound-healing phases)",
        "remodelling from a few weeks up to two years",
        "as above: new collagen I on day 182 vs its peak",
        "share of peak [-]",
        0.5,
        1.0,
        "check",
        lambda: _phase_share("collagen_i", 182),
    ),
    Observation(
        "seeds_redness_deep",
        "Clinic patient-education pages (seeds); Am J Clin Dermatol 2019 (mean 3 days)",
        "redness like a mild sunburn, gone in a few days",
        "pen 1.5 mm, 3 passes, cheeks",
        "days of visible redness [d]",
        2.5,
        3.5,
        "fit",
        lambda: _single("pen", 1.5, 3).sessions[0].downtime_days,
    ),
    Observation(
        "seeds_redness_1mm",
        "Clinic patient-education pages (seeds)",
        "redness a few days; makeup the next day",
        "pen 1.0 mm, 3 passes, cheeks",
        "days of visible redness [d]",
        1.0,
        4.0,
        "check",
        lambda: _single("pen", 1.0, 3).sessions[0].downtime_days,
    ),
    Observation(
        "seeds_first_results",
        "Clinic patient-education pages (seeds)",
        "results can be seen from about 30 days",
        "pen 1.0 mm, 3 passes, 4 sessions 28 days apart: day half the course's peak is reached",
        "day [d]",
        21.0,
        45.0,
        "check",
        _first_results_day,
        "'first results' is defined as half of the course's peak improvement",
    ),
    Observation(
        "seeds_full_effect",
        "Clinic patient-education pages (seeds)",
        "full effect six to eight weeks after the last session",
        "pen 1.0 mm, 3 passes, 4 sessions 28 days apart",
        "days after the last session [d]",
        42.0,
        56.0,
        "fit",
        lambda: _days_after_last(_monthly_pen(), _monthly_pen().milestones.full_effect_on),
    ),
    Observation(
        "seeds_full_effect_roller",
        "Clinic patient-education pages (seeds)",
        "full effect six to eight weeks after the last session",
        "roller 1.5 mm, 15 passes, 5 sessions 30 days apart",
        "days after the last session [d]",
        42.0,
        56.0,
        "check",
        lambda: _days_after_last(_lotfi(), _lotfi().milestones.full_effect_on),
    ),
    Observation(
        "alster2018_maintenance",
        "Alster & Graham 2018, Dermatol Surg 44:397",
        "maintenance every 6-12 months",
        "pen 1.0 mm, 3 passes, 4 sessions 28 days apart",
        "days after the last session [d]",
        182.0,
        365.0,
        "fit",
        lambda: _days_after_last(_monthly_pen(), _monthly_pen().milestones.maintenance_due_on),
    ),
    Observation(
        "alster2018_maintenance_roller",
        "Alster & Graham 2018, Dermatol Surg 44:397",
        "maintenance every 6-12 months",
        "roller 1.5 mm, 15 passes, 5 sessions 30 days apart",
        "days after the last session [d]",
        182.0,
        365.0,
        "check",
        lambda: _days_after_last(_lotfi(), _lotfi().milestones.maintenance_due_on),
    ),
    Observation(
        "dermatolsurg2012_72h",
        "Dermatol Surg 2012;38:1816",
        "face, 0.15-0.25 mm needles, 5-10 passes: barrier and redness at baseline by 72 h",
        "pen 0.25 mm, 10 passes, cheeks: largest of barrier deficit [%] and redness grade at 72 h",
        "value at 72 h",
        0.0,
        0.05,
        "check",
        lambda: max(
            float(_single("pen", 0.25, 10).sessions[0].hourly["barrier_deficit_pct"][72]),
            float(_single("pen", 0.25, 10).sessions[0].hourly["redness_grade"][72]),
        ),
    ),
    Observation(
        "eldomyati2015_collagen",
        "El-Domyati et al. 2015, J Clin Aesthet Dermatol (acne scars)",
        "6 sessions every 2 weeks: collagen I, III and new collagen up at 1 and 3 months",
        "pen 1.5 mm, 3 passes (settings assumed), 6 sessions 14 days apart: collagen at 1 month",
        "collagen [% of baseline]",
        105.0,
        float("inf"),
        "check",
        lambda: _eldomyati("collagen_pct", 30),
    ),
    Observation(
        "eldomyati2015_collagen_3m",
        "El-Domyati et al. 2015, J Clin Aesthet Dermatol (acne scars)",
        "collagen still higher at 3 months",
        "as above, collagen at 3 months",
        "collagen [% of baseline]",
        105.0,
        float("inf"),
        "check",
        lambda: _eldomyati("collagen_pct", 90),
    ),
    Observation(
        "eldomyati2015_elastin",
        "El-Domyati et al. 2015, J Clin Aesthet Dermatol (acne scars)",
        "total elastin fell while new tropoelastin rose",
        "as above, elastin at 3 months",
        "elastin [% of baseline]",
        0.0,
        100.0,
        "context",
        lambda: _eldomyati("elastin_pct", 90),
        "not reproduced: the model has new elastin only, no breakdown of old elastotic material",
    ),
    Observation(
        "aust2008_histology",
        "Aust et al. 2008, Plast Reconstr Surg 121:1421",
        "more collagen and elastin on histology at 6 months",
        "roller 1.5 mm, 15 passes, 3 sessions 30 days apart (settings assumed), wrinkles, 50 y: "
        "smaller of collagen and elastin 6 months after the last",
        "[% of baseline]",
        100.5,
        float("inf"),
        "check",
        lambda: min(_aust("collagen_pct"), _aust("elastin_pct")),
    ),
    Observation(
        "aust2008_rating",
        "Aust et al. 2008, Plast Reconstr Surg 121:1421",
        "480 patients rated their improvement at 60-80 %",
        "as above: improvement 6 months after the last session",
        "improvement [share]",
        0.6,
        0.8,
        "context",
        lambda: _aust("improvement_fraction"),
        "self-rated improvement is not the model's clinical-scale share; shown for comparison",
    ),
    Observation(
        "ablon2018_lemperle",
        "Ablon 2018, J Clin Aesthet Dermatol (automated pen, n = 48)",
        "4 sessions 30 days apart: global Lemperle wrinkle score improved 1.23 grades at day 150",
        "pen 1.0 mm, 3 passes (settings assumed), wrinkles, moderate, 55 y: grades at day 150",
        "improvement [grades]",
        0.9,
        1.6,
        "context",
        _ablon,
        "needle depth and baseline grade of the trial were not read; compared for scale only",
    ),
)


def evaluate() -> list[tuple[Observation, float]]:
    """Every observation with the model's value."""
    return [(o, float(o.model_value())) for o in OBSERVATIONS]
