"""Without channels the solver must reproduce the closed-form laminate results.

Errors are scaled by stated tolerances (SciPy style): ``|numerical - exact| <= atol + rtol *
|exact|`` with the tolerance given next to each check.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from microneedling.model.delivery import (
    Compound,
    DiffusionProblem,
    Dose,
    Layer,
    Medium,
    Numerics,
    SkinLayers,
    Trajectory,
    lag_time_h,
    single_membrane_cumulative_ug_per_cm2,
    solve,
    steady_flux_ug_per_cm2_h,
    transport_properties,
)
from microneedling.model.delivery.properties import potts_guy_log_kp

C0 = 1000.0  # µg/mL
CAFFEINE = Compound(
    name="caffeine", molecular_weight_da=194.19, log_kow=-0.07, citation="PubChem CID 2519"
)
#: 100 µm membrane with lag time exactly 1 h: D = h² / 6.
MEMBRANE = Layer(Medium("membrane", diffusivity_cm2_per_h=(100e-4) ** 2 / 6.0, partition=2.0), 100)


def _run(layers: tuple[Layer, ...], duration_h: float, numerics: Numerics) -> Trajectory:
    problem = DiffusionProblem(layers, None, None, None, Dose(C0), duration_h)
    return solve(problem, numerics)


def _scaled_error(numerical: float, exact: float, rtol: float, atol: float = 0.0) -> float:
    return abs(numerical - exact) / (atol + rtol * abs(exact))


def test_single_membrane_cumulative_amount_matches_crank_series() -> None:
    run = _run((MEMBRANE,), 10.0, Numerics(resolution=8, steps_per_hour=40.0))
    exact = np.array([single_membrane_cumulative_ug_per_cm2(MEMBRANE, C0, t) for t in run.times_h])
    q_ss = steady_flux_ug_per_cm2_h([MEMBRANE], C0)
    # rtol 1e-3 of the amount; atol 1e-3 of one hour of steady flux, for the first minutes
    # when the amount itself is still near zero.
    errors = [
        _scaled_error(q, e, rtol=1e-3, atol=1e-3 * q_ss)
        for q, e in zip(run.cumulative_out_ug_per_cm2, exact, strict=True)
    ]
    assert max(errors) < 1.0


def test_single_membrane_steady_flux_and_lag_time_from_the_asymptote() -> None:
    run = _run((MEMBRANE,), 10.0, Numerics(resolution=8, steps_per_hour=40.0))
    expected_flux = MEMBRANE.medium.permeance_cm2_per_h * C0 / MEMBRANE.thickness_cm
    assert _scaled_error(run.flux_out_ug_per_cm2_h[-1], expected_flux, rtol=1e-4) < 1.0
    late = run.times_h >= 6.0  # six lag times: the exponential terms are below 1e-40
    slope, intercept = np.polyfit(run.times_h[late], run.cumulative_out_ug_per_cm2[late], 1)
    assert _scaled_error(slope, expected_flux, rtol=1e-4) < 1.0
    assert _scaled_error(-intercept / slope, lag_time_h(MEMBRANE), rtol=2e-3) < 1.0


def test_lag_time_error_falls_with_refinement() -> None:
    errors = []
    for resolution in (2, 4, 8):
        steps = 5.0 * resolution
        run = _run((MEMBRANE,), 10.0, Numerics(resolution=resolution, steps_per_hour=steps))
        late = run.times_h >= 6.0
        slope, intercept = np.polyfit(run.times_h[late], run.cumulative_out_ug_per_cm2[late], 1)
        errors.append(abs(-intercept / slope - lag_time_h(MEMBRANE)))
    assert errors[0] > errors[1] > errors[2]
    assert np.log2(errors[1] / errors[2]) > 1.8


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (Medium("barrier", 1.0e-4, 3.0), Medium("tissue", 1.0e-2, 0.5)),
        (Medium("lipophilic", 1.0e-3, 50.0), Medium("aqueous", 5.0e-2, 1.0)),
    ],
)
def test_two_layer_laminate_steady_flux_is_series_resistance(first: Medium, second: Medium) -> None:
    layers = (Layer(first, 20.0), Layer(second, 200.0))
    run = _run(layers, 2.0, Numerics(resolution=1, steps_per_hour=10.0))
    expected = C0 / (20e-4 / first.permeance_cm2_per_h + 200e-4 / second.permeance_cm2_per_h)
    assert expected == pytest.approx(steady_flux_ug_per_cm2_h(layers, C0), rel=1e-14)
    # Finite volumes with series face resistances are exact for a layered steady state,
    # so even the coarsest grid must agree to round-off once the transient has decayed.
    assert _scaled_error(run.flux_out_ug_per_cm2_h[-1], expected, rtol=1e-9) < 1.0


def test_intact_skin_reaches_the_potts_guy_series_flux() -> None:
    skin = SkinLayers(stratum_corneum_um=15.0, viable_epidermis_um=60.0, dermis_um=200.0)
    caffeine = transport_properties(CAFFEINE, skin)
    sc = caffeine.layers[0]
    # The modelled stratum corneum alone has exactly the Potts-Guy permeability.
    kp = sc.medium.permeance_cm2_per_h / sc.thickness_cm
    assert kp == pytest.approx(10 ** potts_guy_log_kp(194.19, -0.07), rel=1e-12)
    run = _run(caffeine.layers, 30.0, Numerics(resolution=2, steps_per_hour=4.0))
    expected = steady_flux_ug_per_cm2_h(caffeine.layers, C0)
    assert _scaled_error(run.flux_out_ug_per_cm2_h[-1], expected, rtol=1e-6) < 1.0


# Error-controlled time steps (Numerics.time_tolerance), SciPy test_ivp style: the error
# against the closed form, in units of the tolerance, stays below a fixed bound at every
# tolerance, falls as the tolerance falls, and the work grows as a second-order method's
# should. The grid (resolution 8) is fine enough that its own error (1.5e-6 of the amount
# delivered at 1 h, far less of the amount absorbed) is below the smallest tolerance's effect;
# errors are relative to the amount absorbed, the scale the controller uses.
TOLERANCES = (1e-2, 1e-3, 1e-4, 1e-5, 1e-6)


def _adaptive_errors(duration_h: float) -> list[tuple[float, int]]:
    """(error relative to the amount absorbed, accepted steps) per tolerance."""
    exact = single_membrane_cumulative_ug_per_cm2(MEMBRANE, C0, duration_h)
    out = []
    for tol in TOLERANCES:
        run = _run((MEMBRANE,), duration_h, Numerics(resolution=8, time_tolerance=tol))
        absorbed = float(run.cumulative_in_ug_per_cm2[-1])
        error = abs(float(run.cumulative_out_ug_per_cm2[-1]) - exact) / absorbed
        out.append((error, run.diagnostics["steps"]))
        assert run.mass_balance_relative_error < 1e-10
    return out


def test_error_controlled_steps_error_scaled_by_tolerance() -> None:
    """At one lag time (1 h), in the transient, where the time error matters most. Measured:
    scaled errors 0.005, 0.04, 0.25, 0.6, 1.5 for 1e-2 ... 1e-6 (per-step control: the
    global error grows as tol**(2/3)); the error at 1e-6 is 28x smaller than at 1e-3."""
    results = _adaptive_errors(1.0)
    scaled = [error / tol for (error, _), tol in zip(results, TOLERANCES, strict=True)]
    assert max(scaled) < 5.0, scaled  # SciPy's test_ivp bound on the scaled error
    errors = [error for error, _ in results]
    assert all(a > b for a, b in itertools.pairwise(errors)), errors
    assert errors[-1] < errors[1] / 20.0, errors


def test_error_controlled_steps_work_grows_as_second_order() -> None:
    """Local error of order 3 per step: steps ~ tol**(-1/3); between 1e-4 and 1e-6 (where the
    longest-step cap no longer binds) the measured exponent must lie in [0.25, 0.45]."""
    steps = [n for _, n in _adaptive_errors(1.0)]
    exponent = np.log(steps[4] / steps[2]) / np.log(TOLERANCES[2] / TOLERANCES[4])
    assert 0.25 <= exponent <= 0.45, (steps, exponent)
