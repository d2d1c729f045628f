"""Gather a clinic's records as FHIR R4 resources: everything, one patient, or what changed
since a day, always closed under references (every reference resolves inside the export)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from microneedling.clinic.interop import map_care, map_locations, map_people, map_sessions
from microneedling.clinic.interop.map_care import ConsentDocuments, no_documents
from microneedling.clinic.interop.resources import Resource, get_ext
from microneedling.clinic.interop.terms import code_system
from microneedling.clinic.models import (
    AdverseEvent,
    Appointment,
    AuditEvent,
    CartridgeLot,
    ClinicDevice,
    IntakeRecord,
    Location,
    Outcome,
    Patient,
    Photo,
    PlanConsent,
    PlanRecord,
    PlanVersion,
    ScreeningRecord,
    StaffMember,
    TreatedArea,
    TreatmentSession,
)
from microneedling.clinic.photos import PhotoDamaged, read_photo
from microneedling.knowledge import KnowledgeBase

#: Resource types in the order an import needs them (referenced before referring).
ORDER = (
    "CodeSystem", "Questionnaire", "Organization", "Location", "Practitioner",
    "PractitionerRole", "Device", "Patient", "QuestionnaireResponse", "RiskAssessment",
    "CarePlan", "Consent", "Appointment", "Procedure", "Observation", "Media", "AuditEvent",
)  # fmt: skip
#: Types always exported whole with the patients in scope; the rest are filtered by ``since``.
_CONTEXT = {"CodeSystem", "Questionnaire", "Organization", "Location", "Practitioner",
            "PractitionerRole", "Device", "Patient"}  # fmt: skip


@dataclass(frozen=True)
class ExportScope:
    """Which records: one patient's (else every patient's), changed on or after ``since``
    (a clinic-local day), audit events only when the reader may see the audit trail."""

    patient_id: int | None = None
    since: date | None = None
    include_audit: bool = True


@dataclass
class FhirExport:
    """The resources, in :data:`ORDER`, the photo files they name (relative paths), and the
    photos whose file is missing or damaged (exported as Media without their file)."""

    resources: list[Resource]
    photos: list[str] = field(default_factory=list)
    patient_ids: list[int] = field(default_factory=list)
    photos_left_out: list[str] = field(default_factory=list)

    def by_type(self) -> dict[str, list[Resource]]:
        out: dict[str, list[Resource]] = {}
        for resource in self.resources:
            out.setdefault(resource["resourceType"], []).append(resource)
        return out

    def bundle(self, kind: str = "collection") -> Resource:
        bundle: Resource = {"resourceType": "Bundle", "type": kind,
                            "entry": [{"resource": r} for r in self.resources]}  # fmt: skip
        if kind == "searchset":
            bundle["total"] = len(self.resources)
        return bundle


def references(element: Any) -> Iterator[tuple[str, str]]:
    """Every (path, ``Type/id``) reference inside a resource."""

    def walk(node: Any, path: str) -> Iterator[tuple[str, str]]:
        if isinstance(node, dict):
            target = node.get("reference")
            if isinstance(target, str):
                yield path, target
            for key, value in node.items():
                yield from walk(value, f"{path}.{key}" if path else key)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from walk(value, f"{path}[{index}]")

    yield from walk(element, "")


def _changed_at(resource: Resource, zone: ZoneInfo) -> datetime | None:
    text = (resource.get("recorded") or resource.get("issued") or resource.get("authored")
            or resource.get("dateTime") or resource.get("created")
            or get_ext(resource, "created-at") or resource.get("effectiveDateTime"))  # fmt: skip
    if not isinstance(text, str):
        return None
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), time(), zone)
    return datetime.fromisoformat(text)


def _since(resources: list[Resource], since: date, zone: ZoneInfo) -> list[Resource]:
    """Context resources, the rest changed on or after ``since``, and what those refer to."""
    start = datetime.combine(since, time(), zone).astimezone(UTC)
    index = {f"{r['resourceType']}/{r['id']}": r for r in resources}
    kept: dict[str, Resource] = {}
    todo = []
    for key, resource in index.items():
        moment = _changed_at(resource, zone)
        if resource["resourceType"] in _CONTEXT or (moment is not None and moment >= start):
            todo.append(key)
    while todo:
        key = todo.pop()
        if key in kept or key not in index:
            continue
        kept[key] = index[key]
        todo += [target for _path, target in references(index[key])]
    return [r for key, r in index.items() if key in kept]


class _Records:
    """The rows in scope, read once."""

    def __init__(self, session: Session, patient_ids: list[int]) -> None:
        def rows(model: Any, column: Any) -> list[Any]:
            return list(session.scalars(select(model).where(column.in_(patient_ids))
                                        .order_by(model.id)))  # fmt: skip

        self.patients: list[Patient] = rows(Patient, Patient.id)
        self.intakes: list[IntakeRecord] = rows(IntakeRecord, IntakeRecord.patient_id)
        self.screenings: list[ScreeningRecord] = rows(ScreeningRecord, ScreeningRecord.patient_id)
        self.plans: list[PlanRecord] = rows(PlanRecord, PlanRecord.patient_id)
        plan_ids = [p.id for p in self.plans]
        self.versions: list[PlanVersion] = list(
            session.scalars(
                select(PlanVersion)
                .where(PlanVersion.plan_id.in_(plan_ids))
                .order_by(PlanVersion.id)
            )
        )
        self.consents: list[PlanConsent] = list(
            session.scalars(
                select(PlanConsent)
                .where(PlanConsent.plan_id.in_(plan_ids))
                .order_by(PlanConsent.id)
            )
        )
        self.appointments: list[Appointment] = rows(Appointment, Appointment.patient_id)
        self.sessions: list[TreatmentSession] = rows(TreatmentSession, TreatmentSession.patient_id)
        session_ids = [s.id for s in self.sessions]
        self.areas: list[TreatedArea] = list(session.scalars(
            select(TreatedArea).where(TreatedArea.session_id.in_(session_ids))
            .order_by(TreatedArea.id)))  # fmt: skip
        self.events: list[AdverseEvent] = rows(AdverseEvent, AdverseEvent.patient_id)
        self.outcomes: list[Outcome] = rows(Outcome, Outcome.patient_id)
        self.photos: list[Photo] = rows(Photo, Photo.patient_id)
        self.audit: list[AuditEvent] = rows(AuditEvent, AuditEvent.patient_id)
        self.staff: list[StaffMember] = list(
            session.scalars(select(StaffMember).order_by(StaffMember.id))
        )
        self.devices: list[ClinicDevice] = list(
            session.scalars(select(ClinicDevice).order_by(ClinicDevice.id))
        )
        self.lots: list[CartridgeLot] = list(
            session.scalars(select(CartridgeLot).order_by(CartridgeLot.id))
        )


def gather(
    session: Session,
    kb: KnowledgeBase,
    *,
    clinic_name: str,
    rooms: list[str],
    photo_dir: Path,
    zone: ZoneInfo,
    scope: ExportScope,
    documents: ConsentDocuments = no_documents,
) -> FhirExport:
    """The clinic's records in ``scope`` as FHIR resources (soft-deleted patients left out)."""
    query = select(Patient.id).where(Patient.deleted_at.is_(None)).order_by(Patient.id)
    if scope.patient_id is not None:
        query = query.where(Patient.id == scope.patient_id)
    patient_ids = list(session.scalars(query))
    rec = _Records(session, patient_ids)
    used_rooms = list(dict.fromkeys([*rooms, *(a.room for a in rec.appointments)]))
    out: list[Resource] = [code_system(kb), map_care.questionnaire(),
                           map_people.organization(clinic_name)]  # fmt: skip
    out += [
        map_locations.site(row) for row in session.scalars(select(Location).order_by(Location.id))
    ]
    out += [map_people.location(room) for room in used_rooms]
    out += [map_people.practitioner(m) for m in rec.staff]
    out += [map_people.practitioner_role(m) for m in rec.staff]
    out += [map_people.device(d) for d in rec.devices] + [map_people.lot(x) for x in rec.lots]
    out += [map_people.patient(p) for p in rec.patients]
    out += [map_care.questionnaire_response(i) for i in rec.intakes]
    out += [map_care.risk_assessment(s) for s in rec.screenings]
    plan_patient = {p.id: p.patient_id for p in rec.plans}
    out += [map_care.care_plan(p, [v for v in rec.versions if v.plan_id == p.id])
            for p in rec.plans]  # fmt: skip
    out += [map_care.consent(c, plan_patient[c.plan_id], documents) for c in rec.consents]
    out += [map_care.appointment(a) for a in rec.appointments]
    rooms_by_appointment = {a.id: a.room for a in rec.appointments}
    for record in rec.sessions:
        areas = [a for a in rec.areas if a.session_id == record.id]
        events = [e for e in rec.events if e.session_id == record.id]
        room = rooms_by_appointment[record.appointment_id]
        out.append(map_sessions.procedure(record, areas, events, room, kb))
        for area in areas:
            out += map_sessions.area_observations(area, record, kb)
    out += [map_sessions.outcome_observation(o, kb) for o in rec.outcomes]
    photos, left_out = [], []
    for photo in rec.photos:
        try:
            data: bytes | None = read_photo(photo_dir, photo.path, photo.sha256)
            photos.append(photo.path)
        except (FileNotFoundError, PhotoDamaged):
            data = None  # exported without its file and hash: the receiver sees it is missing
            left_out.append(photo.path)
        out.append(map_sessions.media(photo, data, kb))
    if scope.include_audit:
        staff_ids = {m.id for m in rec.staff}
        out += [map_sessions.audit_event(e, staff_ids, set(patient_ids)) for e in rec.audit]
    if scope.since is not None:
        out = _since(out, scope.since, zone)
    out.sort(key=lambda r: ORDER.index(r["resourceType"]))
    kept = {r["id"] for r in out if r["resourceType"] == "Media"}
    media_paths = {p.path: f"media-{p.id}" for p in rec.photos}
    photos = [path for path in photos if media_paths[path] in kept]
    left_out = [path for path in left_out if media_paths[path] in kept]
    return FhirExport(out, photos, patient_ids, left_out)


def write_ndjson(export: FhirExport, target: Path) -> dict[str, int]:
    """One ``<Type>.ndjson`` file per resource type in ``target``; counts by type."""
    target.mkdir(parents=True, exist_ok=True)
    counts = {}
    for kind, resources in export.by_type().items():
        with (target / f"{kind}.ndjson").open("w", encoding="utf-8") as out:
            for resource in resources:
                out.write(json.dumps(resource, ensure_ascii=False, sort_keys=True) + "\n")
        counts[kind] = len(resources)
    return counts


def write_bundle(export: FhirExport, target: Path, name: str) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    path = target / name
    path.write_text(json.dumps(export.bundle(), ensure_ascii=False, indent=1), encoding="utf-8")
    return path
