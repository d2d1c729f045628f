"""A clinic of realistic size for the load benchmark, seeded fast.

The demo clinic (:func:`microneedling.clinic.demo.seed_demo`) is built first, through the
services, so its five patients have records every rule passed: intakes and screenings, plans
and their versions, appointments over the year, notes. Those five are then the templates for
thousands more, copied with bulk inserts through the models (new names, new ids, the copies'
appointments spread over the past year), which takes seconds instead of hours.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Table, func, select

from microneedling.clinic import Clinic
from microneedling.clinic.demo import DemoAccount, seed_demo
from microneedling.clinic.models import (
    Appointment,
    ClinicalNote,
    IntakeRecord,
    Patient,
    PlanRecord,
    PlanVersion,
    ScreeningRecord,
)

GIVEN = (
    "Anna",
    "Ben",
    "Chloe",
    "Dev",
    "Eva",
    "Finn",
    "Greta",
    "Hugo",
    "Iris",
    "Jon",
    "Kai",
    "Lena",
    "Milo",
    "Nora",
    "Omar",
    "Pia",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
)
FAMILY = (
    "Adams",
    "Baker",
    "Clarke",
    "Dunn",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ito",
    "Jensen",
    "Khan",
    "Lopez",
    "Moreau",
    "Novak",
    "Owens",
    "Patel",
    "Quist",
    "Rossi",
    "Silva",
    "Tanaka",
    "Ueda",
    "Varga",
    "Weber",
    "Young",
    "Zhou",
)


@dataclass
class SeededClinic:
    """What the load needs to know about the seeded clinic."""

    accounts: list[DemoAccount]
    patient_ids: list[int]
    practitioner_id: int
    counts: dict[str, int]


def _rows(session: Any, table: Table, column: Any, values: list[int]) -> list[dict[str, Any]]:
    if not values:
        return []
    return [dict(r._mapping) for r in session.execute(select(table).where(column.in_(values)))]


def _next_id(session: Any, table: Table) -> int:
    return int(session.scalar(select(func.max(table.c.id))) or 0) + 1


def seed_clinic(clinic: Clinic, patients: int, seed: int = 15) -> SeededClinic:
    """The demo clinic, then ``patients`` copies of its patients (bulk inserts)."""
    accounts = seed_demo(clinic)
    rng = random.Random(seed)
    tables = {
        m: m.__table__
        for m in (
            Patient,
            IntakeRecord,
            ScreeningRecord,
            PlanRecord,
            PlanVersion,
            Appointment,
            ClinicalNote,
        )
    }
    with clinic.db.transaction() as session:
        t_patient = tables[Patient]
        templates = [dict(r._mapping) for r in session.execute(select(t_patient))]
        per_template: dict[int, dict[str, list[dict[str, Any]]]] = {}
        for template in templates:
            pid = template["id"]
            intakes = _rows(session, tables[IntakeRecord], tables[IntakeRecord].c.patient_id, [pid])
            plans = _rows(session, tables[PlanRecord], tables[PlanRecord].c.patient_id, [pid])
            per_template[pid] = {
                "intakes": intakes,
                "screenings": _rows(
                    session, tables[ScreeningRecord], tables[ScreeningRecord].c.patient_id, [pid]
                ),
                "plans": plans,
                "versions": _rows(
                    session,
                    tables[PlanVersion],
                    tables[PlanVersion].c.plan_id,
                    [p["id"] for p in plans],
                ),
                "appointments": _rows(
                    session, tables[Appointment], tables[Appointment].c.patient_id, [pid]
                ),
                "notes": _rows(
                    session, tables[ClinicalNote], tables[ClinicalNote].c.patient_id, [pid]
                ),
            }
        ids = {
            name: _next_id(session, table)
            for name, table in (
                ("patient", t_patient),
                ("intake", tables[IntakeRecord]),
                ("screening", tables[ScreeningRecord]),
                ("plan", tables[PlanRecord]),
                ("version", tables[PlanVersion]),
                ("appointment", tables[Appointment]),
                ("note", tables[ClinicalNote]),
            )
        }
        out: dict[str, list[dict[str, Any]]] = {
            k: []
            for k in (
                "patients",
                "intakes",
                "screenings",
                "plans",
                "versions",
                "appointments",
                "notes",
            )
        }
        new_patients: list[int] = []
        for n in range(patients):
            template = templates[n % len(templates)]
            rows = per_template[template["id"]]
            pid = ids["patient"]
            ids["patient"] += 1
            new_patients.append(pid)
            shift = timedelta(days=rng.randint(-330, 0))
            out["patients"].append(
                {
                    **template,
                    "id": pid,
                    "given_name": rng.choice(GIVEN),
                    "family_name": f"{rng.choice(FAMILY)}-{rng.choice(FAMILY)}",
                    "email": None,
                    "phone": None,
                }
            )
            remap: dict[str, dict[int, int]] = {"intake": {}, "screening": {}, "plan": {}}
            for kind, key in (
                ("intakes", "intake"),
                ("screenings", "screening"),
                ("plans", "plan"),
            ):
                for row in rows[kind]:
                    remap[key][row["id"]] = ids[key]
                    ids[key] += 1
            for row in rows["intakes"]:
                sup = row["supersedes_id"]
                out["intakes"].append(
                    {
                        **row,
                        "id": remap["intake"][row["id"]],
                        "patient_id": pid,
                        "supersedes_id": remap["intake"].get(sup) if sup else None,
                    }
                )
            for row in rows["screenings"]:
                out["screenings"].append(
                    {
                        **row,
                        "id": remap["screening"][row["id"]],
                        "patient_id": pid,
                        "intake_id": remap["intake"][row["intake_id"]],
                    }
                )
            for row in rows["plans"]:
                out["plans"].append(
                    {
                        **row,
                        "id": remap["plan"][row["id"]],
                        "patient_id": pid,
                        "screening_id": remap["screening"][row["screening_id"]],
                    }
                )
            for row in rows["versions"]:
                out["versions"].append(
                    {**row, "id": ids["version"], "plan_id": remap["plan"][row["plan_id"]]}
                )
                ids["version"] += 1
            for row in rows["appointments"]:
                out["appointments"].append(
                    {
                        **row,
                        "id": ids["appointment"],
                        "patient_id": pid,
                        "plan_id": remap["plan"].get(row["plan_id"]) if row["plan_id"] else None,
                        "starts_at": row["starts_at"] + shift,
                        "ends_at": row["ends_at"] + shift,
                    }
                )
                ids["appointment"] += 1
            for row in rows["notes"]:
                out["notes"].append({**row, "id": ids["note"], "patient_id": pid})
                ids["note"] += 1
        for name, table in (
            ("patients", t_patient),
            ("intakes", tables[IntakeRecord]),
            ("screenings", tables[ScreeningRecord]),
            ("plans", tables[PlanRecord]),
            ("versions", tables[PlanVersion]),
            ("appointments", tables[Appointment]),
            ("notes", tables[ClinicalNote]),
        ):
            chunk = 2_000
            for start in range(0, len(out[name]), chunk):
                session.execute(table.insert(), out[name][start : start + chunk])
    if clinic.db.backend == "postgresql":
        # Explicit ids: move each sequence past them (later inserts number from there).
        with clinic.db.engine.begin() as connection:
            for table in (t_patient, *tables.values()):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT max(id) FROM {table.name}))"
                )
    practitioner = next(a for a in accounts if a.username == "dr.hale")
    with clinic.db.reading() as session:
        from microneedling.clinic.models import StaffMember

        practitioner_id = int(
            session.scalar(select(StaffMember.id).where(StaffMember.username == "dr.hale")) or 0
        )
    assert practitioner.password
    counts = {name: len(rows) for name, rows in out.items()}
    return SeededClinic(accounts, new_patients, practitioner_id, counts)
