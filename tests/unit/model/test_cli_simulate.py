"""``microneedling simulate``: courses and plans in, a summary or every series out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from microneedling.cli import app
from microneedling.cli._app import EXIT_BAD_INPUT

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((ROOT / "examples").glob("course-*.yaml"))
runner = CliRunner()


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_example_course_simulates(path: Path) -> None:
    result = runner.invoke(app, ["simulate", str(path)])
    assert result.exit_code == 0, result.output
    assert "Sessions" in result.output
    text = " ".join(result.output.split())
    assert "not a promise" in text
    # Every headline figure carries the cohort's band.
    for figure in ("better by", "of the possible improvement", "full effect", "maintenance"):
        assert figure in text
    assert text.count("(5–95 %:") >= 5


def test_json_holds_the_full_series() -> None:
    result = runner.invoke(app, ["simulate", str(EXAMPLES[0]), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    first = data["results"][0]
    days = len(first["daily"]["date"])
    assert days == first["course"]["horizon_days"] or days > 365
    assert len(first["daily"]["collagen_pct"]) == days
    assert len(first["sessions"][0]["hourly"]["redness_grade"]) == 73
    assert set(first["sessions"][0]["channels"]) >= {
        "depth_um",
        "surface_radius_um",
        "density_per_cm2",
        "closure_half_time_h",
    }


def test_a_plan_from_the_planner_simulates_as_it_is(tmp_path: Path) -> None:
    planned = runner.invoke(
        app,
        ["plan", str(ROOT / "examples" / "plan-request.yaml"), "--json", "--today", "2026-11-21"],
    )
    assert planned.exit_code == 0, planned.output
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(planned.output, encoding="utf-8")
    result = runner.invoke(app, ["simulate", str(plan_file), "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(planned.output)
    pairs = {(a["site"], c["concern"]) for a in plan["areas"] for c in a["concerns"]}
    got = {
        (r["course"]["sessions"][0]["site"], r["course"]["patient"]["concern"])
        for r in json.loads(result.output)["results"]
    }
    assert got == pairs


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("patient: [", "not valid YAML"),
        ("patient: {age_years: 40, concern: fine_lines}\nsessions: []\n", "sessions"),
        (
            "patient: {age_years: 40, concern: fine_lines}\nsessions:\n"
            "  - {date: 2026-01-05, site: cheek, needle_length_mm: 1, passes: 3,"
            " device_kind: pen}\n",
            "unknown site 'cheek'",
        ),
        (
            "patient: {age_years: 40, concern: fine_lines}\nsessions:\n"
            "  - {date: 2026-01-05, site: cheeks, needle_length_mm: deep, passes: 3,"
            " device_kind: pen}\n",
            "needle_length_mm",
        ),
        (
            "patient: {age_years: 40, concern: fine_lines}\nsessions:\n"
            "  - {date: 2026-01-05, site: cheeks, needle_length_mm: 2.4, passes: 3,"
            " device_kind: roller, device: dermaroller_mf8}\n",
            "labelled maximum",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "course.yaml"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["simulate", str(path)])
    assert result.exit_code == EXIT_BAD_INPUT
    assert expected in result.output
    assert "Traceback" not in result.output


def test_a_missing_file_exits_2() -> None:
    result = runner.invoke(app, ["simulate", "no-such-course.yaml"])
    assert result.exit_code == EXIT_BAD_INPUT
    assert "no such file" in result.output


def test_cohort_and_plot(tmp_path: Path) -> None:
    png = tmp_path / "course.png"
    result = runner.invoke(
        app, ["simulate", str(EXAMPLES[0]), "--cohort", "60", "--plot", str(png)]
    )
    assert result.exit_code == 0, result.output
    assert "Virtual cohort of 60 patients" in result.output
    assert "redness after session 1 [days]" in result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cohort_bands_go_into_the_json() -> None:
    result = runner.invoke(app, ["simulate", str(EXAMPLES[0]), "--cohort", "40", "--json"])
    assert result.exit_code == 0, result.output
    band = json.loads(result.output)["results"][0]["cohort"]
    assert band["n"] == 40
    assert len(band["daily"]["collagen_pct"]["p50"]) == len(band["days"])


def test_a_plot_must_be_a_png(tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", str(EXAMPLES[0]), "--plot", str(tmp_path / "x.pdf")])
    assert result.exit_code == EXIT_BAD_INPUT
    assert ".png" in result.output
