"""The clinic the page walk visits: the demo clinic (patients at every stage of a course) plus
what the demo does not make (patient links of every kind, an intake sent by a patient, a consent
document waiting for its signature), all through the clinic's own services.

The ids and link tokens the walk needs are written to ``walk.json`` in the data directory, so
the browser test visits real records without guessing ids.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from PIL import Image, ImageDraw
from sqlalchemy import func, select

from microneedling.clinic import Clinic
from microneedling.clinic.actor import Actor
from microneedling.clinic.demo import seed_demo
from microneedling.clinic.models.appointments import Appointment
from microneedling.clinic.models.devices import CartridgeLot
from microneedling.clinic.models.outcomes import Photo
from microneedling.clinic.models.patients import Patient
from microneedling.clinic.models.plans import PlanRecord
from microneedling.clinic.models.sessions import TreatmentSession
from microneedling.clinic.models.staff import StaffMember
from microneedling.clinic.roles import Role
from microneedling.clinic.services.econsent import ConsentDocumentService, SignatureIn
from microneedling.clinic.services.intake_drafts import PatientIntake
from microneedling.clinic.services.patient_links import LinkIn, PatientLinks, PatientLinkService
from microneedling.reports import consent_pdf
from microneedling.screening import Intake

WALK_FILE = "walk.json"
ANSWERS = {
    "pregnant": False, "breastfeeding": False, "fitzpatrick_type": 3, "areas": ["cheeks"],
    "conditions": [], "medications": [], "procedures": [], "allergies": [], "skin_findings": [],
}  # fmt: skip


def _signature() -> bytes:
    """A drawn signature: a dark zig-zag on a transparent box, as the tablet's canvas sends."""
    image = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(10 + 20 * i, 30 + 40 * (i % 2)) for i in range(14)],
                               fill=(20, 20, 60, 255), width=4)  # fmt: skip
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _token(url: str) -> str:
    return url.rsplit("/", 1)[-1]


def seed_walk(clinic: Clinic, data_dir: Path, base_url: str) -> None:
    """Seed the demo clinic and the patient-facing records; write ``walk.json``."""
    seed_demo(clinic)
    with clinic.db.transaction() as session:

        def patient(family: str) -> int:
            found = session.scalar(select(Patient.id).where(Patient.family_name == family))
            assert found is not None
            return found

        director = session.scalar(select(StaffMember.id).where(StaffMember.username == "dr.osei"))
        done, mid, planned = patient("Marsh"), patient("Okafor"), patient("Lindqvist")
        new, screened = patient("Weber"), patient("Nair")
        ids = {
            "patient": done,
            "mid_patient": mid,
            "plan": session.scalar(
                select(func.min(PlanRecord.id)).where(PlanRecord.patient_id == done)
            ),
            "mid_plan": session.scalar(
                select(func.min(PlanRecord.id)).where(PlanRecord.patient_id == mid)
            ),
            "planned_plan": session.scalar(
                select(func.min(PlanRecord.id)).where(PlanRecord.patient_id == planned)
            ),
            "session": session.scalar(
                select(func.min(TreatmentSession.id)).where(TreatmentSession.patient_id == done)
            ),
            "appointment": session.scalar(
                select(func.min(Appointment.id)).where(
                    Appointment.patient_id == mid, Appointment.status == "booked"
                )
            ),
            "photo": session.scalar(select(func.min(Photo.id))),
            "recalled_lot": session.scalar(
                select(CartridgeLot.id).where(CartridgeLot.recalled_at.is_not(None))
            ),
        }
        booked = session.get(Appointment, ids["appointment"])
        assert booked is not None
        day = clinic.local(booked.starts_at).date().isoformat()
    assert director is not None
    assert None not in ids.values(), ids
    staff = Actor(director, "dr.osei", Role.MEDICAL_DIRECTOR, "walk")
    document = ConsentDocumentService(clinic, staff).prepare(ids["planned_plan"])
    links = PatientLinkService(clinic, staff)
    signed = ConsentDocumentService(clinic, staff).prepare(ids["mid_plan"])
    ConsentDocumentService(clinic, staff).sign_witnessed(
        signed.id,
        SignatureIn(signer_name="Tom Okafor", photo_consent=True, signature_png=_signature()),
        consent_pdf,
    )

    def issue(patient_id: int, scope: str, document_id: int | None = None) -> str:
        data = LinkIn.model_validate({"scope": scope, "consent_document_id": document_id})
        return _token(links.issue(patient_id, data, base_url).url)

    sent = issue(screened, "intake")
    actor = PatientLinks(clinic).open(sent, frozenset({"intake"}), "127.0.0.1")
    draft = PatientIntake(clinic, actor).submit(Intake.model_validate(ANSWERS))
    walk = {
        **ids,
        "appointment_day": day,
        "consent_document": document.id,
        "signed_consent_document": signed.id,
        "intake_draft": draft.id,
        "tokens": {
            "intake": issue(new, "intake"),
            "consent": issue(planned, "consent", document.id),
            "patient_page": issue(mid, "patient_page"),
        },
    }
    (data_dir / WALK_FILE).write_text(json.dumps(walk), encoding="utf-8")
