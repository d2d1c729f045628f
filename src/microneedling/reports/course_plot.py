"""The picture of a simulated course: redness days, collagen with its band, milestones.

Top panel: the erythema grade day by day with the days of visible redness shaded. Bottom
panel: papillary collagen relative to baseline, the cohort's 5-95 % band around it, each
session as a vertical line, and the milestones (first results, full effect, maintenance due).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt

from microneedling.model import CohortResult, CourseResult
from microneedling.model.inflammation import VISIBLE_GRADE
from microneedling.reports.words import day_date


def plot_course(result: CourseResult, cohort: CohortResult | None, path: Path) -> Path:
    """Draw ``result`` (and ``cohort``'s band when given) into a PNG at ``path``."""
    dates = result.dates
    daily = result.daily
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(11, 7), sharex=True, gridspec_kw={"height_ratios": [1, 2]}
    )
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
