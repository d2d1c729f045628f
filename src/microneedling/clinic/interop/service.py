"""Interoperability use cases: FHIR export (whole clinic, one patient, ``$everything``), FHIR
import into an empty clinic, CSV export and the CSV patient import.

Each is one unit of work with its permission check and its audit events; an import writes
every record in one transaction, so bad input leaves the clinic as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Service
from microneedling.clinic.errors import NotFound
from microneedling.clinic.interop.csv_tables import RowProblem, Table, read_patients, table_csv
from microneedling.clinic.interop.fhir_export import ExportScope, FhirExport, gather
from microneedling.clinic.interop.fhir_import import Importer
from microneedling.clinic.interop.fhir_source import read_source
from microneedling.clinic.interop.map_care import ConsentDocuments, SignedDocument
from microneedling.clinic.locations import places, profile_row
from microneedling.clinic.models import ConsentDocument, Patient, PlanConsent
from microneedling.clinic.past_only import not_after_now
from microneedling.clinic.roles import Permission
from microneedling.clinic.services.patients import new_patient


@dataclass(frozen=True)
class CsvImport:
    """A patient CSV checked: rows that could be written, every problem, and the ids of the
    patients registered (none on a dry run or when any row has a problem)."""

    rows_ok: int
    problems: list[RowProblem]
    written: list[int]


def signed_pdfs(session: Session) -> ConsentDocuments:
    """Finds the signed PDF of a treatment consent: the e-consent document signed for the same
    plan version (a typed consent has none)."""

    def find(consent_id: int) -> SignedDocument | None:
        record = session.get(PlanConsent, consent_id)
        if record is None:
            return None
        pdf = session.scalars(
            select(ConsentDocument.pdf)
            .where(
                ConsentDocument.plan_id == record.plan_id,
                ConsentDocument.plan_version == record.plan_version,
                ConsentDocument.pdf.is_not(None),
            )
            .order_by(ConsentDocument.signed_at.desc())
            .limit(1)
        ).first()
        return SignedDocument(pdf) if pdf else None

    return find


class InteropService(Service):
    """Exports and imports for one actor."""

    def export_fhir(
        self, scope: ExportScope, documents: ConsentDocuments | None = None
    ) -> FhirExport:
        """The records in ``scope`` as FHIR; audit events only for those who may read the trail.

        ``documents`` finds a treatment consent's signed document; by default the PDF the
        patient signed for that plan version (e-consent), when there is one."""
        with self.unit(Permission.EXPORT_RECORDS, Permission.READ_CLINICAL) as unit:
            if scope.patient_id is not None:
                patient = unit.session.get(Patient, scope.patient_id)
                if patient is None or patient.deleted_at is not None:
                    raise NotFound("patient_id", "patient", scope.patient_id)
            may_audit = self.actor.may(Permission.READ_AUDIT)
            settings = self.clinic.settings
            export = gather(
                unit.session, self.clinic.kb, clinic_name=profile_row(unit.session).name,
                rooms=[room for place in places(unit.session) for room in place.rooms],
                photo_dir=settings.photo_dir, zone=self.clinic.zone,
                scope=ExportScope(scope.patient_id, scope.since, scope.include_audit and may_audit),
                documents=documents or signed_pdfs(unit.session),
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

    def export_csv(self, table: Table) -> str:
        """One table as CSV; sessions and outcomes are clinical, the others front-desk data."""
        clinical = table in ("sessions", "outcomes")
        needs = (Permission.EXPORT_RECORDS, Permission.READ_CLINICAL if clinical
                 else Permission.READ_CONTACTS)  # fmt: skip
        # A report: the replica may serve it once it has replayed what the primary had.
        with self.reading(*needs, replica=True) as unit:
            text, patient_ids = table_csv(unit.session, table, self.clinic.zone)
            for patient_id in patient_ids:
                unit.audit.record("export", "csv", patient_id=patient_id, detail={"table": table})
            return text

    def import_patients_csv(self, text: str, *, confirm: bool) -> CsvImport:
        """Check every row of a patient CSV; with ``confirm`` and no problem, register them all
        in one transaction. Without ``confirm`` (a dry run) nothing is written."""
        self.require(Permission.IMPORT_RECORDS)

        def check_birth(born: date) -> None:
            not_after_now("date_of_birth", born, self.clinic)

        patients, problems = read_patients(text, check_birth)
        with self.unit(Permission.IMPORT_RECORDS, Permission.REGISTER_PATIENTS) as unit:
            known = {(p.given_name.lower(), p.family_name.lower(), p.date_of_birth): p.id
                     for p in unit.session.scalars(select(Patient).where(
                         Patient.deleted_at.is_(None)))}  # fmt: skip
            for number, patient in patients:
                key = (patient.given_name.lower(), patient.family_name.lower(),
                       patient.date_of_birth)  # fmt: skip
                if key in known:
                    reason = f"already registered as patient {known[key]}"
                    problems.append(RowProblem(number, "given_name", reason))
            problems.sort(key=lambda p: (p.row, p.column))
            if problems or not confirm:
                return CsvImport(len(patients), problems, written=[])
            written = []
            for _number, patient in patients:
                record = new_patient(patient, self.actor.staff_id, self.clinic.now())
                unit.session.add(record)
                unit.session.flush()
                unit.audit.record("create", "patient", record.id, patient_id=record.id,
                                  detail={"via": "csv import"})  # fmt: skip
                written.append(record.id)
            return CsvImport(len(patients), problems, written)

    def import_fhir(self, folder: Path) -> dict[str, int]:
        """Recreate the records of a FHIR export (``folder``) in this clinic, which must have no
        patients yet; all or nothing. Counts of what was created, by kind."""
        self.require(Permission.IMPORT_RECORDS)
        source = read_source(folder)  # every resource and reference checked before writing
        with self.unit(Permission.IMPORT_RECORDS) as unit:
            importer = Importer(unit.session, source, self.clinic.settings.photo_dir)
            counts = importer.run()
            for key, new_id in importer.ids.items():
                if key.startswith("Patient/"):
                    unit.audit.record("import", "patient", new_id, patient_id=new_id,
                                      detail={"from": key, "folder": folder.name})  # fmt: skip
            # Files last: if the commit fails, a photo file named by its checksum is harmless.
            importer.write_photos()
        return counts
