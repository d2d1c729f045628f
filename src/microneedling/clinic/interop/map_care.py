"""FHIR for the course of care: the intake (Questionnaire, QuestionnaireResponse), screening
(RiskAssessment), the plan (CarePlan), treatment consents (Consent) and appointments."""

from __future__ import annotations

import base64
import json
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from microneedling.clinic.interop.map_locations import visit_participant
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
    EXT,
    QUESTIONNAIRE_URL,
    concept_code,
    local,
)
from microneedling.clinic.models import (
    Appointment,
    IntakeRecord,
    PlanConsent,
    PlanRecord,
    PlanVersion,
    ScreeningRecord,
)
from microneedling.screening import Intake

_TYPES = {bool: "boolean", int: "integer", float: "decimal", str: "string", date: "date"}


@dataclass(frozen=True)
class SignedDocument:
    """A signed consent document to attach to its Consent (PDF bytes, as the patient signed)."""

    data: bytes
    content_type: str = "application/pdf"
    title: str = "Signed treatment consent"


#: Finds the signed document of a treatment consent (by its id), if there is one; without one
#: the Consent carries only the record of consent (``service.signed_pdfs`` finds e-consent
#: PDFs).
ConsentDocuments = Callable[[int], SignedDocument | None]


def no_documents(_consent_id: int) -> SignedDocument | None:
    return None


def _item_type(annotation: Any) -> str:
    args = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    return _TYPES.get(args[0], "string") if isinstance(args[0], type) else "string"


def questionnaire() -> Resource:
    """The intake form: one item per intake field (compound answers as JSON text)."""
    items = [
        {"linkId": name, "text": field.description or name.replace("_", " "),
         "type": _item_type(field.annotation)}
        for name, field in Intake.model_fields.items()
    ]  # fmt: skip
    return {"resourceType": "Questionnaire", "id": "questionnaire-intake", "url": QUESTIONNAIRE_URL,
            "name": "MicroneedlingIntake", "title": "Microneedling intake", "status": "active",
            "subjectType": ["Patient"], "item": items}  # fmt: skip


def _answer(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    if isinstance(value, str):
        return {"valueString": value}
    return {"valueString": json.dumps(value, sort_keys=True), "extension": [ext("json", True)]}


def read_answer(answer: dict[str, Any]) -> Any:
    """An intake answer back from a QuestionnaireResponse answer."""
    for key, value in answer.items():
        if key.startswith("value"):
            json_text = any(e.get("url") == EXT + "json" and e.get("valueBoolean")
                            for e in answer.get("extension", []))  # fmt: skip
            return json.loads(value) if json_text else value
    return None


def questionnaire_response(record: IntakeRecord) -> Resource:
    resource = base("QuestionnaireResponse", record.id)
    resource["identifier"] = resource["identifier"][0]  # 0..1 in this resource
    items = []
    for key, value in record.answers.model_dump(mode="json").items():
        item: dict[str, Any] = {"linkId": key}
        if value is not None:
            item["answer"] = [_answer(value)]
        items.append(item)
    resource.update(
        questionnaire=QUESTIONNAIRE_URL, status="completed",
        subject=ref("Patient", record.patient_id),
        authored=moment(record.recorded_at), author=staff_ref(record.recorded_by), item=items,
    )  # fmt: skip
    resource["extension"] = extensions(
        version=record.version,
        supersedes=ref("QuestionnaireResponse", record.supersedes_id)
        if record.supersedes_id else None,
    )  # fmt: skip
    return resource


def risk_assessment(record: ScreeningRecord) -> Resource:
    resource = base("RiskAssessment", record.id)
    resource.update(
        status="final", subject=ref("Patient", record.patient_id),
        occurrenceDateTime=record.screened_on.isoformat(),
        code={"coding": [local("screening")], "text": record.occasion},
        method={"text": f"screening rules {record.ruleset_version}"},
        performer=staff_ref(record.created_by),
        basis=[ref("QuestionnaireResponse", record.intake_id)],
        prediction=[{"outcome": {"text": record.decision}}],
    )  # fmt: skip
    resource["extension"] = extensions(
        occasion=record.occasion, decision=record.decision, ruleset_version=record.ruleset_version,
        result=record.result.model_dump(mode="json"), created_at=record.created_at,
    )  # fmt: skip
    return resource


def _version(v: PlanVersion) -> dict[str, Any]:
    return {"url": "urn:microneedling:extension:plan-version", "extension": [
        ext("version", v.version), ext("request", v.request.model_dump(mode="json")),
        ext("plan", v.plan.model_dump(mode="json")),
        ext("ruleset-version", v.ruleset_version),
        ext("changes", v.changes), *([ext("reason", v.reason)] if v.reason else []),
        ext("created-at", v.created_at), ext("created-by", staff_ref(v.created_by)),
    ]}  # fmt: skip


_PLAN_STATUS = {"draft": "draft", "consented": "active", "cancelled": "revoked"}


def care_plan(record: PlanRecord, versions: list[PlanVersion]) -> Resource:
    """The plan; the planned sessions as activities; every version whole in an extension."""
    resource = base("CarePlan", record.id)
    current = next(v for v in versions if v.version == record.current_version)
    activities = []
    plan = current.plan.model_dump(mode="json")
    for session in plan.get("sessions", []):
        detail: dict[str, Any] = {
            "kind": "ServiceRequest", "code": {"coding": [local("microneedling")]},
            "status": "not-started", "scheduledString": f"session {session.get('number')} "
            f"on {session.get('date')}", "description": ", ".join(
                f"{a.get('site')} {a.get('depth_mm')} mm x{a.get('passes')}"
                for a in session.get("areas", [])),
        }  # fmt: skip
        activities.append({"detail": detail})
    concerns = sorted({c["concern"] for a in plan.get("areas", [])
                       for c in a.get("concerns", [])})  # fmt: skip
    resource.update(
        status=_PLAN_STATUS.get(record.status, "unknown"), intent="plan",
        category=[{"coding": [local("course-plan")]}], subject=ref("Patient", record.patient_id),
        created=moment(record.created_at), author=staff_ref(record.created_by),
        supportingInfo=[ref("RiskAssessment", record.screening_id)],
    )  # fmt: skip
    if concerns:
        resource["description"] = "Concerns: " + ", ".join(concerns)
    if activities:
        resource["activity"] = activities
    resource["extension"] = [
        ext("status", record.status),
        ext("current-version", record.current_version),
        *[_version(v) for v in sorted(versions, key=lambda v: v.version)],
    ]
    return resource


def consent(record: PlanConsent, patient_id: int, documents: ConsentDocuments) -> Resource:
    """A treatment consent (scope treatment) to one version of a plan; with the signed document
    as ``sourceAttachment`` when ``documents`` finds one."""
    resource = base("Consent", record.id)
    resource.update(
        status="active",
        scope={"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope",
                           "code": "treatment", "display": "Treatment"}]},
        category=[{"coding": [local(concept_code("consent", "treatment"), "Treatment consent")]}],
        patient=ref("Patient", patient_id), dateTime=moment(record.consented_at),
        performer=[ref("Patient", patient_id)], organization=[clinic_ref()],
        policyRule={"text": f"Consent to plan version {record.plan_version}"},
        provision={"type": "permit", "data": [{"meaning": "related",
                                               "reference": ref("CarePlan", record.plan_id)}]},
    )  # fmt: skip
    signed = documents(record.id)
    if signed is not None:
        resource["sourceAttachment"] = {
            "contentType": signed.content_type, "title": signed.title,
            "data": base64.b64encode(signed.data).decode("ascii"),
        }  # fmt: skip
    resource["extension"] = extensions(
        plan_version=record.plan_version, signed_name=record.consented_by, method=record.method,
        witnessed_by=staff_ref(record.witnessed_by),
    )  # fmt: skip
    return resource


_APPOINTMENT_STATUS = {"booked": "booked", "completed": "fulfilled", "cancelled": "cancelled",
                       "no_show": "noshow"}  # fmt: skip


def appointment(record: Appointment) -> Resource:
    resource = base("Appointment", record.id)
    accepted = "accepted"
    resource.update(
        status=_APPOINTMENT_STATUS[record.status],
        appointmentType={"coding": [local(concept_code("appointment", record.kind))]},
        start=moment(record.starts_at), end=moment(record.ends_at),
        created=moment(record.created_at),
        participant=[
            {"actor": ref("Patient", record.patient_id), "status": accepted},
            {"actor": staff_ref(record.practitioner_id), "status": accepted},
            {"actor": room_ref(record.room), "status": accepted},
            visit_participant(record),
        ],
    )  # fmt: skip
    if record.note:
        resource["comment"] = record.note
    if record.status_reason:
        resource["cancelationReason"] = {"text": record.status_reason}
    resource["extension"] = extensions(
        kind=record.kind, status=record.status, room=record.room,
        plan=ref("CarePlan", record.plan_id) if record.plan_id else None,
        created_by=staff_ref(record.created_by), status_changed_at=record.status_changed_at,
        status_changed_by=staff_ref(record.status_changed_by), status_reason=record.status_reason,
        revision=record.revision,
    )  # fmt: skip
    return resource
