"""``/api/fhir``: a patient's whole record as a valid R4 Bundle over real HTTP, audited; the
capability statement."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fhir.resources.R4B import get_fhir_model_class
from sqlalchemy import select

from microneedling.clinic.interop.fhir_export import references
from microneedling.clinic.models import AuditEvent

if TYPE_CHECKING:
    from clinic_support import ApiWorld


def test_everything_is_a_valid_bundle_that_resolves_and_is_audited(api_world: ApiWorld) -> None:
    patient = api_world.ids["patient"]
    response = api_world.client.get(f"/api/fhir/Patient/{patient}/$everything",
                                    headers=api_world.headers["practitioner"])  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    bundle = response.json()
    get_fhir_model_class("Bundle").model_validate(bundle)
    assert bundle["type"] == "searchset"
    resources = [e["resource"] for e in bundle["entry"]]
    keys = {f"{r['resourceType']}/{r['id']}" for r in resources}
    assert [t for r in resources for _p, t in references(r) if t not in keys] == []
    kinds = {r["resourceType"] for r in resources}
    assert {"Patient", "CarePlan", "Consent", "Procedure", "Observation", "Media"} <= kinds
    assert "AuditEvent" not in kinds  # a practitioner does not read the audit trail
    assert [r["id"] for r in resources if r["resourceType"] == "Patient"] == [f"patient-{patient}"]
    with api_world.clinic.db.transaction() as session:
        exported = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "export", AuditEvent.patient_id == patient,
            AuditEvent.username == api_world.team.practitioner.username)).all()  # fmt: skip
    assert exported


def test_admins_everything_carries_the_patients_audit_trail(api_world: ApiWorld) -> None:
    patient = api_world.ids["patient"]
    response = api_world.client.get(f"/api/fhir/Patient/{patient}/$everything",
                                    headers=api_world.headers["admin"])  # fmt: skip
    events = [e["resource"] for e in response.json()["entry"]
              if e["resource"]["resourceType"] == "AuditEvent"]  # fmt: skip
    assert events
    for event in events:
        get_fhir_model_class("AuditEvent").model_validate(event)


def test_everything_of_no_patient_is_a_404_problem(api_world: ApiWorld) -> None:
    response = api_world.client.get("/api/fhir/Patient/999999/$everything",
                                    headers=api_world.headers["admin"])  # fmt: skip
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "patient" in response.json()["detail"]


def test_capability_statement_is_valid(api_world: ApiWorld) -> None:
    response = api_world.client.get("/api/fhir/metadata", headers=api_world.headers["front_desk"])
    assert response.status_code == 200
    statement = response.json()
    get_fhir_model_class("CapabilityStatement").model_validate(statement)
    (rest,) = statement["rest"]
    patient = next(r for r in rest["resource"] if r["type"] == "Patient")
    assert patient["operation"][0]["name"] == "everything"
