"""After a course the improvement keeps rising for months, then fades only slowly.

Acne-scar trials still improve between three and six months (Alam 2014: 2.4 then 3.4 points on
the quantitative scale, sessions in weeks 1, 3 and 5, so about 8 and 21 weeks after the last),
and histology a year after needling still shows the thicker epidermis (Aust 2008). Matured
collagen turns over with skin collagen's 15-year half-life (Verzijl 2000), so what was built
stays while collagen III still matures.
"""

from __future__ import annotations

import numpy as np
import pytest
from model_helpers import make_course

from microneedling.model import simulate_course


@pytest.mark.parametrize(
    ("kind", "length_mm", "passes", "sessions", "gap_days", "concern"),
    [
        ("roller", 1.5, 15, 3, 14, "acne_scars_rolling"),  # Alam 2014's schedule
        ("pen", 1.5, 3, 4, 30, "acne_scars_rolling"),
        ("pen", 1.0, 3, 4, 30, "wrinkles"),
    ],
)
def test_improvement_rises_from_two_to_five_months_after_the_last_session(
    kind: str, length_mm: float, passes: int, sessions: int, gap_days: int, concern: str
) -> None:
    course = make_course(
        kind=kind,  # type: ignore[arg-type]
        length_mm=length_mm,
        passes=passes,
        sessions=sessions,
        gap_days=gap_days,
        concern=concern,
        horizon_days=(sessions - 1) * gap_days + 800,
    )
    f = simulate_course(course).daily["improvement_fraction"]
    last = course.last_session_day
    assert f[last + 8 * 7] < f[last + 21 * 7]
    peak_day = int(np.argmax(f)) - last
    assert 120 <= peak_day <= 300, peak_day
    # A year after the last session almost all of the peak is left; two years after, most.
    assert f[last + 365] >= 0.95 * f.max()
    assert f[last + 730] >= 0.85 * f.max()


def test_the_epidermis_a_year_after_one_session_keeps_most_of_its_six_month_thickening() -> None:
    """Aust 2008's biopsies a year after mostly one session: the lasting thickening follows
    the dermis filled, which the slow turnover keeps."""
    course = make_course(kind="roller", length_mm=1.0, passes=15, sessions=1, horizon_days=400)
    e = simulate_course(course).daily["epidermis_change_pct"]
    assert e[365] >= 0.9 * e[182] > 0
