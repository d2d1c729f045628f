"""``microneedling screen`` and ``microneedling schema intake`` through the real Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from microneedling.cli import app
from microneedling.screening import Intake, ScreeningResult

EXAMPLES = Path(__file__).parents[2] / "examples"
TODAY = "2026-11-21"
runner = CliRunner()

EXPECTED = {
    "intake-eligible.yaml": "eligible",
    "intake-precautions.yaml": "eligible_with_precautions",
    "intake-deferred.yaml": "deferred",
    "intake-not-eligible.yaml": "not_eligible",
    "intake-incomplete.yaml": "incomplete",
}


@pytest.mark.parametrize(("name", "decision"), list(EXPECTED.items()))
def test_json_output_round_trips_with_the_expected_decision(name: str, decision: str) -> None:
    result = runner.invoke(app, ["screen", str(EXAMPLES / name), "--json", "--today", TODAY])
    assert result.exit_code == 0, result.output
    screened = ScreeningResult.model_validate_json(result.stdout)
    assert screened.decision == decision
    assert screened.screened_on.isoformat() == TODAY


@pytest.mark.parametrize(("name", "decision"), list(EXPECTED.items()))
def test_readable_output_shows_decision_findings_and_questions(name: str, decision: str) -> None:
    result = runner.invoke(app, ["screen", str(EXAMPLES / name), "--today", TODAY])
    assert result.exit_code == 0, result.output
    assert decision.replace("_", " ").upper() in result.stdout
    screened = ScreeningResult.model_validate_json(
        runner.invoke(app, ["screen", str(EXAMPLES / name), "--json", "--today", TODAY]).stdout
    )
    flat = " ".join(result.stdout.split())
    for finding in screened.findings:
        assert finding.rule_id[:10] in flat
    if screened.missing:
        assert "Questions still to ask" in result.stdout


def test_deferred_example_prints_the_date() -> None:
    result = runner.invoke(
        app, ["screen", str(EXAMPLES / "intake-deferred.yaml"), "--today", TODAY]
    )
    # isotretinoin stopped 2026-09-20 + 183 days (the cold sore alone: 2026-12-05)
    assert "deferred until 2027-03-22" in result.stdout


def test_every_intake_example_is_covered() -> None:
    assert {p.name for p in EXAMPLES.glob("intake-*.yaml")} == set(EXPECTED)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "text", "field", "words"),
    [
        ("fitz.yaml", "fitzpatrick_type: 7\n", "fitzpatrick_type", "less than or equal to 6"),
        ("code.yaml", "conditions:\n  - code: lupus\n", "conditions.0.code", "keloid_tendency"),
        ("site.yaml", "areas: [cheek]\n", "areas.0", "unknown site 'cheek'"),
        (
            "future.yaml",
            "procedures:\n  - kind: surgery\n    performed_on: 2030-01-01\n",
            "procedures.0.performed_on",
            "in the future",
        ),
        ("text.yaml", "age_years: forty\n", "age_years", "valid integer"),
        ("broken.yaml", "areas: [cheeks\n", "file", "not valid YAML"),
        ("extra.yaml", "allergy: [nickel]\n", "allergy", "not a field"),
        ("list.yaml", "- pregnant\n", "(document)", "valid dictionary"),
    ],
)
def test_bad_input_is_one_line_naming_file_field_and_problem(
    tmp_path: Path, name: str, text: str, field: str, words: str
) -> None:
    path = _write(tmp_path, name, text)
    result = runner.invoke(app, ["screen", str(path), "--today", TODAY])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {path}: {field}: ")
    assert words in lines[0]
    assert "Traceback" not in result.output + result.stderr


def test_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["screen", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_bad_today(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["screen", str(EXAMPLES / "intake-eligible.yaml"), "--today", "21/11/2026"]
    )
    assert result.exit_code == 2
    assert "--today" in result.stderr


def test_schema_intake_prints_the_json_schema() -> None:
    result = runner.invoke(app, ["schema", "intake"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "Intake"
    assert set(schema["properties"]) == set(Intake.model_fields)


def _other_allergy_intake(tmp_path: Path) -> Path:
    path = tmp_path / "intake.yaml"
    eligible = (EXAMPLES / "intake-eligible.yaml").read_text(encoding="utf-8")
    path.write_text(
        eligible + "\nother_allergies:\n  - description: rash from a watch strap\n",
        encoding="utf-8",
    )
    return path


def test_an_unclassified_other_allergy_is_incomplete_until_classified(tmp_path: Path) -> None:
    path = _other_allergy_intake(tmp_path)
    plain = runner.invoke(app, ["screen", str(path), "--json", "--today", TODAY])
    assert ScreeningResult.model_validate_json(plain.stdout).decision == "incomplete"
    args = ["screen", str(path), "--json", "--today", TODAY, "--classify", "0=nickel"]
    classified = ScreeningResult.model_validate_json(runner.invoke(app, args).stdout)
    assert "metal_allergy" in [f.rule_id for f in classified.findings]
    assert classified.decision != "incomplete"


@pytest.mark.parametrize("pair", ["1=nickel", "0=steel", "zero=nickel", "0="])
def test_a_bad_classification_exits_2_naming_the_option(tmp_path: Path, pair: str) -> None:
    path = _other_allergy_intake(tmp_path)
    result = runner.invoke(app, ["screen", str(path), "--today", TODAY, "--classify", pair])
    assert result.exit_code == 2, result.output
    assert "--classify" in result.output


def test_a_bad_relaxation_exits_2_naming_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICRONEEDLING_RULE_RELAXATIONS", '[{"rule_id": "nope"}]')
    result = runner.invoke(app, ["screen", str(EXAMPLES / "intake-eligible.yaml")])
    assert result.exit_code == 2, result.output
    assert "MICRONEEDLING_RULE_RELAXATIONS.0" in result.output
