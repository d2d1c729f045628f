"""``microneedling sweep`` on a real local Dask cluster of two worker processes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from microneedling.cli import app
from microneedling.model.cohort import PatientMix
from microneedling.model.sweep import SweepSpec, read_results
from microneedling.model.sweep.outcomes import patient_outcomes
from microneedling.model.sweep.run import courses, tasks

runner = CliRunner()
SPEC = {
    "name": "small",
    "fixed": {"concern": "acne_scars_rolling", "passes": 3},
    "grid": {"needle_length_mm": [0.5, 1.5], "sessions": [1, 3]},
    "patients_per_point": 500,
    "max_patients_per_task": 200,
    "read_days_after_last": [60],
    "outputs": ["improvement_pct", "downtime_days"],
    "seed": 4,
}


@pytest.mark.slow
def test_a_small_sweep_runs_on_a_local_cluster_with_exact_bands(tmp_path: Path) -> None:
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(SPEC), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["sweep", str(spec_file), "--out", str(out), "--workers", "2"])
    assert result.exit_code == 0, result.output
    rows = read_results(out / "sweep.parquet")
    assert len(rows) == 4
    # Each point was split in three tasks (500 patients, at most 200 a task); its bands are
    # the percentiles of all its patients, recomputed here from the same shares' seeds.
    spec = SweepSpec.model_validate(SPEC)
    runs, work = courses(spec), tasks(spec, 4)
    for point, row in enumerate(rows):
        assert row["tasks"] == 3
        shares = [
            patient_outcomes(
                runs[point], t.size, seed=t.seed, read_days_after_last=[60],
                outputs=["improvement_pct"], mix=PatientMix(),
            )["improvement_pct@60"]
            for t in work
            if t.point == point
        ]  # fmt: skip
        expected = np.percentile(np.concatenate(shares), [5, 50, 95])
        got = [row[f"improvement_pct@60 p{q}"] for q in (5, 50, 95)]
        np.testing.assert_allclose(got, expected, rtol=1e-12)
    deeper = {(r["needle_length_mm"], r["sessions"]): r["improvement_pct@60 p50"] for r in rows}
    assert deeper[(1.5, 3)] > deeper[(0.5, 3)]
    assert deeper[(1.5, 3)] > deeper[(1.5, 1)]
    assert (out / "improvement_pct-at-60.png").stat().st_size > 10_000
    assert (out / "downtime_days.png").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"grid": {"needle_length_mm": [9.0]}}, "grid.needle_length_mm"),
        ({"grid": {"site": ["elbow"]}}, "grid.site"),
        ({"outputs": ["happiness"]}, "outputs.0"),
    ],
)
def test_bad_specs_exit_2_naming_the_field(
    tmp_path: Path, changes: dict[str, object], field: str
) -> None:
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(SPEC | changes), encoding="utf-8")
    result = runner.invoke(app, ["sweep", str(spec_file), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert field in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_a_scheduler_address_that_is_not_one_is_refused(tmp_path: Path) -> None:
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(SPEC), encoding="utf-8")
    result = runner.invoke(app, ["sweep", str(spec_file), "--scheduler", "localhost"])
    assert result.exit_code == 2
    assert "--scheduler" in result.output
