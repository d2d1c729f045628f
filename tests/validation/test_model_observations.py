"""The model against every published observation in ``model/observations.py``.

*fit* observations confirm the fitted parameters still reproduce what they were fitted to;
*check* observations are independent tests; *context* ones must at least evaluate.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from microneedling.model.observations import OBSERVATIONS, Observation
from microneedling.model.validation_report import markdown

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("obs", OBSERVATIONS, ids=[o.id for o in OBSERVATIONS])
def test_observation(obs: Observation) -> None:
    value = obs.model_value()
    assert math.isfinite(value)
    if obs.role != "context":
        assert obs.holds(value), f"{obs.id}: model {value:.4g} outside [{obs.low}, {obs.high}]"


def test_observation_ids_are_unique() -> None:
    ids = [o.id for o in OBSERVATIONS]
    assert len(ids) == len(set(ids))


def test_fitted_and_checked_observations_are_kept_apart() -> None:
    roles = {o.role for o in OBSERVATIONS}
    assert {"fit", "check"} <= roles
    assert sum(o.role == "check" for o in OBSERVATIONS) >= 10


def test_the_validation_page_is_up_to_date() -> None:
    page = (ROOT / "docs" / "model-validation.md").read_text(encoding="utf-8")
    assert page == markdown(), (
        "docs/model-validation.md is stale: run "
        "`uv run python -m microneedling.model.validation_report > docs/model-validation.md`"
    )
