"""Time steps: they add up to the run, repeat exactly, and the Euler start-up costs nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest
from delivery_cases import channel_problem
from hypothesis import given
from hypothesis import strategies as st

from microneedling.model.delivery import CHANNEL_CONTENTS, ChannelContent, Numerics, solve
from microneedling.model.delivery.schedule import THETA, time_steps


@given(
    duration_h=st.floats(0.01, 720.0),
    steps_per_hour=st.floats(0.5, 100.0),
    ramp_levels=st.integers(0, 10),
    startup_steps=st.integers(0, 4),
)
def test_steps_add_up_and_share_few_sizes(
    duration_h: float, steps_per_hour: float, ramp_levels: int, startup_steps: int
) -> None:
    numerics = Numerics(
        steps_per_hour=steps_per_hour, ramp_levels=ramp_levels, startup_steps=startup_steps
    )
    plan = time_steps(duration_h, numerics)
    assert plan.sizes_h.sum() == pytest.approx(duration_h, rel=1e-12)
    assert plan.euler.sum() == startup_steps
    assert all(plan.euler[:startup_steps])
    tr_bdf2 = plan.sizes_h[~plan.euler]
    # Every distinct size is one factorisation: one per ramp level plus the main step.
    assert len(set(tr_bdf2.tolist())) == ramp_levels + 1
    # The Euler steps use exactly the matrix of the first TR-BDF2 step.
    assert set(plan.sizes_h[plan.euler].tolist()) <= {THETA * float(tr_bdf2[0])}


@pytest.mark.parametrize("content", CHANNEL_CONTENTS)
def test_euler_start_up_needs_no_fallback_and_one_factorisation(content: ChannelContent) -> None:
    problem = replace(channel_problem(duration_h=24.0), channel_content=content, closure=None)
    cheap = Numerics(resolution=1, steps_per_hour=0.5, ramp_levels=0)
    run = solve(problem, cheap)
    assert run.diagnostics["fallback_steps"] == 0
    assert run.diagnostics["factorisations"] == 1
    without = solve(problem, replace(cheap, startup_steps=0))
    # Without the start-up the first large step overshoots and is redone with backward Euler
    # of the full step: a second factorisation.
    assert without.diagnostics["fallback_steps"] >= 1
    assert without.diagnostics["factorisations"] == 2
    assert run.mass_balance_relative_error < 1e-10
