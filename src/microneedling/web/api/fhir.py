"""FHIR R4: a patient's whole record (``$everything``) and the capability statement."""

from __future__ import annotations

from importlib.metadata import version
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from microneedling.clinic.interop import InteropService
from microneedling.clinic.interop.capability import capability_statement
from microneedling.web.deps import ActorDep, ClinicDep, RecordId, service

router = APIRouter(prefix="/fhir", tags=["fhir"])
Interop = Annotated[InteropService, Depends(service(InteropService))]


class FhirJSON(JSONResponse):
    media_type = "application/fhir+json"


@router.get("/metadata", summary="The FHIR capability statement", response_class=FhirJSON)
def metadata(clinic: ClinicDep, _actor: ActorDep) -> dict[str, Any]:
    return capability_statement(clinic.now(), version("microneedling"))


@router.get(
    "/Patient/{patient_id}/$everything",
    summary="A patient's whole record as a FHIR Bundle (audited)",
    response_class=FhirJSON,
)
def everything(patient_id: RecordId, interop: Interop) -> dict[str, Any]:
    return interop.everything(patient_id).bundle("searchset")
