"""Interoperability: the clinic's records as FHIR R4 and CSV, out and back in."""

from microneedling.clinic.interop.fhir_export import ExportScope, FhirExport
from microneedling.clinic.interop.map_care import ConsentDocuments, SignedDocument
from microneedling.clinic.interop.service import InteropService

__all__ = ["ConsentDocuments", "ExportScope", "FhirExport", "InteropService", "SignedDocument"]
