"""FHIR for what was done and seen: sessions (Procedure), depth and passes per treated area and
outcome scores (Observation), photos (Media) and the audit trail (AuditEvent)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from microneedling.clinic.interop.fhir_fields import Fields
from microneedling.clinic.interop.map_people import clinic_ref, room_ref
from microneedling.clinic.interop.resources import (
    Resource,
    base,
    ext,
    extensions,
    moment,
    ref,
    staff_ref,
)
from microneedling.clinic.interop.terms import (
    CPT,
    CPT_UNLISTED_SKIN,
    UCUM,
    body_sites,
    concept_code,
    local,
    scale_code,
)
from microneedling.clinic.models import (
    AdverseEvent,
    AuditEvent,
    Outcome,
    Photo,
    TreatedArea,
    TreatmentSession,
)
from microneedling.clinic.photo_views import view_name
from microneedling.clinic.schemas.pre_treatment_check import PreTreatmentCheck
from microneedling.knowledge import KnowledgeBase

_PROCEDURE_STATUS = {"in_progress": "in-progress", "stopped": "stopped", "completed": "completed"}
PROCEDURE_CODE = {"coding": [
    local("microneedling", "Microneedling (collagen induction therapy)"),
    {"system": CPT, "code": CPT_UNLISTED_SKIN,
     "display": "Unlisted procedure, skin, mucous membrane and subcutaneous tissue"},
], "text": "Microneedling"}  # fmt: skip


def _complication(event: AdverseEvent) -> dict[str, Any]:
    return {"text": f"{event.kind} ({event.severity}): {event.description}", "extension": [
        ext("adverse-event-id", event.id), ext("kind", event.kind), ext("severity", event.severity),
        ext("description", event.description), ext("noticed-at", event.noticed_at),
        ext("recorded-by", staff_ref(event.recorded_by)),
    ]}  # fmt: skip


def procedure(
    record: TreatmentSession,
    areas: list[TreatedArea],
    events: list[AdverseEvent],
    room: str,
    kb: KnowledgeBase,
) -> Resource:
    """One session: where (bodySite per area), by whom, with which device and lot, how it ended
    (the end-point reached as its outcome) and what went wrong (adverse events)."""
    resource = base("Procedure", record.id)
    sites = []
    for area in areas:
        site = kb.sites.get(area.site)
        for concept in body_sites(area.site, site.name if site else None):
            if concept not in sites:
                sites.append(concept)
    resource.update(
        status=_PROCEDURE_STATUS[record.status], code=PROCEDURE_CODE,
        subject=ref("Patient", record.patient_id), basedOn=[ref("CarePlan", record.plan_id)],
        performer=[{"actor": staff_ref(record.practitioner_id), "onBehalfOf": clinic_ref()}],
        location=room_ref(room),
        usedReference=[ref("Device", record.device_id), ref("Device", record.lot_id, "Lot")],
    )  # fmt: skip
    if record.treatment_started_at:
        period = {"start": moment(record.treatment_started_at)}
        if record.treatment_ended_at:
            period["end"] = moment(record.treatment_ended_at)
        resource["performedPeriod"] = period
    if sites:
        resource["bodySite"] = sites
    if record.end_point:
        resource["outcome"] = {"coding": [local(concept_code("end-point", record.end_point))],
                               "text": record.end_point.replace("_", " ")}  # fmt: skip
    if record.stop_reason:
        resource["statusReason"] = {"text": record.stop_reason}
    if events:
        resource["complication"] = [_complication(e) for e in events]
    # Every answer of the check, each an extension named after its field (new-medication...).
    answers = record.pre_treatment_check.model_dump(mode="json")
    check = {"url": "urn:microneedling:extension:pre-treatment-check", "extension": [
        ext(name.replace("_", "-"), value) for name, value in answers.items()
    ]}  # fmt: skip
    resource["extension"] = [check, *extensions(
        appointment=ref("Appointment", record.appointment_id), plan_version=record.plan_version,
        status=record.status,
        check_screening=ref("RiskAssessment", record.check_screening_id)
        if record.check_screening_id else None,
        stop_reason=record.stop_reason, anaesthetic_started_at=record.anaesthetic_started_at,
        treatment_started_at=record.treatment_started_at,
        treatment_ended_at=record.treatment_ended_at, end_point=record.end_point,
        products_after=record.products_after,
        aftercare_sheet=None if record.aftercare_sheet is None
        else record.aftercare_sheet.model_dump(mode="json"),
        aftercare_given_at=record.aftercare_given_at, created_at=record.created_at,
    )]  # fmt: skip
    return resource


def area_observations(
    area: TreatedArea, record: TreatmentSession, kb: KnowledgeBase
) -> list[Resource]:
    """Depth [mm] and passes at one treated area, each partOf the session's Procedure."""
    site = kb.sites.get(area.site)
    when = record.treatment_started_at or record.created_at
    common = {
        "status": "final", "subject": ref("Patient", record.patient_id),
        "partOf": [ref("Procedure", record.id)], "effectiveDateTime": moment(when),
        "performer": [staff_ref(record.practitioner_id)],
        "bodySite": body_sites(area.site, site.name if site else None)[0],
        "category": [{"coding": [{"system":
            "http://terminology.hl7.org/CodeSystem/observation-category", "code": "procedure"}]}],
    }  # fmt: skip
    depth = base("Observation", area.id, "Depth") | common
    depth["code"] = {"coding": [local("needle-depth", "Needle depth")]}
    depth["valueQuantity"] = {"value": area.depth_mm, "unit": "mm", "system": UCUM, "code": "mm"}
    depth["extension"] = extensions(site=area.site)
    passes = base("Observation", area.id, "Passes") | common
    passes["code"] = {"coding": [local("passes", "Passes")]}
    passes["valueInteger"] = area.passes
    passes["extension"] = extensions(site=area.site)
    return [depth, passes]


def outcome_observation(record: Outcome, kb: KnowledgeBase) -> Resource:
    """A clinician's score on the concern's scale, with the patient's satisfaction (0 to 10)."""
    resource = base("Observation", record.id, "Outcome")
    concern = kb.concerns.get(record.concern)
    resource.update(
        status="final", subject=ref("Patient", record.patient_id),
        code={"coding": [local("outcome-score", "Outcome score"),
                         local(concept_code("concern", record.concern),
                               concern.name if concern else None)]},
        method={"coding": [local(scale_code(record.scale))], "text": record.scale},
        effectiveDateTime=record.assessed_on.isoformat(), issued=moment(record.recorded_at),
        performer=[staff_ref(record.recorded_by)],
        valueQuantity={"value": record.clinician_score, "unit": "score", "system": UCUM,
                       "code": "{score}"},
    )  # fmt: skip
    if record.plan_id:
        resource["basedOn"] = [ref("CarePlan", record.plan_id)]
    if record.patient_satisfaction is not None:
        resource["component"] = [{"code": {"coding": [local("patient-satisfaction")]},
                                  "valueInteger": record.patient_satisfaction}]  # fmt: skip
    if record.complications:
        resource["note"] = [{"text": record.complications}]
    resource["extension"] = extensions(
        concern=record.concern, scale=record.scale,
        appointment=ref("Appointment", record.appointment_id) if record.appointment_id else None,
        complications=record.complications,
    )  # fmt: skip
    return resource


def media(record: Photo, data: bytes | None, kb: KnowledgeBase) -> Resource:
    """A photo: the file travels beside the export (``content.url``); FHIR's SHA-1 ``hash`` and
    the clinic's SHA-256 (an identifier) let the receiver check it."""
    resource = base("Media", record.id)
    resource["identifier"].append({"system": "urn:microneedling:sha256", "value": record.sha256})
    content: dict[str, Any] = {
        "contentType": record.media_type, "url": f"photos/{record.path}",
        "size": record.size_bytes, "title": f"{record.stage} photo",
    }  # fmt: skip
    if data is not None:
        # FHIR's Attachment.hash is SHA-1 by definition; the SHA-256 is the identifier.
        content["hash"] = base64.b64encode(hashlib.sha1(data).digest()).decode("ascii")
    resource.update(
        status="completed",
        type={"coding": [{"system": "http://terminology.hl7.org/CodeSystem/media-type",
                          "code": "image", "display": "Image"}]},
        reasonCode=[{"coding": [local(concept_code("photo", record.stage))]}],
        subject=ref("Patient", record.patient_id), operator=staff_ref(record.uploaded_by),
        issued=moment(record.uploaded_at), height=record.height_px, width=record.width_px,
        content=content,
    )  # fmt: skip
    if record.taken_on:
        resource["createdDateTime"] = record.taken_on.isoformat()
    if record.site:
        site = kb.sites.get(record.site)
        resource["bodySite"] = body_sites(record.site, site.name if site else None)[0]
    if record.session_id:
        resource["partOf"] = [ref("Procedure", record.session_id)]
    if record.view:  # Media.view: the camera's view; absent when it was not recorded
        shown = view_name(record.view)
        resource["view"] = {"coding": [local(concept_code("photo-view", record.view), shown)],
                            "text": shown}  # fmt: skip
    resource["extension"] = extensions(
        stage=record.stage, site=record.site, view=record.view, path=record.path,
        outcome=ref("Observation", record.outcome_id, "Outcome") if record.outcome_id else None,
    )  # fmt: skip
    return resource


_ACTIONS = {"create": "C", "read": "R", "list": "R", "update": "U", "delete": "D"}


def audit_event(record: AuditEvent, known_staff: set[int], known_patients: set[int]) -> Resource:
    """One audit event; who and which patient as references when they are in the export."""
    who: dict[str, Any] = (
        staff_ref(record.staff_id) or {}
        if record.staff_id in known_staff
        else {"display": record.username or "system"}
    )
    agent: dict[str, Any] = {"who": who, "requestor": True}
    if record.client_ip:
        agent["network"] = {"address": record.client_ip, "type": "2"}
    entity: dict[str, Any] = {"description": f"{record.entity} {record.entity_id or ''}".strip()}
    if record.patient_id in known_patients:
        entity["what"] = ref("Patient", record.patient_id)
    return {
        "resourceType": "AuditEvent", "id": f"auditevent-{record.id}",
        "type": {"system": "http://terminology.hl7.org/CodeSystem/audit-event-type",
                 "code": "rest", "display": "RESTful Operation"},
        "subtype": [{"system": "urn:microneedling:audit-action", "code": record.action}],
        "action": _ACTIONS.get(record.action, "E"), "recorded": moment(record.at),
        "outcome": "4" if record.action == "denied" else "0",
        "agent": [agent], "source": {"observer": clinic_ref()}, "entity": [entity],
    }  # fmt: skip


def check_answers(f: Fields, check: Resource) -> PreTreatmentCheck:
    """The pre-treatment check from its extensions, one per field (yes/no answers as booleans,
    lists as JSON), as :func:`procedure` writes them.
    """
    answers = {
        name: (f.ext if field.annotation is bool else f.doc)(name.replace("_", "-"), check)
        for name, field in PreTreatmentCheck.model_fields.items()
    }
    return PreTreatmentCheck.model_validate(answers)
