"""``microneedling absorb`` through the real Typer app: summary, JSON, plot, dose and bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from microneedling.cli import app
from microneedling.cli.absorb import plan_courses
from microneedling.cli.plan import load_request
from microneedling.knowledge import load_knowledge
from microneedling.planning import make_plan
from microneedling.screening import screen

EXAMPLES = Path(__file__).parents[2] / "examples"
COMPOUNDS = EXAMPLES / "compounds"
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


def _plan_json(example: Path, tmp_path: Path) -> Path:
    """The plan ``microneedling plan EXAMPLE --json`` would write, made here with make_plan."""
    request, _ = load_request(example)
    kb = load_knowledge()
    today = dt.date(2026, 12, 1)
    plan = make_plan(request, screen(request.intake, kb, today), kb, today)
    out = tmp_path / f"{example.stem}.json"
    out.write_text(plan.model_dump_json(indent=2), encoding="utf-8")
    return out


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("plan-*.yaml")), ids=lambda p: p.stem)
def test_absorb_runs_on_every_example_plan_with_the_channels_simulate_uses(
    example: Path, tmp_path: Path
) -> None:
    plan_file = _plan_json(example, tmp_path)
    simulated = runner.invoke(app, ["simulate", str(plan_file), "--json"])
    assert simulated.exit_code == 0, simulated.output
    expected = {
        (r["course"]["sessions"][0]["site"], i + 1): s["channels"]
        for r in json.loads(simulated.stdout)["results"]
        for i, s in enumerate(r["sessions"])
    }
    sites = list(dict.fromkeys(site for site, _ in expected))
    last = max(n for site, n in expected if site == sites[-1])
    for site, session in ((sites[0], 1), (sites[-1], last)):
        args = ["--plan", str(plan_file), "--site", site, "--session", str(session)]
        result = runner.invoke(app, ["absorb", CAFFEINE, *args, *SHORT, "--json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        treatment, channels = data["treatment"], expected[(site, session)]
        assert treatment["site"] == site
        assert treatment["model_depth_um"] == pytest.approx(channels["depth_um"], rel=1e-12)
        assert treatment["radius_um"] == pytest.approx(channels["surface_radius_um"], rel=1e-12)
        assert data["channels"]["density_per_cm2"] == pytest.approx(channels["density_per_cm2"])
        assert data["closure"]["effective_half_time_h"] == pytest.approx(
            channels["closure_half_time_h"], rel=1e-12
        )
        assert data["channel_content"] == "formulation"
        assert data["delivered_ug_per_cm2"] > data["intact_delivered_ug_per_cm2"]
        assert data["mass_balance_relative_error"] < 1e-8


def test_a_plan_request_is_planned_and_read_like_a_plan() -> None:
    request = str(EXAMPLES / "plan-request.yaml")
    result = runner.invoke(
        app, ["absorb", CAFFEINE, "--plan", request, "--site", "forehead", *SHORT]
    )
    assert result.exit_code == 0, result.output
    assert "forehead, generic_pen_12" in result.stdout


def test_device_settings_on_the_command_line() -> None:
    settings = ["--device", "roller", "--needle-mm", "0.5", "--passes", "4", "--site", "forehead"]
    shallow = runner.invoke(app, ["absorb", CAFFEINE, *settings, *SHORT, "--json"])
    deeper = [*settings[:3], "1.0", *settings[4:]]
    deep = runner.invoke(app, ["absorb", CAFFEINE, *deeper, *SHORT, "--json"])
    assert shallow.exit_code == 0, shallow.output
    assert deep.exit_code == 0, deep.output
    a, b = json.loads(shallow.stdout), json.loads(deep.stdout)
    assert b["channels"]["depth_um"] > a["channels"]["depth_um"]
    assert a["channels"]["density_per_cm2"] == pytest.approx(4 * 16.0)
    assert b["delivered_ug_per_cm2"] > a["delivered_ug_per_cm2"]


def test_interstitial_fluid_channels_are_an_option_and_deliver_less() -> None:
    runs = [
        runner.invoke(app, ["absorb", CAFFEINE, *SHORT, "--json", "--channel-content", content])
        for content in ("formulation", "interstitial_fluid")
    ]
    assert all(r.exit_code == 0 for r in runs), [r.output for r in runs]
    filled, aqueous = (json.loads(r.stdout) for r in runs)
    assert aqueous["channel_content"] == "interstitial_fluid"
    assert filled["delivered_ug_per_cm2"] > aqueous["delivered_ug_per_cm2"]


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--plan", "PLAN", "--depth-um", "100"], "--depth-um"),
        (["--plan", "PLAN", "--needle-mm", "1"], "--needle-mm"),
        (["--plan", "PLAN", "--site", "eyelids"], "--site"),
        (["--plan", "PLAN", "--session", "99"], "--session"),
        (["--device", "pen", "--needle-mm", "1", "--passes", "2"], "--site"),
        (["--device", "pen", "--needle-mm", "1", "--site", "cheeks"], "--passes"),
        (
            ["--device", "warp_drive", "--needle-mm", "1", "--passes", "2", "--site", "cheeks"],
            "--device",
        ),
        (
            ["--device", "pen", "--needle-mm", "9", "--passes", "2", "--site", "cheeks"],
            "--needle-mm",
        ),
        (["--device", "pen", "--needle-mm", "1", "--passes", "2", "--site", "moon"], "--site"),
        (
            ["--device", "pen", "--needle-mm", "1", "--passes", "2", "--depth-um", "100"],
            "--depth-um",
        ),
        (["--channel-content", "honey"], "--channel-content"),
    ],
)
def test_conflicting_or_bad_treatment_options_exit_2_naming_the_option(
    args: list[str], option: str, tmp_path: Path
) -> None:
    plan_file = _plan_json(EXAMPLES / "plan-acne-scars.yaml", tmp_path)
    args = [str(plan_file) if a == "PLAN" else a for a in args]
    result = runner.invoke(app, ["absorb", CAFFEINE, *args])
    assert result.exit_code == 2
    assert option in _one_error_line(result.output)


def test_the_default_dose_is_a_finite_film_of_10_ul_per_cm2() -> None:
    result = runner.invoke(app, ["absorb", CAFFEINE, *SHORT, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["dose"] == {
        "concentration_ug_per_ml": 1000.0,
        "volume_ul_per_cm2": 10.0,
        "infinite": False,
    }
    balance = data["dose_balance"]
    assert balance["applied_ug_per_cm2"] == pytest.approx(10.0)
    assert 0 < balance["delivered_percent_of_applied"] <= 100.0
    summary = runner.invoke(app, ["absorb", CAFFEINE, *SHORT])
    assert summary.exit_code == 0, summary.output
    for text in ("10 µL/cm² of 1000 µg/mL", "% of applied", "left in the product"):
        assert text in summary.stdout


def test_infinite_dose_keeps_the_former_behaviour() -> None:
    args = ["absorb", CAFFEINE, *SHORT, "--json"]
    infinite = json.loads(runner.invoke(app, [*args, "--infinite-dose"]).stdout)
    finite = json.loads(runner.invoke(app, args).stdout)
    assert infinite["dose"]["infinite"] is True
    assert infinite["dose"]["volume_ul_per_cm2"] is None
    assert infinite["dose_balance"]["applied_ug_per_cm2"] is None
    assert infinite["dose_balance"]["delivered_percent_of_applied"] is None
    # A constant donor delivers more in 2 h than the whole 10 µg/cm² film holds; the film
    # cannot deliver more than was applied.
    assert infinite["delivered_ug_per_cm2"] > finite["dose_balance"]["applied_ug_per_cm2"]
    assert finite["delivered_ug_per_cm2"] <= finite["dose_balance"]["applied_ug_per_cm2"]


def test_a_thinner_film_is_an_option_and_delivers_no_more() -> None:
    runs = [
        runner.invoke(app, ["absorb", CAFFEINE, *SHORT, "--json", "--volume-ul-per-cm2", v])
        for v in ("2", "10")
    ]
    assert all(r.exit_code == 0 for r in runs), [r.output for r in runs]
    thin, thick = (json.loads(r.stdout) for r in runs)
    assert thin["dose_balance"]["applied_ug_per_cm2"] == pytest.approx(2.0)
    assert thin["delivered_ug_per_cm2"] <= thick["delivered_ug_per_cm2"]


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--volume-ul-per-cm2", "0"], "--volume-ul-per-cm2"),
        (["--volume-ul-per-cm2", "nan"], "--volume-ul-per-cm2"),
        (["--volume-ul-per-cm2", "5", "--infinite-dose"], "--infinite-dose"),
        # The default channels hold 0.15 µL/cm²: a film of 0.05 cannot fill them.
        (["--volume-ul-per-cm2", "0.05"], "--volume-ul-per-cm2"),
    ],
)
def test_bad_doses_exit_2_naming_the_option(args: list[str], option: str) -> None:
    result = runner.invoke(app, ["absorb", CAFFEINE, *SHORT, *args])
    assert result.exit_code == 2
    assert option in _one_error_line(result.output)


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("plan-*.yaml")), ids=lambda p: p.stem)
def test_a_finite_dose_never_delivers_more_than_was_applied(example: Path, tmp_path: Path) -> None:
    """Every example compound on the first and last area of every example plan, 24 h."""
    plan_file = _plan_json(example, tmp_path)
    sites = list(dict.fromkeys(c.site for c in plan_courses(plan_file)))
    for compound in sorted(COMPOUNDS.glob("*.yaml")):
        for site in dict.fromkeys((sites[0], sites[-1])):
            args = ["absorb", str(compound), "--plan", str(plan_file), "--site", site, "--json"]
            result = runner.invoke(app, args)
            assert result.exit_code == 0, result.output
            _assert_within_the_dose(json.loads(result.stdout), f"{compound.stem} at {site}")


def test_a_finite_dose_on_the_default_channels_stays_within_the_dose() -> None:
    for compound in sorted(COMPOUNDS.glob("*.yaml")):
        for content in ("formulation", "interstitial_fluid"):
            args = ["absorb", str(compound), "--json", "--channel-content", content]
            result = runner.invoke(app, args)
            assert result.exit_code == 0, result.output
            _assert_within_the_dose(json.loads(result.stdout), f"{compound.stem}, {content}")


def _assert_within_the_dose(data: dict[str, Any], what: str) -> None:
    balance = data["dose_balance"]
    applied = balance["applied_ug_per_cm2"]
    assert applied == pytest.approx(10.0), what
    slack = 1e-9 * applied  # round-off of the amounts, far below any reported digit
    absorbed = data["absorbed_ug_per_cm2"]
    assert max(data["cumulative_ug_per_cm2"]) <= applied + slack, what
    assert max(data["intact_cumulative_ug_per_cm2"]) <= applied + slack, what
    assert max(absorbed) <= applied + slack, what
    assert data["delivered_ug_per_cm2"] <= absorbed[-1] + slack, what
    assert balance["on_surface_ug_per_cm2"] >= -slack, what
    assert balance["in_skin_ug_per_cm2"] >= -slack, what
    assert 0.0 < balance["delivered_percent_of_applied"] <= 100.0 + 1e-7, what
    assert 0.0 <= balance["intact_delivered_percent_of_applied"] <= 100.0 + 1e-7, what
    parts = balance["on_surface_ug_per_cm2"] + balance["in_skin_ug_per_cm2"]
    assert parts + balance["delivered_ug_per_cm2"] == pytest.approx(applied, rel=1e-8), what
    assert data["mass_balance_relative_error"] < 1e-8, what
    ratio = data["enhancement_ratio"]
    if ratio is not None:
        expected = data["delivered_ug_per_cm2"] / data["intact_delivered_ug_per_cm2"]
        assert ratio == pytest.approx(expected, rel=1e-12), what


def test_a_plan_request_is_screened_under_the_clinics_relaxations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """absorb screens a plan request as `plan` does: the clinic's policy is read, not ignored."""
    monkeypatch.setenv("MICRONEEDLING_RULE_RELAXATIONS", '[{"rule_id": "nope"}]')
    request = str(EXAMPLES / "plan-request.yaml")
    result = runner.invoke(app, ["absorb", CAFFEINE, "--plan", request, *SHORT])
    assert result.exit_code == 2
    assert "MICRONEEDLING_RULE_RELAXATIONS.0" in result.output
