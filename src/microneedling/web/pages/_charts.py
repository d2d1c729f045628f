"""Line charts as inline SVG: a few lines, an optional band, and dated markers.

Pictures where people look rather than read: a predicted course, outcome scores over time.
Everything is computed here into plain coordinates; the ``_chart.html`` template only draws.
No JavaScript and no external resources, so charts print and work on any tablet.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from microneedling.reports.words import axis_date, day_date

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 18, 42


@dataclass(frozen=True)
class Line:
    label: str
    points: Sequence[tuple[date, float]]
    css: str = "line-1"
    #: Separate observations (recorded scores): drawn as dots, not joined into a line.
    dots_only: bool = False


@dataclass(frozen=True)
class Band:
    """A shaded range (e.g. the 5-95 % band of a virtual cohort)."""

    label: str
    lower: Sequence[tuple[date, float]]
    upper: Sequence[tuple[date, float]]


@dataclass(frozen=True)
class Marker:
    """A vertical mark on a date: a session, a milestone, maintenance."""

    when: date
    label: str
    css: str = "marker"


@dataclass
class Chart:
    """Coordinates ready to draw, plus the words a screen reader needs."""

    title: str
    y_label: str
    summary: str
    width: int = WIDTH
    height: int = HEIGHT
    paths: list[tuple[str, str, str]] = field(default_factory=list)  # (d, css, label)
    dots: list[tuple[float, float, str, str]] = field(default_factory=list)  # x, y, css, title
    band: tuple[str, str] | None = None  # (d, label)
    markers: list[tuple[float, str, str]] = field(default_factory=list)  # x, label, css
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM


def _nice_step(span: float, target: int = 5) -> float:
    raw = span / max(target, 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def line_chart(
    title: str,
    y_label: str,
    lines: Sequence[Line],
    *,
    band: Band | None = None,
    markers: Sequence[Marker] = (),
    y_range: tuple[float, float] | None = None,
    summary: str = "",
    dots: bool = False,
) -> Chart:
    """Lay out ``lines`` (and ``band``, ``markers``) on date and value axes."""
    all_points = [p for line in lines for p in line.points]
    if band:
        all_points += [*band.lower, *band.upper]
    dates = [d for d, _ in all_points] + [m.when for m in markers]
    if not dates:
        return Chart(title, y_label, summary or "No data yet.")
    start, end = min(dates), max(dates)
    span_days = max((end - start).days, 1)
    values = [v for _, v in all_points]
    low, high = y_range if y_range else (min(values), max(values))
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    step = _nice_step(high - low)
    # Rounded outwards to whole steps; a value too small to divide by the step (a subnormal)
    # still gets a tick below it, and -0.0 is read as 0.
    first, last = math.floor(low / step) * step + 0.0, math.ceil(high / step) * step + 0.0
    low = first - step if first > low else first
    high = last + step if last < high else last
    chart = Chart(title, y_label, summary)
    width = chart.plot_right - chart.plot_left
    height = chart.plot_bottom - chart.plot_top

    def x(day: date) -> float:
        return round(chart.plot_left + (day - start).days / span_days * width, 1)

    def y(value: float) -> float:
        return round(chart.plot_bottom - (value - low) / (high - low) * height, 1)

    def path(points: Sequence[tuple[date, float]]) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{x(d)},{y(v)}" for i, (d, v) in enumerate(points))

    if band and band.lower and band.upper:
        outline = [*band.upper, *reversed(band.lower)]
        chart.band = (path(outline) + " Z", band.label)
    for line in lines:
        if line.points:
            if not line.dots_only:
                chart.paths.append((path(line.points), line.css, line.label))
            if dots or line.dots_only:
                chart.dots += [
                    (x(d), y(v), line.css, f"{line.label}: {v:g} on {day_date(d)}")
                    for d, v in line.points
                ]
    chart.markers = [(x(m.when), m.label, m.css) for m in markers]
    tick_days = max(1.0, _nice_step(span_days, 6))  # a tick is a whole day
    day = 0.0
    while day <= span_days:
        when = date.fromordinal(start.toordinal() + int(day))
        chart.x_ticks.append((x(when), axis_date(when, tick_days)))
        day += tick_days
    value = low
    while value <= high + 1e-9:
        chart.y_ticks.append((y(value), f"{value:g}"))
        value += step
    return chart
