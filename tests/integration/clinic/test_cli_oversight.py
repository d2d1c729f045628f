"""``microneedling oversight`` as a medical director runs it, on the demo clinic."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from microneedling.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from microneedling.cli.db import open_clinic
    from microneedling.clinic.demo import seed_demo

    data_dir = tmp_path_factory.mktemp("oversight") / "data"
    clinic = open_clinic(data_dir)
    seed_demo(clinic)
    clinic.db.dispose()
    return data_dir


def _run(data_dir: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["oversight", *args, "--data-dir", str(data_dir)])
    return result.exit_code, " ".join(result.output.split())


def test_pending_plan_is_approved_from_the_command_line(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MICRONEEDLING_TIMEZONE", "America/New_York")
    code, out = _run(demo_dir, "pending", "--as", "dr.osei")
    assert code == 0, out
    assert "Grace Lindqvist" in out
    assert "EST" in out or "EDT" in out  # the clinic's zone, not UTC
    plan_id = out.split("Plan ")[1].split()[0]
    code, out = _run(demo_dir, "approve", plan_id, "--version", "1", "--as", "dr.hale")
    assert code == 2
    assert "a practitioner may not approve plans" in out
    code, out = _run(demo_dir, "reject", plan_id, "--version", "1", "--reason", "",
                     "--as", "dr.osei")  # fmt: skip
    assert code == 2
    assert out.startswith("error: reason:")
    code, out = _run(demo_dir, "approve", plan_id, "--version", "1", "--as", "dr.osei")
    assert code == 0, out
    assert "approved by Dr Kwame Osei" in out
    code, out = _run(demo_dir, "pending", "--as", "dr.osei")
    assert "No plan waits for approval." in out


def test_examinations_and_reviews_from_the_command_line(demo_dir: Path) -> None:
    code, out = _run(demo_dir, "gfe", "1", "--examined-on", "yesterday", "--as", "dr.osei")
    assert code == 2
    assert out.startswith("error: examined_on:")
    code, out = _run(demo_dir, "gfe", "1", "--examined-on", "2020-01-01", "--as", "nobody")
    assert (code, out) == (2, "error: as: no active staff account 'nobody'")
    code, out = _run(demo_dir, "gfe-status", "1", "--as", "dr.hale")
    assert code == 0, out
    assert "fit for treatment" in out
    code, out = _run(demo_dir, "gfe", "5", "--examined-on", "2020-01-01", "--not-cleared",
                     "--note", "Keloids.", "--as", "dr.osei")  # fmt: skip
    assert code == 0, out
    assert "no valid examination" in out
    code, out = _run(demo_dir, "queue", "--state", "reviewed", "--as", "dr.osei")
    assert code == 0, out
    code, out = _run(demo_dir, "queue", "--state", "soon", "--as", "dr.osei")
    assert code == 2
    assert out.startswith("error: state:")
    code, out = _run(demo_dir, "review", "1", "--finding", "acceptable", "--as", "dr.osei")
    assert code == 2
    assert "already reviewed" in out
    code, out = _run(demo_dir, "review", "2", "--finding", "fine", "--as", "dr.osei")
    assert code == 2
    assert out.startswith("error: finding:")
    code, out = _run(demo_dir, "review", "2", "--finding", "needs_follow_up", "--comment",
                     "Check the forehead depth.", "--as", "dr.osei")  # fmt: skip
    assert code == 0, out
    assert "Session 2 reviewed: needs follow up by Dr Kwame Osei" in out
