"""Patient links, pre-visit intake drafts and e-consent, through the clinic's services.

Real database (both backends), real PDF rendering (WeasyPrint), real PNG signatures.
"""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from sqlalchemy import select

from microneedling.clinic import Clinic
from microneedling.clinic.errors import PermissionDenied
from microneedling.clinic.interop.fhir_export import ExportScope
from microneedling.clinic.interop.service import InteropService
from microneedling.clinic.models import AuditEvent
from microneedling.clinic.schemas.appointments import AppointmentIn
from microneedling.clinic.schemas.intakes import IntakeIn
from microneedling.clinic.schemas.patients import PatientIn
from microneedling.clinic.schemas.plans import PlanEdit, PlanIn
from microneedling.clinic.schemas.pre_treatment_check import PreTreatmentCheck
from microneedling.clinic.schemas.treatments import SessionStart
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.devices import DeviceIn, DeviceService, LotIn
from microneedling.clinic.services.econsent import (
    ConsentDocumentService,
    PatientConsent,
    SignatureIn,
    WithdrawalIn,
)
from microneedling.clinic.services.intake_drafts import IntakeDraftService, PatientIntake
from microneedling.clinic.services.intakes import IntakeService
from microneedling.clinic.services.patient_links import (
    LinkIn,
    LinkUnusable,
    PatientLinks,
    PatientLinkService,
    TooManyLinkRequests,
)
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.plans import PlanService
from microneedling.clinic.services.treatments import TreatmentService
from microneedling.errors import InvalidInput, RequestRefused
from microneedling.planning import RequestedCourse
from microneedling.reports import consent_pdf
from microneedling.screening import Intake

if TYPE_CHECKING:
    from clinic_support import Clock, Team

BASE = "https://clinic.test"
NO = PreTreatmentCheck(new_medication=False, pregnant=False, cold_sore=False, breakout=False)


def signature_png(strokes: int = 3) -> bytes:
    """A drawn signature: dark strokes on a transparent box."""
    image = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    for i in range(strokes):
        pen.line([(20, 90 - 10 * i), (140, 30 + 5 * i), (280, 80 - 10 * i)], fill="black", width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def assert_signature_in(pdf: bytes, png: bytes) -> None:
    """The PDF holds exactly one image, pixel for pixel the drawn signature."""
    images = {im.name: im.image for p in PdfReader(io.BytesIO(pdf)).pages for im in p.images}
    assert len(images) == 1  # WeasyPrint lists a shared image on every page
    (drawn,) = images.values()
    expected = Image.open(io.BytesIO(png)).convert("RGBA")
    assert np.array_equal(np.asarray(drawn.convert("RGBA")), np.asarray(expected))


def blank_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (300, 120), (0, 0, 0, 0)).save(out, format="PNG")
    return out.getvalue()


@dataclass
class World:
    patient_id: int
    other_id: int
    plan_id: int | None = None
    device_id: int = 0
    lot_id: int = 0


def _patients(clinic: Clinic, team: Team) -> World:
    desk = PatientService(clinic, team.front_desk)
    one = desk.register(
        PatientIn.model_validate({"given_name": "Lina", "family_name": "Link",
                                  "date_of_birth": "1984-05-01", "sex": "female"})
    )  # fmt: skip
    other = desk.register(
        PatientIn.model_validate({"given_name": "Otto", "family_name": "Other",
                                  "date_of_birth": "1970-01-01", "sex": "male"})
    )  # fmt: skip
    return World(one.id, other.id)


def _token(url: str) -> str:
    return url.rsplit("/", 1)[-1]


def _planned(clinic: Clinic, team: Team, intake: dict[str, Any], course: Any) -> World:
    world = _patients(clinic, team)
    IntakeService(clinic, team.practitioner).record(
        world.patient_id, IntakeIn(answers=Intake.model_validate(intake))
    )
    plan = PlanService(clinic, team.practitioner).create(
        world.patient_id,
        PlanIn(course=RequestedCourse.model_validate(course("2027-03-01"))),
    )
    admin = DeviceService(clinic, team.admin)
    device = admin.register_device(
        DeviceIn(device_type="generic_pen_12", serial_number="PEN-L1", label="Pen")
    )
    lot = admin.register_lot(
        LotIn.model_validate({"lot_number": "L-1", "device_type": "generic_pen_12",
                              "cartridge_id": "12", "needle_count": 12, "needle_length_mm": 2.5,
                              "expires_on": "2028-01-01"})
    )  # fmt: skip
    world.plan_id, world.device_id, world.lot_id = plan.id, device.id, lot.id
    return world


def test_an_intake_link_gives_a_draft_that_a_practitioner_accepts_and_screens(
    clinic: Clinic, team: Team, intake_answers: dict[str, Any]
) -> None:
    world = _patients(clinic, team)
    issued = PatientLinkService(clinic, team.front_desk).issue(
        world.patient_id, LinkIn(scope="intake"), BASE
    )
    token = _token(issued.url)
    assert len(token) >= 43  # 32 random bytes, base64url
    assert issued.qr_svg.startswith("<svg")
    actor = PatientLinks(clinic).open(token, frozenset({"intake"}), "10.0.0.9")
    assert actor.patient_id == world.patient_id
    # The patient cannot record an examination or classify an allergy: both are dropped.
    typed = {
        **intake_answers,
        "skin_findings": [{"site": "cheeks", "finding": "naevus"}],
        "other_allergies": [{"description": "plasters", "classified_as": "unrelated"}],
    }
    draft = PatientIntake(clinic, actor).submit(Intake.model_validate(typed))
    assert draft.answers.skin_findings is None
    assert draft.answers.other_allergies is not None
    assert draft.answers.other_allergies[0].classified_as is None
    # Spent: the same link opens nothing now.
    with pytest.raises(LinkUnusable):
        PatientLinks(clinic).open(token, frozenset({"intake"}), "10.0.0.9")
    # Nothing entered the record yet.
    with pytest.raises(InvalidInput):
        IntakeService(clinic, team.practitioner).current(world.patient_id)
    drafts = IntakeDraftService(clinic, team.practitioner)
    with pytest.raises(PermissionDenied):
        IntakeDraftService(clinic, team.front_desk).get(draft.id)
    completed = draft.answers.model_copy(update={"skin_findings": [], "other_allergies": []})
    screened = drafts.accept(draft.id, IntakeIn(answers=completed))
    assert screened.screening.result.decision in ("eligible", "eligible_with_precautions")
    assert drafts.get(draft.id).status == "accepted"
    with pytest.raises(RequestRefused, match="already accepted"):
        drafts.accept(draft.id, IntakeIn(answers=completed))
    with clinic.db.transaction() as session:
        events = session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "intake_draft", AuditEvent.action == "create"
            )
        ).all()
    assert [(e.staff_id, e.username) for e in events] == [(None, f"patient:{world.patient_id}")]
    assert events[0].detail is not None
    assert events[0].detail["actor_kind"] == "patient"


def test_a_draft_is_checked_by_the_clinics_own_intake_rules(
    clinic: Clinic, team: Team, intake_answers: dict[str, Any]
) -> None:
    world = _patients(clinic, team)
    issued = PatientLinkService(clinic, team.front_desk).issue(
        world.patient_id, LinkIn(scope="intake"), BASE
    )
    actor = PatientLinks(clinic).open(_token(issued.url), frozenset({"intake"}), None)
    with pytest.raises(InvalidInput) as caught:
        PatientIntake(clinic, actor).submit(
            Intake.model_validate({**intake_answers, "sex": "male"})
        )
    assert caught.value.field == "sex"
    with pytest.raises(InvalidInput) as caught:
        PatientIntake(clinic, actor).submit(
            Intake.model_validate({**intake_answers, "areas": ["elbow"]})
        )
    assert "elbow" in caught.value.problem


def test_expired_revoked_and_other_scope_links_open_nothing_alike(
    clinic: Clinic, team: Team, clock: Clock
) -> None:
    world = _patients(clinic, team)
    links = PatientLinkService(clinic, team.front_desk)
    expiring = _token(links.issue(world.patient_id, LinkIn(scope="patient_page"), BASE).url)
    revoked = links.issue(world.patient_id, LinkIn(scope="patient_page"), BASE)
    links.revoke(revoked.link.id)
    opener = PatientLinks(clinic)
    page = frozenset({"patient_page"})
    assert opener.open(expiring, page, None).patient_id == world.patient_id
    with pytest.raises(LinkUnusable):
        opener.open(expiring, frozenset({"intake"}), None)
    with pytest.raises(LinkUnusable):
        opener.open(_token(revoked.url), page, None)
    with pytest.raises(LinkUnusable):
        opener.open("not-a-token", page, None)
    clock.advance(hours=clinic.settings.patient_link_valid_hours, seconds=1)
    with pytest.raises(LinkUnusable):
        opener.open(expiring, page, None)
    assert [x.usable for x in links.for_patient(world.patient_id)] == [False, False]


def test_an_address_guessing_links_is_refused_after_the_limit(clinic: Clinic, team: Team) -> None:
    world = _patients(clinic, team)
    good = _token(
        PatientLinkService(clinic, team.front_desk)
        .issue(world.patient_id, LinkIn(scope="patient_page"), BASE)
        .url
    )
    opener = PatientLinks(clinic)
    page = frozenset({"patient_page"})
    for i in range(clinic.settings.patient_link_max_failures):
        with pytest.raises(LinkUnusable):
            opener.open(f"guess-{i}", page, "10.9.9.9")
    with pytest.raises(TooManyLinkRequests):
        opener.open(good, page, "10.9.9.9")
    # Another address is not held back by the guesser.
    assert opener.open(good, page, "10.0.0.1").patient_id == world.patient_id


def test_drawn_consent_is_signed_hashed_and_needed_again_for_a_new_version(
    clinic: Clinic, team: Team, clock: Clock, intake_answers: dict[str, Any], course: Any
) -> None:
    world = _planned(clinic, team, intake_answers, course)
    assert world.plan_id is not None
    documents = ConsentDocumentService(clinic, team.practitioner)
    doc = documents.prepare(world.plan_id)
    assert any("5–95 %" in line for line in doc.content.expected)
    assert "not a promise" in doc.content.model_statement
    issued = PatientLinkService(clinic, team.practitioner).issue(
        world.patient_id, LinkIn(scope="consent", consent_document_id=doc.id), BASE
    )
    actor = PatientLinks(clinic).open(_token(issued.url), frozenset({"consent"}), None)
    signing = PatientConsent(clinic, actor)
    with pytest.raises(InvalidInput, match="empty"):
        signing.sign(
            SignatureIn(signer_name="Lina Link", photo_consent=False, signature_png=blank_png()),
            consent_pdf,
        )
    signed = signing.sign(
        SignatureIn(signer_name="Lina Link", photo_consent=True, signature_png=signature_png()),
        consent_pdf,
    )
    assert signed.status == "signed"
    assert signed.witness_name is None
    pdf = documents.pdf(doc.id)
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == signed.pdf_sha256
    assert documents.verify(doc.id).matches
    page = PdfReader(io.BytesIO(pdf))
    text = "".join(p.extract_text() for p in page.pages)
    assert "Lina Link" in text
    assert "none (signed on the patient" in text
    assert_signature_in(pdf, signature_png())
    plan = PlanService(clinic, team.practitioner).get(world.plan_id)
    assert plan.status == "consented"
    assert plan.consents[-1].method == "drawn_signature"
    assert plan.consents[-1].witnessed_by is None
    # The FHIR export carries the signed PDF on the Consent, byte for byte.
    export = InteropService(clinic, team.practitioner).export_fhir(
        ExportScope(patient_id=world.patient_id)
    )
    consents = [r for r in export.resources if r["resourceType"] == "Consent"]
    assert base64.b64decode(consents[-1]["sourceAttachment"]["data"]) == pdf

    appointment = AppointmentService(clinic, team.front_desk).book(
        AppointmentIn.model_validate({
            "patient_id": world.patient_id, "practitioner_id": team.practitioner.staff_id,
            "room": "room-1", "kind": "session", "plan_id": world.plan_id,
            "starts_at": "2027-03-01T10:00", "duration_minutes": 60})
    )  # fmt: skip
    PlanService(clinic, team.practitioner).edit(
        world.plan_id,
        PlanEdit.model_validate(
            {"changes": [{"change": "passes", "site": "cheeks", "value": 2, "reason": "tender"}]}
        ),
    )
    clock.advance(hours=2)
    start = SessionStart(
        appointment_id=appointment.id, device_id=world.device_id, lot_id=world.lot_id, check=NO
    )
    with pytest.raises(RequestRefused, match=f"consent document {doc.id} was signed for plan "
                       "version 1; version 2 needs a new signed consent") as caught:  # fmt: skip
        TreatmentService(clinic, team.practitioner).start(start)
    assert caught.value.field == "appointment_id"

    # Signed again on the clinic's tablet, witnessed: the session may start.
    again = documents.prepare(world.plan_id)
    witnessed = documents.sign_witnessed(
        again.id,
        SignatureIn(signer_name="Lina Link", photo_consent=False, signature_png=signature_png(2)),
        consent_pdf,
    )
    assert witnessed.witness_name == "Petra Practitioner"
    assert TreatmentService(clinic, team.practitioner).start(start).status == "in_progress"


def test_a_withdrawn_consent_stops_bookings_and_is_the_patients_own(
    clinic: Clinic, team: Team, intake_answers: dict[str, Any], course: Any
) -> None:
    world = _planned(clinic, team, intake_answers, course)
    assert world.plan_id is not None
    documents = ConsentDocumentService(clinic, team.practitioner)
    doc = documents.prepare(world.plan_id)
    documents.sign_witnessed(
        doc.id,
        SignatureIn(signer_name="Lina Link", photo_consent=False, signature_png=signature_png()),
        consent_pdf,
    )
    links = PatientLinkService(clinic, team.front_desk)
    other = links.issue(world.other_id, LinkIn(scope="patient_page"), BASE)
    stranger = PatientLinks(clinic).open(_token(other.url), frozenset({"patient_page"}), None)
    with pytest.raises(InvalidInput):
        PatientConsent(clinic, stranger).pdf(doc.id)
    with pytest.raises(InvalidInput):
        PatientConsent(clinic, stranger).withdraw(doc.id, WithdrawalIn())
    own = links.issue(world.patient_id, LinkIn(scope="patient_page"), BASE)
    patient = PatientLinks(clinic).open(_token(own.url), frozenset({"patient_page"}), None)
    withdrawn = PatientConsent(clinic, patient).withdraw(
        doc.id, WithdrawalIn(reason="changed my mind")
    )
    assert withdrawn.status == "withdrawn"
    with pytest.raises(RequestRefused, match=f"withdrew consent document {doc.id}") as caught:
        AppointmentService(clinic, team.front_desk).book(
            AppointmentIn.model_validate({
                "patient_id": world.patient_id, "practitioner_id": team.practitioner.staff_id,
                "room": "room-1", "kind": "session", "plan_id": world.plan_id,
                "starts_at": "2027-03-01T10:00", "duration_minutes": 60})
        )  # fmt: skip
    assert caught.value.field == "plan_id"


def test_links_expire_after_the_configured_hours(clinic: Clinic, team: Team) -> None:
    world = _patients(clinic, team)
    issued = PatientLinkService(clinic, team.front_desk).issue(
        world.patient_id, LinkIn(scope="intake"), BASE
    )
    hours = clinic.settings.patient_link_valid_hours
    assert issued.link.expires_at - issued.link.created_at == timedelta(hours=hours)
