"""The FHIR CapabilityStatement of the clinic's API: what ``/api/fhir`` serves."""

from __future__ import annotations

from datetime import datetime

from microneedling.clinic.interop.fhir_export import ORDER
from microneedling.clinic.interop.resources import Resource, moment


def capability_statement(published: datetime, version: str) -> Resource:
    """An instance CapabilityStatement: FHIR 4.0.1 JSON, read-only, ``Patient/$everything``."""
    return {
        "resourceType": "CapabilityStatement", "id": "microneedling", "status": "active",
        "date": moment(published), "kind": "instance", "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "software": {"name": "microneedling", "version": version},
        "implementation": {"description": "Microneedling clinic records (read-only FHIR R4)"},
        "rest": [{
            "mode": "server",
            "documentation": "Sign in first (POST /api/auth/token) and send the bearer token. "
            "Admins, practitioners and medical directors may read; every read is audited.",
            "security": {"service": [{"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                "code": "OAuth", "display": "OAuth"}], "text": "bearer token"}]},
            "resource": [
                {"type": "Patient", "operation": [{
                    "name": "everything",
                    "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything"}]},
                *[{"type": kind} for kind in ORDER if kind != "Patient"],
            ],
        }],
    }  # fmt: skip
