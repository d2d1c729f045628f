"""The outcome fills a finite deficit: each G50 of new collagen fills half of what is left,
so returns diminish with sessions, and atrophic acne scars stop at their fillable share."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from model_helpers import make_course

from microneedling.model import full_parameter_set, simulate_course
from microneedling.model.laws.outcome import improvement_fraction
from microneedling.model.solver.inputs import FILLABLE_SCAR_SHARE

G50 = np.array([0.3])
R = np.array([0.7])


def test_each_half_saturating_gain_fills_half_of_what_is_left() -> None:
    f = improvement_fraction(np.array([0.0, 0.3, 0.6, 0.9]), G50, R)
    np.testing.assert_allclose(f, [0.0, 0.35, 0.525, 0.6125], rtol=1e-12)


@given(
    g=st.floats(0.0, 20.0), dg=st.floats(0.01, 5.0), g50=st.floats(0.05, 2.0), r=st.floats(0.1, 1)
)
def test_returns_diminish_and_never_pass_the_fillable_share(
    g: float, dg: float, g50: float, r: float
) -> None:
    """The same extra collagen adds less the more is already filled, and the improvement
    stays below the share that can be filled (a Michaelis-Menten form passes the first
    property too, so the test pins the first-order form by its halving)."""
    h, rr = np.array([g50]), np.array([r])
    f0, f1, f2 = (
        float(improvement_fraction(np.array([x]), h, rr)[0]) for x in (g, g + dg, g + 2 * dg)
    )
    assert f1 - f0 >= f2 - f1 - 1e-12
    assert 0.0 <= f0 <= f1 <= f2 <= r + 1e-12
    left0, left1 = r - f0, r - f1
    assert np.isclose(left1, left0 * 2.0 ** (-dg / g50), rtol=1e-9, atol=1e-12)


def test_a_loss_of_collagen_counts_as_no_improvement() -> None:
    assert float(improvement_fraction(np.array([-0.2]), G50, R)[0]) == 0.0


def test_scar_courses_level_off_with_the_number_of_sessions() -> None:
    """Four, eight and twelve monthly 1.5 mm pen sessions for rolling scars: each added block
    of four sessions gains less than the one before, and none passes the fillable share."""
    share = float(full_parameter_set()[FILLABLE_SCAR_SHARE].value)
    peaks = []
    for n in (4, 8, 12):
        course = make_course(length_mm=1.5, sessions=n, concern="acne_scars_rolling")
        peaks.append(simulate_course(course).milestones.peak_improvement_fraction)
    assert peaks[0] < peaks[1] < peaks[2] < share
    assert peaks[2] - peaks[1] < peaks[1] - peaks[0]


def test_the_fillable_share_is_the_ceiling_of_atrophic_acne_scars_only() -> None:
    """Rolling and boxcar scars reach at most the fillable share; texture (a good responder)
    is not capped by it."""
    high = {"Half-saturating collagen gain [-]": 1e-3}
    share = float(full_parameter_set()[FILLABLE_SCAR_SHARE].value)
    for concern in ("acne_scars_rolling", "acne_scars_boxcar"):
        course = make_course(length_mm=1.5, concern=concern)
        peak = simulate_course(course, values=high).milestones.peak_improvement_fraction
        assert np.isclose(peak, share, rtol=1e-3), concern
    texture = simulate_course(make_course(concern="texture"), values=high)
    assert texture.milestones.peak_improvement_fraction > share


def test_the_lasting_epidermis_follows_the_filled_dermis() -> None:
    """The lasting thickening saturates with the filled share: one session's is a good part of
    five sessions' (Aust 2008 against Lotfi 2013), and it stays within its bound."""
    from microneedling.model.laws.outcome import epidermal_change_pct, filled_share

    support, largest = np.array([4.0]), np.array([0.65])
    one, five = filled_share(np.array([0.06, 0.44]), G50)
    lasting = [
        float(epidermal_change_pct(np.array([0.0]), np.array([f]), support, largest)[0])
        for f in (one, five)
    ]
    assert lasting[0] > 0.5 * lasting[1]
    assert 0.0 < lasting[0] < lasting[1] < 100.0 * 0.65
    assert float(epidermal_change_pct(np.array([0.0]), np.array([0.0]), support, largest)[0]) == 0.0


def test_the_epidermis_stays_thicker_a_year_after_one_session() -> None:
    """After one 1.0 mm roller session the epidermis is still clearly thicker at a year, and
    it fades slowly: at a year it keeps most of what it had at six months."""
    course = make_course(kind="roller", passes=15, sessions=1, horizon_days=365)
    epi = simulate_course(course).daily["epidermis_change_pct"]
    assert epi[365] > 20.0
    assert epi[365] > 0.8 * epi[180]
