"""Topical delivery against microneedle-enhanced permeation studies: each check is reproduced
within a two-sided band from the study's own uncertainty and a stated model error, fit and
check are kept apart, and both rules fail on planted violations."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from microneedling.model.delivery.permeation import (
    permeation_studies,
    role_problems,
    set_apart_observations,
    studies_from_mapping,
)
from microneedling.model.delivery.permeation_report import (
    END,
    START,
    SWEEP_END,
    SWEEP_START,
    current_table,
    density_sweep,
)
from microneedling.model.delivery.permeation_runner import (
    MODEL_ERROR_LOG,
    Z95,
    check_band,
    run_study,
)
from microneedling.model.parameters import full_parameter_set

ROOT = Path(__file__).resolve().parents[2]
STUDIES = {s.id: s for s in permeation_studies()}
RUNNABLE_CHECKS = sorted(s.id for s in STUDIES.values() if s.role == "check" and s.not_run is None)
TABLE = ROOT / "src" / "microneedling" / "model" / "delivery" / "permeation_studies.yaml"


@pytest.mark.parametrize("study_id", RUNNABLE_CHECKS)
def test_check_study_reproduced_within_its_band(study_id: str) -> None:
    outcome = run_study(STUDIES[study_id])
    assert outcome.steady, f"{study_id}: the run did not reach a steady flux"
    if STUDIES[study_id].known_miss is not None:
        # Strict: a known miss that starts to pass must become a plain check again.
        assert outcome.verdict == "fail", f"{study_id} now passes: remove its known_miss"
        return
    assert outcome.verdict != "fail", (
        f"{study_id}: model {outcome.model_low:.3g}-{outcome.model_high:.3g} outside "
        f"[{outcome.band.low:.3g}, {outcome.band.high:.3g}]"
    )


def test_table_has_several_compounds_and_every_row_a_source() -> None:
    compounds = {s.compound.name for s in STUDIES.values()}
    assert len(compounds) >= 4
    for s in STUDIES.values():
        assert s.citation.doi or s.citation.pmid, s.id


@pytest.mark.parametrize("study_id", sorted(STUDIES))
def test_band_is_two_sided_and_derived_from_the_paper(study_id: str) -> None:
    s = STUDIES[study_id]
    band = check_band(s)
    ratio = s.reported.ratio
    assert 0 < band.low < ratio < band.high < math.inf
    half = math.hypot(Z95 * s.reported.log_ratio_standard_error, MODEL_ERROR_LOG)
    assert math.log(band.high / ratio) == pytest.approx(half)
    assert math.log(ratio / band.low) == pytest.approx(half)
    if s.reported.stated_ratio is not None:  # the paper's own ratio agrees with its fluxes
        assert ratio == pytest.approx(s.reported.stated_ratio, abs=0.01)


def test_no_check_row_was_fitted() -> None:
    assert role_problems(permeation_studies(), full_parameter_set()) == []


def test_a_check_row_used_to_fit_is_reported() -> None:
    params = dict(full_parameter_set())
    name = "Channel surface radius [um]"
    planted = RUNNABLE_CHECKS[0]
    params[name] = dataclasses.replace(params[name], fitted_to=(planted,))
    problems = role_problems(permeation_studies(), params)
    assert any(planted in line and name in line for line in problems)


def test_a_fit_row_no_parameter_names_is_reported() -> None:
    row = STUDIES[RUNNABLE_CHECKS[0]].model_copy(update={"role": "fit"})
    assert role_problems((row,), full_parameter_set()) != []


def _table_data() -> dict[str, object]:
    data = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_a_runnable_row_without_log_kow_is_refused() -> None:
    data = _table_data()
    row = next(r for r in data["studies"] if r["id"] == RUNNABLE_CHECKS[0])  # type: ignore[index, union-attr]
    row["compound"] = {**row["compound"], "log_kow": None}
    with pytest.raises(ValidationError, match="log_kow"):
        studies_from_mapping(data)


def test_an_ionised_runnable_row_is_refused() -> None:
    data = _table_data()
    row = next(r for r in data["studies"] if r["id"] == RUNNABLE_CHECKS[0])  # type: ignore[index, union-attr]
    row["compound"] = {**row["compound"], "ionised_at_donor_ph": True}
    with pytest.raises(ValidationError, match="ionised"):
        studies_from_mapping(data)


def test_a_bracket_not_marked_as_assumption_is_refused() -> None:
    data = _table_data()
    row = next(r for r in data["studies"] if r["id"] == RUNNABLE_CHECKS[0])  # type: ignore[index, union-attr]
    assumed = dict(row["assumed"])
    assumed["dermis_um"] = {**assumed["dermis_um"], "basis": "porcine skin is about 1 mm thick"}
    row["assumed"] = assumed
    with pytest.raises(ValidationError, match="assumption"):
        studies_from_mapping(data)


def test_docs_table_is_the_model_now() -> None:
    page = (ROOT / "docs" / "delivery-validation.md").read_text(encoding="utf-8")
    block = START + page.partition(START)[2].partition(END)[0] + END
    assert block == current_table(), (
        "docs/delivery-validation.md is stale: run "
        "`uv run python -m microneedling.model.delivery.permeation_report`"
    )


def test_docs_density_sweep_is_the_model_now() -> None:
    page = (ROOT / "docs" / "delivery-validation.md").read_text(encoding="utf-8")
    block = SWEEP_START + page.partition(SWEEP_START)[2].partition(SWEEP_END)[0] + SWEEP_END
    assert block == density_sweep(ROOT), (
        "docs/delivery-validation.md is stale: run "
        "`uv run python -m microneedling.model.delivery.permeation_report`"
    )


def test_set_apart_rows_are_sourced_and_say_why() -> None:
    rows = set_apart_observations()
    assert rows, "the set-apart list is part of the table"
    for r in rows:
        assert r.citation.doi or r.citation.pmid, r.id
        assert r.why_not_a_check.strip(), r.id


def test_an_id_used_twice_across_rows_and_set_apart_is_refused() -> None:
    data = _table_data()
    set_apart = list(data["set_apart"])  # type: ignore[call-overload]
    set_apart[0] = {**set_apart[0], "id": RUNNABLE_CHECKS[0]}
    data["set_apart"] = set_apart
    with pytest.raises(ValidationError, match="unique"):
        studies_from_mapping(data)
