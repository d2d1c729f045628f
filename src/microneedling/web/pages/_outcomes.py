"""The outcome pictures the follow-up page and the patient's record share: clinician scores over
time as charts, and each area's first photo before treatment beside the latest after it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from microneedling.clinic.services.outcomes import OutcomeOut, PhotoOut
from microneedling.knowledge import KnowledgeBase
from microneedling.reports.words import day_date
from microneedling.web.pages._charts import Chart, Line, line_chart

LINE_STYLES = ("line-1", "line-2", "line-3", "line-4")


@dataclass(frozen=True)
class PhotoPair:
    """The first photo before treatment and the latest after, for one site."""

    site: str
    before: PhotoOut | None
    after: PhotoOut | None


def baselines(photos: list[PhotoOut]) -> dict[str, PhotoOut]:
    """The first photo before treatment of each area (site id): what after photos are lined
    up with and compared against."""
    first: dict[str, PhotoOut] = {}
    for photo in photos:
        if photo.stage == "baseline":
            first.setdefault(photo.site or "", photo)
    return first


def photo_pairs(photos: list[PhotoOut], kb: KnowledgeBase) -> list[PhotoPair]:
    by_site: dict[str, list[PhotoOut]] = defaultdict(list)
    for photo in photos:
        by_site[photo.site or ""].append(photo)
    before = baselines(photos)
    pairs = []
    for site, group in by_site.items():
        after = [p for p in group if p.stage != "baseline"]
        name = kb.sites[site].name if site in kb.sites else (site or "Area not recorded")
        pairs.append(PhotoPair(name, before.get(site), after[-1] if after else None))
    return pairs


def outcome_charts(outcomes: list[OutcomeOut], kb: KnowledgeBase) -> list[Chart]:
    """One chart per scale: each concern's clinician scores over time."""
    by_scale: dict[str, dict[str, list[tuple[date, float]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for outcome in sorted(outcomes, key=lambda o: o.assessed_on):
        by_scale[outcome.scale][outcome.concern].append(
            (outcome.assessed_on, outcome.clinician_score)
        )
    charts = []
    for scale, concerns in by_scale.items():
        first = kb.concerns.get(next(iter(concerns)))
        bounds = (
            (min(first.scale.best, first.scale.worst), max(first.scale.best, first.scale.worst))
            if first
            else None
        )
        lines = [
            Line(kb.concerns[c].name if c in kb.concerns else c, points, LINE_STYLES[i % 4])
            for i, (c, points) in enumerate(concerns.items())
        ]
        worst_best = f" ({first.scale.best:g} best, {first.scale.worst:g} worst)" if first else ""
        charts.append(
            line_chart(
                f"Scores on the {scale}",
                f"score{worst_best}",
                lines,
                y_range=bounds,
                dots=True,
                summary="Clinician scores at each assessment: "
                + "; ".join(
                    f"{line.label}: " + ", ".join(f"{v:g} on {day_date(d)}" for d, v in line.points)
                    for line in lines
                ),
            )
        )
    return charts
