"""The patient's plans as the record page lists them: a read model, one query.

The record page shows, for each plan, its status and version, the treated areas, the number of
sessions and the first session's date. A stored plan is a document of ~90 kB (every figure
with its rule trail and sources); loading each whole as a ``TreatmentPlan`` to show those few
values was a sixth of the page's server time. Here the database picks the values out of the
newest version's document (JSON paths, the same on SQLite and PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import JSON, bindparam, func, select, type_coerce
from sqlalchemy.orm import Session, aliased

from microneedling.clinic.models import PlanRecord, PlanVersion


@dataclass(frozen=True)
class PlanSummary:
    """One plan as the record lists it (values of its newest version)."""

    id: int
    status: str
    current_version: int
    #: The planned areas' names, in the plan's order.
    area_names: list[str]
    session_count: int
    first_session: date


_OLDER = aliased(PlanVersion)
_DOCUMENT = type_coerce(PlanVersion.plan, JSON)
#: Built once: constructing the statement cost as much as running it.
_SUMMARIES = (
    select(
        PlanRecord.id, PlanRecord.status, PlanRecord.current_version,
        _DOCUMENT["areas"],
        _DOCUMENT[("session_count", "value")].as_integer(),
        _DOCUMENT[("sessions", 0, "date")].as_string(),
    )
    .join(PlanVersion, PlanVersion.plan_id == PlanRecord.id)
    .where(
        PlanRecord.patient_id == bindparam("patient_id"),
        PlanVersion.version == select(func.max(_OLDER.version))
        .where(_OLDER.plan_id == PlanRecord.id)
        .scalar_subquery(),
    )
    .order_by(PlanRecord.id.desc())
)  # fmt: skip


def plan_summaries(session: Session, patient_id: int) -> list[PlanSummary]:
    """Every plan of the patient, newest first (the order of ``PlanService.for_patient``)."""
    rows = session.execute(_SUMMARIES, {"patient_id": patient_id})
    return [
        PlanSummary(
            id=plan_id,
            status=status,
            current_version=version,
            area_names=[area["name"] for area in areas],
            session_count=sessions,
            first_session=date.fromisoformat(first),
        )
        for plan_id, status, version, areas, sessions, first in rows
    ]
