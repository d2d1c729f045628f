"""The one depth gate: equal to a cap passes whatever the float noise; one step deeper never."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from microneedling.planning.depth import DepthLimit, beyond, first_exceeded

hundredths = st.integers(min_value=1, max_value=300)


@given(cap=hundredths, noise=st.floats(min_value=-1e-7, max_value=1e-7))
def test_a_depth_equal_to_its_cap_passes_despite_float_noise(cap: int, noise: float) -> None:
    assert not beyond(cap / 100 + noise, cap / 100)
    assert not beyond(cap / 100, cap / 100 + noise)


@given(cap=hundredths, steps=st.integers(min_value=1, max_value=50))
def test_a_settable_step_deeper_is_refused(cap: int, steps: int) -> None:
    assert beyond((cap + steps) / 100, cap / 100)


def test_the_first_limit_exceeded_is_named() -> None:
    limits = [DepthLimit(2.0, "device"), DepthLimit(1.0, "plan"), DepthLimit(0.5, "cap")]
    assert first_exceeded(0.5, limits) is None
    exceeded = first_exceeded(1.2, limits)
    assert exceeded is not None
    assert exceeded.what == "plan"
    # 0.1 + 0.2 is 0.30000000000000004 in binary floating point.
    assert first_exceeded(0.1 + 0.2, [DepthLimit(0.3, "cap")]) is None
