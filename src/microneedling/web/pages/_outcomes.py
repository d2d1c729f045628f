"""The outcome charts the follow-up page and the patient's record share: clinician scores over
time (photo pairs by area and view are the clinic's rule: clinic/photo_pairs.py)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from microneedling.clinic.services.outcomes import OutcomeOut
from microneedling.knowledge import KnowledgeBase
from microneedling.reports.words import day_date
from microneedling.web.pages._charts import Chart, Line, line_chart

LINE_STYLES = ("line-1", "line-2", "line-3", "line-4")


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
