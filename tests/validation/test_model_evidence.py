"""The model against the evidence table: checks pass within two-sided bands derived from each
paper's own uncertainty, fit and check are kept apart, and both rules fail on planted
violations."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from microneedling.model.evidence import (
    Band,
    build_roles,
    derived_band,
    evidence_rows,
    model_value,
    problems,
    role_problems,
    roles,
    violations,
)
from microneedling.model.parameters import full_parameter_set
from microneedling.model.validation_report import markdown

ROOT = Path(__file__).resolve().parents[2]
ROWS = {row.id: row for row in evidence_rows()}
ROLES = roles()
CHECKS = sorted(ROLES.check)


@pytest.mark.parametrize("row_id", CHECKS)
def test_check_within_its_band(row_id: str) -> None:
    row = ROWS[row_id]
    band = derived_band(row)
    value = model_value(row)
    if row_id in ROLES.known_misses:
        # Strict: a known miss that starts to pass must go back to the plain checks.
        assert not band.holds(value), f"{row_id} now passes: move it out of known_misses"
        return
    assert band.holds(value), (
        f"{row_id}: model {value:.4g} outside [{band.low:.4g}, {band.high:.4g}]"
    )


def test_every_row_has_exactly_one_role() -> None:
    assert role_problems(evidence_rows(), ROLES) == []


def test_a_row_with_two_roles_is_reported() -> None:
    fit_row = next(iter(ROLES.fit))
    planted = dataclasses.replace(ROLES, check=ROLES.check | {fit_row})
    assert any(fit_row in line for line in role_problems(evidence_rows(), planted))


def test_enough_independent_checks_and_fit_rows() -> None:
    assert len(ROLES.check) >= 5
    assert len(ROLES.fit) >= 5


def test_no_check_row_fitted_a_parameter_its_value_depends_on() -> None:
    checks = [ROWS[i] for i in CHECKS]
    assert violations(checks, full_parameter_set(), model_value) == []


def test_a_check_row_used_for_fitting_is_caught() -> None:
    """Plant a violation: name a check row in the fitted_to of a parameter it depends on."""
    row = ROWS["ablon2018_laxity_grade_d150"]
    params = dict(full_parameter_set())
    name = "Half-saturating collagen gain [-]"
    params[name] = dataclasses.replace(params[name], fitted_to=(*params[name].fitted_to, row.id))
    found = violations([row], params, model_value)
    assert found
    assert name in found[0]
    # The same row named by a parameter it does not depend on is no violation.
    other = "Epidermal growth rate [1/day]"
    params = dict(full_parameter_set())
    params[other] = dataclasses.replace(params[other], fitted_to=(row.id,))
    assert violations([row], params, model_value) == []


@pytest.mark.parametrize("row_id", CHECKS)
def test_check_band_is_two_sided_and_no_wider_than_the_paper_allows(row_id: str) -> None:
    assert problems(ROWS[row_id], derived_band(ROWS[row_id])) == []


def test_open_one_sided_and_widened_bands_are_caught() -> None:
    row = ROWS["ablon2018_laxity_grade_d150"]
    band = derived_band(row)
    inf = float("inf")
    assert problems(row, Band(band.low, inf))
    assert problems(row, Band(-inf, band.high))
    assert problems(row, Band(band.low, band.high + 0.01))
    assert problems(row, Band(band.low - 0.01, band.high))
    assert problems(row, Band(band.low, band.low))


def test_band_follows_the_papers_confidence_interval() -> None:
    """Ablon 2018: 1.23 grades, 99 % CI 1.11-1.34: SE = 0.11 / 2.576; model error 0.2."""
    band = derived_band(ROWS["ablon2018_laxity_grade_d150"])
    se = (1.26 - 1.09) / 2.575829
    half = ((1.959964 * se) ** 2 + 0.2**2) ** 0.5
    assert band.low == pytest.approx(1.09 - half, rel=1e-6)
    assert band.high == pytest.approx(1.09 + half, rel=1e-6)


def test_unknown_roles_are_reported() -> None:
    planted = build_roles(evidence_rows(), full_parameter_set(), {"check": ["no_such_row"]})
    assert any("no_such_row" in line for line in role_problems(evidence_rows(), planted))


def test_the_validation_page_is_up_to_date() -> None:
    page = (ROOT / "docs" / "model-validation.md").read_text(encoding="utf-8")
    assert page == markdown(), (
        "docs/model-validation.md is stale: run "
        "`uv run python -m microneedling.model.validation_report > docs/model-validation.md`"
    )
