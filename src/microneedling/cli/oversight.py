"""``microneedling oversight``: good-faith examinations, plan approvals and chart reviews.

Each command acts as a named staff account (``--as``), through the same services as the API
and the pages, so the role rules and the audit trail apply as they do there. Times are shown in
the clinic's zone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console

from microneedling.cli._acting import As
from microneedling.cli._acting import acting as _acting
from microneedling.cli._app import app, command
from microneedling.cli._input import validation_error
from microneedling.cli.db import DataDir
from microneedling.clinic import Clinic
from microneedling.clinic.paging import every_item
from microneedling.clinic.services.approvals import ApprovalService, ApprovalStatus, DecisionIn
from microneedling.clinic.services.chart_reviews import ChartReviewService, QueueFilter, ReviewIn
from microneedling.clinic.services.examinations import ExamIn, ExaminationService, ExamStatus

M = TypeVar("M", bound=BaseModel)
console = Console(highlight=False)
oversight_app = typer.Typer(
    help="Medical-director oversight: good-faith examinations, plan approvals, chart reviews.",
    no_args_is_help=True,
)
app.add_typer(oversight_app, name="oversight")


def _valid(model: type[M], data: dict[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc) from None


def _when(clinic: Clinic, moment: datetime | None) -> str:
    return "" if moment is None else f"{clinic.local(moment):%Y-%m-%d %H:%M %Z}"


def _show_exams(status: ExamStatus) -> None:
    valid = f"valid through {status.valid_until}" if status.valid else "no valid examination"
    needed = " (required before a session)" if status.required else ""
    console.print(f"Patient {status.patient_id}: {valid}{needed}")
    for exam in status.exams:
        note = f" — {exam.note}" if exam.note else ""
        console.print(
            f"  {exam.examined_on} {exam.outcome.replace('_', ' ')} by {exam.examiner_name}{note}"
        )


def _show_approval(clinic: Clinic, status: ApprovalStatus) -> None:
    console.print(
        f"Plan {status.plan_id} version {status.current_version} (written by "
        f"{status.written_by_name}): {status.state.replace('_', ' ')}"
    )
    for d in status.decisions:
        reason = f" ({d.reason})" if d.reason else ""
        console.print(
            f"  version {d.plan_version} {d.decision} by {d.decided_by_name} "
            f"{_when(clinic, d.decided_at)}{reason}"
        )


@command("gfe", parent=oversight_app)
def record_exam(
    patient_id: int,
    acting: As,
    examined_on: Annotated[str, typer.Option(help="day of the examination, YYYY-MM-DD")],
    not_cleared: Annotated[
        bool, typer.Option("--not-cleared", help="the examination does not clear treatment")
    ] = False,
    note: Annotated[str | None, typer.Option(help="the examiner's findings")] = None,
    data_dir: DataDir = None,
) -> None:
    """Record a good-faith examination of PATIENT_ID by the medical director acting."""
    outcome = "not_cleared" if not_cleared else "cleared"
    data = _valid(ExamIn, {"examined_on": examined_on, "outcome": outcome, "note": note})
    with _acting(acting, data_dir) as (clinic, actor):
        _show_exams(ExaminationService(clinic, actor).record(patient_id, data))


@command("gfe-status", parent=oversight_app)
def exam_status(patient_id: int, acting: As, data_dir: DataDir = None) -> None:
    """A patient's good-faith examinations and whether one is valid today."""
    with _acting(acting, data_dir) as (clinic, actor):
        _show_exams(ExaminationService(clinic, actor).status(patient_id))


@command("approve", parent=oversight_app)
def approve(
    plan_id: int,
    acting: As,
    version: Annotated[int, typer.Option(help="the plan version approved (the current one)")],
    data_dir: DataDir = None,
) -> None:
    """Approve the current version of PLAN_ID."""
    data = _valid(DecisionIn, {"version": version, "decision": "approved"})
    with _acting(acting, data_dir) as (clinic, actor):
        _show_approval(clinic, ApprovalService(clinic, actor).decide(plan_id, data))


@command("reject", parent=oversight_app)
def reject(
    plan_id: int,
    acting: As,
    version: Annotated[int, typer.Option(help="the plan version rejected (the current one)")],
    reason: Annotated[str, typer.Option(help="why the plan is rejected")],
    data_dir: DataDir = None,
) -> None:
    """Reject the current version of PLAN_ID, with the reason."""
    data = _valid(DecisionIn, {"version": version, "decision": "rejected", "reason": reason})
    with _acting(acting, data_dir) as (clinic, actor):
        _show_approval(clinic, ApprovalService(clinic, actor).decide(plan_id, data))


@command("pending", parent=oversight_app)
def pending(acting: As, data_dir: DataDir = None) -> None:
    """Plans whose current version waits for a medical director's decision."""
    with _acting(acting, data_dir) as (clinic, actor):
        plans = every_item(ApprovalService(clinic, actor).pending)
        if not plans:
            console.print("No plan waits for approval.")
        for p in plans:
            console.print(
                f"Plan {p.plan_id} version {p.version}: {p.patient_name} (patient "
                f"{p.patient_id}), written by {p.written_by_name} {_when(clinic, p.written_at)}"
            )


@command("queue", parent=oversight_app)
def queue(
    acting: As,
    state: Annotated[str, typer.Option(help="pending, reviewed or all")] = "pending",
    data_dir: DataDir = None,
) -> None:
    """The chart-review queue: sampled completed sessions."""
    where = _valid(QueueFilter, {"state": state})
    with _acting(acting, data_dir) as (clinic, actor):
        service = ChartReviewService(clinic, actor)
        charts = every_item(lambda page: service.queue(where, page))
        if not charts:
            console.print("No chart in the queue.")
        for c in charts:
            review = (
                f"; {c.review.finding.replace('_', ' ')} ({c.review.reviewer_name}, "
                f"{_when(clinic, c.review.reviewed_at)})"
                if c.review
                else ""
            )
            console.print(
                f"Session {c.session_id}: {c.patient_name} (patient {c.patient_id}) by "
                f"{c.practitioner_name}, ended {_when(clinic, c.treatment_ended_at)}{review}"
            )


@command("review", parent=oversight_app)
def review(
    session_id: int,
    acting: As,
    finding: Annotated[str, typer.Option(help="acceptable or needs_follow_up")],
    comment: Annotated[str | None, typer.Option(help="what the reviewer noticed")] = None,
    data_dir: DataDir = None,
) -> None:
    """Record the chart review of completed session SESSION_ID."""
    data = _valid(ReviewIn, {"finding": finding, "comment": comment})
    with _acting(acting, data_dir) as (clinic, actor):
        done = ChartReviewService(clinic, actor).review(session_id, data)
        console.print(
            f"Session {session_id} reviewed: {done.finding.replace('_', ' ')} by "
            f"{done.reviewer_name} {_when(clinic, done.reviewed_at)}"
        )
