"""The exact solver against closed forms, the matrix exponential, RK4 and solve_ivp.

In the manner of SciPy's integrator tests: errors are compared with a stated tolerance, and the
order of convergence of a fixed-step method towards the exact solution is asserted.
"""

from __future__ import annotations

import math
from types import ModuleType

import numpy as np
import pytest
from model_helpers import arrays_for, make_course
from numpy.typing import NDArray
from scipy.linalg import expm

from microneedling.model.laws.healing import STATES, Cascade
from microneedling.model.solver import engine

FloatArray = NDArray[np.float64]


def _cascade(**rates: float) -> Cascade:
    base = {
        "inflammation_decay": 2.0,
        "macrophage_rate": 0.3,
        "fibroblast_rate": 0.6,
        "collagen_synthesis": 1.1,
        "maturation": 1 / 45,
        "collagen_iii_degradation": 1 / 90,
        "collagen_i_turnover": 1 / 240,
        "elastin_synthesis": 1.1,
        "elastin_turnover": 1 / 240,
        "epidermal_growth": 11.7,
        "epidermal_renewal": 1 / 27,
    }
    base.update(rates)
    return Cascade(**{k: np.array([v]) for k, v in base.items()})


def _pulse_response(cascade: Cascade, t: FloatArray) -> FloatArray:
    """States (len(t), 7) after a unit pulse at t = 0, by the divided-difference closed form."""
    lam = cascade.rates()[:, 0]
    gains = cascade.gains()[:, 0]
    weights = cascade.weights()
    from microneedling.model.laws.healing import CHAINS

    out = np.zeros((t.size, 7))
    for k, chain in enumerate(CHAINS):
        for a, i in enumerate(chain):
            out[:, k] += gains[k] * weights[k][a, 0] * np.exp(-lam[i] * t)
    return out


def test_inflammatory_signal_is_a_single_exponential() -> None:
    cascade = _cascade()
    t = np.linspace(0, 10, 41)
    assert np.allclose(_pulse_response(cascade, t)[:, 0], np.exp(-2.0 * t), rtol=1e-14)


def test_macrophages_match_the_two_exponential_formula() -> None:
    cascade = _cascade()
    t = np.linspace(0, 30, 61)
    expected = 0.3 * (np.exp(-2.0 * t) - np.exp(-0.3 * t)) / (0.3 - 2.0)
    assert np.allclose(_pulse_response(cascade, t)[:, 1], expected, rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_closed_form_matches_the_matrix_exponential(seed: int) -> None:
    rng = np.random.default_rng(seed)
    cascade = _cascade(
        macrophage_rate=float(rng.uniform(0.1, 1.0)),
        fibroblast_rate=float(rng.uniform(0.1, 1.0)),
        maturation=float(rng.uniform(0.005, 0.05)),
    )
    t = np.linspace(0, 400, 81)
    a = cascade.matrix(0)
    expected = np.stack([expm(a * ti)[:, 0] for ti in t])
    got = _pulse_response(cascade, t)
    scale = np.abs(expected).max(axis=0)
    assert np.all(np.abs(got - expected) <= 1e-11 * scale + 1e-300)


def test_equal_rates_take_the_matrix_exponential_path_and_stay_exact() -> None:
    course = make_course(sessions=2)
    arrays = arrays_for(course)
    equal = _cascade(fibroblast_rate=0.3)  # the same as the macrophage rate
    arrays = type(arrays)(**{**arrays.__dict__, "cascade": equal})
    solver = engine.DailySolver(arrays, block_days=400)
    assert solver.slow_rows.tolist() == [0]
    block = next(solver.blocks(120))
    times = np.arange(121, dtype=float)
    expected = engine.slow_states(
        equal.matrix(0), arrays.sessions.days, arrays.sessions.kick[:, 0], times
    )
    for k, name in enumerate(STATES):
        assert np.all(np.isfinite(block.states[name]))
        assert np.allclose(block.states[name][:, 0], expected[:, k], rtol=1e-12, atol=1e-15)
    # A single pulse with rM = rF = r: the fibroblast state has the closed form with t e^{-rt}.
    single = engine.slow_states(equal.matrix(0), np.array([0]), np.array([1.0]), times)
    a, r = 2.0, 0.3
    f = (
        r
        * r
        * (
            np.exp(-a * times) / (r - a) ** 2
            - np.exp(-r * times) / (r - a) ** 2
            + times * np.exp(-r * times) / (a - r)
        )
    )
    assert np.allclose(single[:, 2], f, rtol=1e-10, atol=1e-15)


def _rk4(a: FloatArray, x0: FloatArray, t_end: float, steps: int) -> FloatArray:
    h = t_end / steps
    x = x0.copy()
    for _ in range(steps):
        k1 = a @ x
        k2 = a @ (x + 0.5 * h * k1)
        k3 = a @ (x + 0.5 * h * k2)
        k4 = a @ (x + h * k3)
        x = x + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return x


def _euler(a: FloatArray, x0: FloatArray, t_end: float, steps: int) -> FloatArray:
    h = t_end / steps
    x = x0.copy()
    for _ in range(steps):
        x = x + h * (a @ x)
    return x


@pytest.mark.parametrize(("method", "order"), [(_rk4, 4), (_euler, 1)])
def test_fixed_step_methods_converge_to_the_exact_solution_at_their_order(
    method: object, order: int
) -> None:
    cascade = _cascade()
    a = cascade.matrix(0)
    x0 = np.zeros(7)
    x0[0] = 1.0
    t_end = 20.0
    exact = _pulse_response(cascade, np.array([t_end]))[0]
    errors = []
    for steps in (200, 400, 800):
        x = method(a, x0, t_end, steps)  # type: ignore[operator]
        errors.append(float(np.max(np.abs(x - exact) / np.abs(exact).max())))
    observed = [math.log2(errors[i] / errors[i + 1]) for i in range(2)]
    assert all(abs(o - order) < 0.15 for o in observed), observed


def test_blocks_of_any_length_give_the_same_series() -> None:
    arrays = arrays_for(make_course(sessions=4, gap_days=29), n=5, seed=3)
    whole = next(engine.DailySolver(arrays, block_days=401).blocks(400))
    parts = list(engine.DailySolver(arrays, block_days=7).blocks(400))
    for name, series in whole.outputs.items():
        joined = np.concatenate([b.outputs[name] for b in parts])
        assert np.allclose(joined, series, rtol=1e-12, atol=1e-14), name


@pytest.mark.parametrize("occluded", [False, True])
def test_fast_path_agrees_with_solve_ivp(reference: ModuleType, occluded: bool) -> None:
    course = make_course(sessions=3, gap_days=30, occluded=occluded, horizon_days=200)
    arrays = arrays_for(course, n=3, seed=11)
    block = next(engine.DailySolver(arrays, block_days=201).blocks(200))
    for j in range(3):
        ref = reference.reference_patient(arrays, j, 200)
        for name, expected in ref.items():
            fast = (block.outputs.get(name, block.states.get(name)))[:, j]  # type: ignore[index]
            assert reference.relative_error(fast, expected) < 1e-6, (name, j)
