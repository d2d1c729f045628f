"""Interoperability use cases: FHIR export (whole clinic, one patient, ``$everything``), FHIR
import into an empty clinic, CSV export and the CSV patient import.

Each is one unit of work with its permission check and its audit events; an import writes
every record in one transaction, so bad input leaves the clinic as it was.
"""

from __future__ import annotations

from sqlalchemy import select

from microneedling.clinic.clinic import Service
from microneedling.clinic.errors import NotFound
from microneedling.clinic.interop.fhir_export import ExportScope, FhirExport, gather
from microneedling.clinic.interop.map_care import ConsentDocuments, no_documents
from microneedling.clinic.interop.map_people import CLINIC_NAME
from microneedling.clinic.models import Patient
from microneedling.clinic.roles import Permission


class InteropService(Service):
    """Exports and imports for one actor."""

    def export_fhir(
        self, scope: ExportScope, documents: ConsentDocuments = no_documents
    ) -> FhirExport:
        """The records in ``scope`` as FHIR; audit events only for those who may read the trail.

        ``documents`` finds a treatment consent's signed document (none are stored yet)."""
        with self.unit(Permission.EXPORT_RECORDS, Permission.READ_CLINICAL) as unit:
            if scope.patient_id is not None:
                patient = unit.session.get(Patient, scope.patient_id)
                if patient is None or patient.deleted_at is not None:
                    raise NotFound("patient_id", "patient", scope.patient_id)
            may_audit = self.actor.may(Permission.READ_AUDIT)
            settings = self.clinic.settings
            export = gather(
                unit.session, self.clinic.kb, clinic_name=CLINIC_NAME,
                rooms=list(settings.rooms), photo_dir=settings.photo_dir, zone=self.clinic.zone,
                scope=ExportScope(scope.patient_id, scope.since, scope.include_audit and may_audit),
                documents=documents,
            )  # fmt: skip
            # Each patient's trail shows that the whole record left the clinic, and to whom.
            for patient_id in export.patient_ids:
                unit.audit.record(
                    "export", "fhir", patient_id=patient_id,
                    detail={"resources": len(export.resources),
                            "since": scope.since.isoformat() if scope.since else None},
                )  # fmt: skip
            return export

    def everything(self, patient_id: int) -> FhirExport:
        """``Patient/{id}/$everything``: the patient's whole record."""
        return self.export_fhir(ExportScope(patient_id=patient_id))

    def patient_exists(self, patient_id: int) -> bool:
        with self.clinic.db.transaction() as session:
            return session.scalar(select(Patient.id).where(Patient.id == patient_id)) is not None
