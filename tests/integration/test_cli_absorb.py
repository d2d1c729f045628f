"""``microneedling absorb`` through the real Typer app: summary, JSON, plot and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from microneedling.cli import app

COMPOUNDS = Path(__file__).parents[2] / "examples" / "compounds"
CAFFEINE = str(COMPOUNDS / "caffeine.yaml")
SHORT = ["--hours", "2"]
runner = CliRunner()


def test_summary_names_compound_amounts_and_enhancement() -> None:
    result = runner.invoke(app, ["absorb", CAFFEINE, *SHORT])
    assert result.exit_code == 0, result.output
    for text in ("caffeine", "delivered, treated skin", "enhancement ratio", "µg/cm²"):
        assert text in result.stdout


def test_json_holds_the_full_result() -> None:
    result = runner.invoke(app, ["absorb", CAFFEINE, *SHORT, "--occluded", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["closure"]["occluded"] is True
    assert data["delivered_ug_per_cm2"] > data["intact_delivered_ug_per_cm2"] > 0
    assert len(data["times_h"]) == len(data["cumulative_ug_per_cm2"])
    assert data["mass_balance_relative_error"] < 1e-8
    assert [p["time_h"] for p in data["profiles"]] == [1.0]
    assert data["error_estimate"]["cumulative_relative"] < 0.05


def test_plot_writes_a_png(tmp_path: Path) -> None:
    out = tmp_path / "absorb.png"
    result = runner.invoke(app, ["absorb", CAFFEINE, *SHORT, "--plot", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _one_error_line(result_output: str) -> str:
    lines = [line for line in result_output.strip().splitlines() if line.strip()]
    assert len(lines) == 1, result_output
    assert "Traceback" not in result_output
    return lines[0]


def test_missing_file_exits_2_with_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["absorb", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    line = _one_error_line(result.output)
    assert "nope.yaml" in line
    assert "no such file" in line


def test_molecular_weight_written_as_text_names_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nmolecular_weight_da: two hundred\nlog_kow: 0\ncitation: test\n")
    result = runner.invoke(app, ["absorb", str(bad)])
    assert result.exit_code == 2
    line = _one_error_line(result.output)
    assert "bad.yaml" in line
    assert "molecular_weight_da" in line


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--depth-um", "-150"], "--depth-um"),
        (["--radius-um", "0"], "--radius-um"),
        (["--density-per-cm2", "-1"], "--density-per-cm2"),
        (["--hours", "0"], "--hours"),
        (["--depth-um", "5000"], "--depth-um"),
    ],
)
def test_bad_options_exit_2_naming_the_option(args: list[str], option: str) -> None:
    result = runner.invoke(app, ["absorb", CAFFEINE, *args])
    assert result.exit_code == 2
    assert option in _one_error_line(result.output)
