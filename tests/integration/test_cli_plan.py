"""``microneedling plan``: every example plans (readable and JSON); refusals and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from microneedling.cli import app
from microneedling.planning import TreatmentPlan
from microneedling.screening import ScreeningResult

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PLAN_EXAMPLES = sorted(EXAMPLES.glob("plan-*.yaml"))
TODAY = "2026-12-01"
runner = CliRunner()

INTAKE: dict[str, object] = {
    "age_years": 42,
    "sex": "female",
    "pregnant": False,
    "breastfeeding": False,
    "fitzpatrick_type": 3,
    "areas": ["cheeks"],
    "conditions": [],
    "medications": [],
    "procedures": [],
    "allergies": [],
    "skin_findings": [],
}
REQUEST: dict[str, object] = {
    "areas": [{"site": "cheeks", "concerns": [{"concern": "fine_lines", "severity": "mild"}]}],
    "device": "generic_pen_12",
    "cartridge": "12",
}


def write(path: Path, data: object) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_there_are_plan_examples() -> None:
    names = {p.name for p in PLAN_EXAMPLES}
    assert {
        "plan-request.yaml",
        "plan-acne-scars.yaml",
        "plan-striae-body.yaml",
        "plan-periorbital.yaml",
    } <= names


@pytest.mark.parametrize("example", PLAN_EXAMPLES, ids=lambda p: p.name)
def test_example_plans_readably(example: Path) -> None:
    result = runner.invoke(app, ["plan", str(example), "--today", TODAY])
    assert result.exit_code == 0, result.output
    for heading in (
        "Treatment plan",
        "Areas",
        "Sessions",
        "Milestones",
        "Maintenance",
        "Aftercare",
        "warning sign",
    ):
        assert heading in result.stdout


@pytest.mark.parametrize("example", PLAN_EXAMPLES, ids=lambda p: p.name)
def test_example_json_round_trips(example: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = runner.invoke(
        app, ["plan", str(example), "--json", "--today", TODAY, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    plan = TreatmentPlan.model_validate_json(result.stdout)
    assert plan.planned_on.isoformat() == TODAY
    assert TreatmentPlan.model_validate_json(out.read_text(encoding="utf-8")) == plan
    assert json.loads(plan.model_dump_json()) == json.loads(result.stdout)


def test_main_example_shows_the_rules_it_applied() -> None:
    result = runner.invoke(
        app, ["plan", str(EXAMPLES / "plan-request.yaml"), "--json", "--today", TODAY]
    )
    plan = TreatmentPlan.model_validate_json(result.stdout)
    assert plan.screening.decision == "eligible_with_precautions"
    assert plan.aftercare.precautions  # the cold-sore history's measures are on the sheet
    rules = {s.rule for a in plan.areas for c in a.concerns for s in c.depth.steps}
    assert "site_safe_max" in rules
    assert any(s.moves for s in plan.sessions)  # a holiday moved a session


def test_plans_as_of_the_real_today_without_the_option() -> None:
    result = runner.invoke(app, ["plan", str(EXAMPLES / "plan-request.yaml"), "--json"])
    assert result.exit_code == 0, result.output


def test_intake_can_be_a_path_relative_to_the_request(tmp_path: Path) -> None:
    (tmp_path / "patients").mkdir()
    write(tmp_path / "patients" / "intake.yaml", INTAKE)
    request = write(tmp_path / "request.yaml", {"intake": "patients/intake.yaml", **REQUEST})
    result = runner.invoke(app, ["plan", str(request), "--json", "--today", TODAY])
    assert result.exit_code == 0, result.output
    assert TreatmentPlan.model_validate_json(result.stdout).patient.age_years == 42


@pytest.mark.parametrize("as_json", [False, True])
def test_not_treatable_prints_the_decision_and_exits_1(tmp_path: Path, as_json: bool) -> None:
    request = write(tmp_path / "r.yaml", {"intake": {**INTAKE, "pregnant": True}, **REQUEST})
    result = runner.invoke(
        app, ["plan", str(request), "--today", TODAY, *(["--json"] if as_json else [])]
    )
    assert result.exit_code == 1
    if as_json:
        assert ScreeningResult.model_validate_json(result.stdout).decision == "not_eligible"
    else:
        assert "not eligible" in result.stdout
        assert "Pregnan" in result.stdout


def _error_line(result: object) -> str:
    stderr: str = result.stderr  # type: ignore[attr-defined]
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            {
                "areas": [
                    {"site": "cheek", "concerns": [{"concern": "fine_lines", "severity": "mild"}]}
                ]
            },
            ["areas.0.site", "did you mean cheeks"],
        ),
        (
            {
                "areas": [
                    {
                        "site": "cheeks",
                        "depth_mm": "deep",
                        "concerns": [{"concern": "fine_lines", "severity": "mild"}],
                    }
                ]
            },
            ["areas.0.depth_mm", "'deep'"],
        ),
        (
            {
                "areas": [
                    {
                        "site": "cheeks",
                        "depth_mm": 2.0,
                        "concerns": [{"concern": "fine_lines", "severity": "mild"}],
                    }
                ]
            },
            ["areas.0.depth_mm", "safe depth"],
        ),
        (
            {
                "areas": [
                    {
                        "site": "cheeks",
                        "depth_mm": float("nan"),
                        "concerns": [{"concern": "fine_lines", "severity": "mild"}],
                    }
                ]
            },
            ["areas.0.depth_mm", "finite number"],
        ),
        ({"start_date": "2026-11-30"}, ["start_date", "in the past"]),
        ({"start_date": "9999-12-31"}, ["start_date", "2100-12-31"]),
        ({"device": "generic_pen_12", "cartridge": None}, ["cartridge", "needs one of"]),
        ({"severity": 1}, ["severity", "not a field"]),
        (
            {
                "intake": {
                    **INTAKE,
                    "procedures": [{"kind": "chemical_peel", "performed_on": "2027-01-01"}],
                }
            },
            [": intake.procedures.0.performed_on:", "in the future"],
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, change: dict[str, object], words: list[str]
) -> None:
    request = write(tmp_path / "request.yaml", {"intake": INTAKE, **REQUEST, **change})
    result = runner.invoke(app, ["plan", str(request), "--today", TODAY])
    assert result.exit_code == 2, result.output
    line = _error_line(result)
    assert line.startswith(f"error: {request}")
    for word in words:
        assert word in line


def test_missing_file_and_malformed_yaml_exit_2(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["plan", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2
    assert "no such file" in _error_line(missing)
    broken = tmp_path / "broken.yaml"
    broken.write_text("areas: [\n  - site: cheeks\n", encoding="utf-8")
    result = runner.invoke(app, ["plan", str(broken)])
    assert result.exit_code == 2
    assert "not valid YAML" in _error_line(result)


def test_errors_in_a_referenced_intake_name_the_intake_file(tmp_path: Path) -> None:
    write(tmp_path / "intake.yaml", {**INTAKE, "fitzpatrick_type": 7})
    request = write(tmp_path / "r.yaml", {"intake": "intake.yaml", **REQUEST})
    result = runner.invoke(app, ["plan", str(request), "--today", TODAY])
    assert result.exit_code == 2
    line = _error_line(result)
    assert str(tmp_path / "intake.yaml") in line
    assert "fitzpatrick_type" in line
    procedure = {"kind": "chemical_peel", "performed_on": "2027-01-01"}
    write(tmp_path / "later.yaml", {**INTAKE, "procedures": [procedure]})
    later = write(tmp_path / "r3.yaml", {"intake": "later.yaml", **REQUEST})
    result = runner.invoke(app, ["plan", str(later), "--today", TODAY])
    assert result.exit_code == 2
    # Named as in the intake's own file, where there is no 'intake.' around it.
    assert _error_line(result).startswith(
        f"error: {tmp_path / 'later.yaml'}: procedures.0.performed_on: "
    )
    gone = write(tmp_path / "r2.yaml", {"intake": "missing.yaml", **REQUEST})
    assert "no such file" in _error_line(runner.invoke(app, ["plan", str(gone)]))


@pytest.mark.parametrize("today", ["soon", "9999-12-31"])
def test_bad_today_option_exits_2(today: str) -> None:
    result = runner.invoke(app, ["plan", str(EXAMPLES / "plan-request.yaml"), "--today", today])
    assert result.exit_code == 2
    assert "--today" in _error_line(result)
