"""Time steps: they add up to the run, repeat exactly, and the Euler start-up costs nothing;
closure groups are short where closure is fast."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from delivery_cases import channel_problem
from hypothesis import given
from hypothesis import strategies as st

from microneedling.model.delivery import (
    CHANNEL_CONTENTS,
    ChannelClosure,
    ChannelContent,
    Numerics,
    solve,
)
from microneedling.model.delivery.schedule import (
    CLOSURE_RATE_SPAN,
    THETA,
    closure_fractions,
    time_steps,
)


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


@pytest.mark.parametrize(
    ("closure", "steps"),
    [(ChannelClosure(), 6), (ChannelClosure.gupta_2011_uncovered(), 1)],
)
def test_closure_groups_are_short_where_closure_is_fast(
    closure: ChannelClosure, steps: int
) -> None:
    """Six 0.1-h steps per group for the default closure; one for Gupta's fast resealing."""
    times = np.arange(0.0, 24.0 + 1e-9, 0.1)
    fractions = closure_fractions(times, closure, 6)
    # Each group holds one value: its exact mean of f over the group.
    starts = [0, *np.flatnonzero(np.diff(fractions) != 0.0) + 1]
    spans = np.diff([*starts, fractions.size])
    assert spans.max() == steps
    assert (spans * 0.1 * closure.rate_per_h <= CLOSURE_RATE_SPAN + 1e-12).all()
    for first, span in zip(starts, spans, strict=True):
        want = closure.mean_open_fraction(times[first], times[first + span])
        assert fractions[first] == pytest.approx(want, rel=1e-14)
