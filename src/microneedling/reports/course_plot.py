"""The picture of a simulated course: redness days, collagen with its band, milestones.

Top panel: the erythema grade day by day with the days of visible redness shaded. Middle
panel: papillary collagen relative to baseline, the cohort's 5-95 % band around it, each
session as a vertical line, and the milestones (first results, full effect, maintenance due).
With a cohort, a bottom panel: the expected grade on the concern's scale, the cohort's 5-95 %
band and median (:func:`~microneedling.model.observed.grade_band`), and any recorded scores
as points at their dates; titled "a model, not a promise".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from microneedling.model import CohortResult, CourseResult
from microneedling.model.laws.inflammation import VISIBLE_GRADE
from microneedling.model.observed import grade_band
from microneedling.reports.words import day_date


def draw_grades(
    axes: Axes,
    result: CourseResult,
    cohort: CohortResult,
    scores: Sequence[tuple[dt.date, float]] = (),
) -> None:
    """The expected grade's band and median over ``cohort``, and recorded ``scores``
    (assessed on, grade on the concern's scale) as points."""
    band = grade_band(cohort, result.scale)
    days = np.array(band.dates, dtype="datetime64[D]")
    axes.fill_between(days, band.p5, band.p95, color="#1f7a4a", alpha=0.2, lw=0,
                      label=f"5-95 % of {cohort.n:,} virtual patients")  # fmt: skip
    axes.plot(days, band.p50, color="#1f7a4a", lw=1.4, label="median")
    if scores:
        when = np.array([d for d, _ in scores], dtype="datetime64[D]")
        axes.scatter(when, [s for _, s in scores], s=36, zorder=3, facecolor="white",
                     edgecolor="#7a3d8c", lw=2, label="recorded score")  # fmt: skip
    scale = result.scale
    axes.set_ylim(min(scale.best, scale.worst), max(scale.best, scale.worst))
    axes.set_ylabel(f"grade\n({scale.best:g} best, {scale.worst:g} worst)")
    axes.set_title(f"Expected grade on the {scale.scale_name}: a model, not a promise", fontsize=10)
    axes.legend(loc="upper right", fontsize=8)


def plot_course(
    result: CourseResult,
    cohort: CohortResult | None,
    path: Path,
    scores: Sequence[tuple[dt.date, float]] = (),
) -> Path:
    """Draw ``result`` (and ``cohort``'s bands, and the grade panel with recorded ``scores``,
    when a cohort is given) into a PNG at ``path``."""
    dates = result.dates
    daily = result.daily
    rows = 3 if cohort is not None else 2
    fig, panels = plt.subplots(
        rows, 1, figsize=(11, 7 + 3 * (rows - 2)), sharex=True,
        gridspec_kw={"height_ratios": [1, 2, 2][:rows]},
    )  # fmt: skip
    top, bottom = panels[0], panels[1]
    if cohort is not None:
        draw_grades(panels[2], result, cohort, scores)
    top.plot(dates, daily["redness_grade"], color="#c0392b", lw=1.2, label="redness (daily)")
    top.axhline(VISIBLE_GRADE, color="#c0392b", ls=":", lw=0.8)
    for s in result.sessions:
        end = s.date + dt.timedelta(days=s.downtime_days)
        top.axvspan(s.date, end, color="#e74c3c", alpha=0.25, lw=0)
        top.annotate(
            f"{s.downtime_days:.1f} d",
            (s.date, 2.6),
            fontsize=8,
            color="#922b21",
            xytext=(2, 0),
            textcoords="offset points",
        )
    top.set_ylim(0, 3)
    top.set_ylabel("erythema grade\n(1 = visible)")
    top.set_title(
        f"{result.scale.concern_name} at {result.course.site}: simulated course "
        f"({len(result.sessions)} sessions)"
    )

    if cohort is not None:
        band = cohort.daily["collagen_pct"]
        cohort_dates = [result.course.start + dt.timedelta(days=int(d)) for d in cohort.days]
        bottom.fill_between(
            cohort_dates,
            band.p5,
            band.p95,
            color="#2e86c1",
            alpha=0.2,
            lw=0,
            label=f"5-95 % of {cohort.n:,} virtual patients",
        )
    bottom.plot(
        dates, daily["collagen_pct"], color="#1b4f72", lw=1.6, label="collagen (this patient)"
    )
    bottom.axhline(100, color="grey", lw=0.6)
    for i, s in enumerate(result.sessions):
        bottom.axvline(
            s.date, color="#7f8c8d", lw=0.8, ls="--", label="session" if i == 0 else None
        )
        top.axvline(s.date, color="#7f8c8d", lw=0.8, ls="--")
    m = result.milestones
    marks = [
        (m.first_results_on, "first results", "#27ae60"),
        (m.full_effect_on, "full effect", "#8e44ad"),
        (m.maintenance_due_on, "maintenance due", "#d35400"),
    ]
    for when, label, colour in marks:
        if when is None:
            continue
        bottom.axvline(when, color=colour, lw=1.4, label=f"{label} {day_date(when)}")
    bottom.set_ylabel("papillary collagen [% of baseline]")
    bottom.legend(loc="upper right", fontsize=8)
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))  # type: ignore[no-untyped-call]
    fig.autofmt_xdate()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
