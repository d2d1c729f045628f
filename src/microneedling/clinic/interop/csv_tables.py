"""CSV: the patients, the schedule, sessions (one row per treated area) and outcomes as tables
a spreadsheet opens, times in the clinic's zone; and patients read from a CSV file, every row
checked by the same rules as registration before any is written."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from microneedling.clinic.locations import places
from microneedling.clinic.models import (
    Appointment,
    CartridgeLot,
    ClinicDevice,
    Outcome,
    Patient,
    StaffMember,
    TreatedArea,
    TreatmentSession,
)
from microneedling.clinic.schemas.patients import PatientIn

Table = Literal["patients", "schedule", "sessions", "outcomes"]
TABLES: tuple[Table, ...] = ("patients", "schedule", "sessions", "outcomes")
#: Columns a patient CSV may have (given_name, family_name and date_of_birth are required).
PATIENT_COLUMNS = ("given_name", "family_name", "date_of_birth", "sex", "email", "phone",
                   "address", "consent_photos", "consent_messages")  # fmt: skip
_YES = {"true", "yes", "y", "1"}
_NO = {"false", "no", "n", "0", ""}


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with one CSV row: its number (the header is row 1), column and reason."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.reason}"


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    return "" if moment is None else moment.astimezone(zone).isoformat(timespec="minutes")


def _rows(session: Session, table: Table, zone: ZoneInfo) -> tuple[list[str], list[list[Any]]]:
    staff = {m.id: m.username for m in session.scalars(select(StaffMember))}
    live = select(Patient.id).where(Patient.deleted_at.is_(None))
    if table == "patients":
        head = ["id", *PATIENT_COLUMNS, "registered_at"]
        return head, [[p.id, p.given_name, p.family_name, p.date_of_birth, p.sex or "", p.email
                       or "", p.phone or "", p.address or "", p.consent_photos, p.consent_messages,
                       _local(p.created_at, zone)]
                      for p in session.scalars(select(Patient).where(Patient.id.in_(live))
                                               .order_by(Patient.id))]  # fmt: skip
    if table == "schedule":
        # Times in each visit's own location's zone (with their offset), as its diary shows.
        head = ["id", "starts_at", "ends_at", "patient_id", "practitioner", "room", "kind",
                "status", "location"]  # fmt: skip
        where = {place.id: place for place in places(session)}
        booked = (select(Appointment).where(Appointment.patient_id.in_(live))
                  .order_by(Appointment.starts_at, Appointment.id))  # fmt: skip
        return head, [[a.id, _local(a.starts_at, where[a.location_id].zone),
                       _local(a.ends_at, where[a.location_id].zone), a.patient_id,
                       staff.get(a.practitioner_id, ""), a.room, a.kind, a.status,
                       where[a.location_id].name]
                      for a in session.scalars(booked)]  # fmt: skip
    if table == "sessions":
        head = ["session_id", "patient_id", "started_at", "practitioner", "device_serial",
                "lot_number", "status", "end_point", "site", "depth_mm", "passes"]  # fmt: skip
        query = (select(TreatmentSession, TreatedArea, ClinicDevice, CartridgeLot)
                 .join(TreatedArea, TreatedArea.session_id == TreatmentSession.id, isouter=True)
                 .join(ClinicDevice, ClinicDevice.id == TreatmentSession.device_id)
                 .join(CartridgeLot, CartridgeLot.id == TreatmentSession.lot_id)
                 .where(TreatmentSession.patient_id.in_(live))
                 .order_by(TreatmentSession.id, TreatedArea.id))  # fmt: skip
        return head, [[s.id, s.patient_id, _local(s.treatment_started_at, zone),
                       staff.get(s.practitioner_id, ""), d.serial_number, lot.lot_number, s.status,
                       s.end_point or "", a.site if a else "", a.depth_mm if a else "",
                       a.passes if a else ""]
                      for s, a, d, lot in session.execute(query)]  # fmt: skip
    head = ["id", "patient_id", "plan_id", "assessed_on", "concern", "scale", "clinician_score",
            "patient_satisfaction", "complications", "recorded_by"]  # fmt: skip
    return head, [[o.id, o.patient_id, o.plan_id or "", o.assessed_on, o.concern, o.scale,
                   o.clinician_score, "" if o.patient_satisfaction is None else
                   o.patient_satisfaction, o.complications or "", staff.get(o.recorded_by, "")]
                  for o in session.scalars(select(Outcome).where(Outcome.patient_id.in_(live))
                                           .order_by(Outcome.id))]  # fmt: skip


def table_csv(session: Session, table: Table, zone: ZoneInfo) -> tuple[str, list[int]]:
    """The table as CSV text, and the ids of the patients in it (for the audit trail)."""
    head, rows = _rows(session, table, zone)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(head)
    writer.writerows(rows)
    column = head.index("patient_id") if "patient_id" in head else 0
    return out.getvalue(), sorted({int(r[column]) for r in rows})


def _flag(value: str) -> bool:
    text = value.strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError("must be yes or no (true/false, 1/0)")


def read_patients(
    text: str, check_birth: Callable[[date], None]
) -> tuple[list[tuple[int, PatientIn]], list[RowProblem]]:
    """Each good row (its number, the registration) and every problem of every row (none:
    all can be written).

    ``check_birth`` raises InvalidInput for a date of birth the clinic refuses (in the future)."""
    reader = csv.DictReader(io.StringIO(text))
    columns = reader.fieldnames or []
    problems = [RowProblem(1, c, "not a column a patient CSV takes") for c in columns
                if c not in PATIENT_COLUMNS]  # fmt: skip
    problems += [RowProblem(1, c, "required column missing") for c in PATIENT_COLUMNS[:3]
                 if c not in columns]  # fmt: skip
    if problems:
        return [], problems
    patients: list[tuple[int, PatientIn]] = []
    seen: dict[tuple[str, str, date], int] = {}
    for number, row in enumerate(reader, start=2):
        data: dict[str, Any] = {k: v.strip() for k, v in row.items() if k and v and v.strip()}
        row_problems = []
        for name in ("consent_photos", "consent_messages"):
            try:
                data[name] = _flag(row.get(name) or "")
            except ValueError as exc:
                row_problems.append(RowProblem(number, name, str(exc)))
        if row_problems:
            problems += row_problems
            continue
        try:
            patient = PatientIn.model_validate(data)
            check_birth(patient.date_of_birth)
        except ValidationError as exc:
            for error in exc.errors():
                column = ".".join(str(p) for p in error["loc"]) or "row"
                reason = ("required" if error["type"] == "missing"
                          else str(error["msg"]).removeprefix("Value error, "))  # fmt: skip
                problems.append(RowProblem(number, column, reason))
            continue
        except ValueError as exc:  # InvalidInput from check_birth
            problems.append(RowProblem(number, "date_of_birth", getattr(exc, "problem", str(exc))))
            continue
        key = (patient.given_name.lower(), patient.family_name.lower(), patient.date_of_birth)
        if key in seen:
            problems.append(RowProblem(number, "given_name", f"same person as row {seen[key]}"))
            continue
        seen[key] = number
        patients.append((number, patient))
    return patients, problems
