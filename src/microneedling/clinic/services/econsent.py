"""E-consent: a consent document per plan version, signed by drawing, kept as a PDF and its hash.

The document is written from the plan's current version (:func:`consent_content`): the
procedure, areas, needle depths [mm] and passes, the number of sessions and their interval, the
expected course as the skin-response model gives it (every figure with its 5-95 % band and the
model's own statement that it is a model), the risks (the model's figures; the knowledge base's
warning signs with their sources, saying where no source gives a frequency), alternatives,
aftercare, photo consent as a choice of its own, and the right to withdraw.

Signing (:meth:`ConsentSigning.sign`) takes the drawn signature (PNG), the signer's name and the
photo choice; it is refused like any consent (:func:`~microneedling.clinic.services.plans.
record_consent`), then the PDF is rendered by the interface's renderer (the clinic layer draws
no pages), stored with its SHA-256, and the plan is consented. A new plan version needs a new
signature before its next session (:func:`refuse_unsigned_consent`); a withdrawal stops
bookings and sessions (:func:`refuse_withdrawn_consent`).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from datetime import datetime
from typing import Literal

import numpy as np
from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Clinic, Service, Unit
from microneedling.clinic.errors import NotFound
from microneedling.clinic.locations import clinic_contact
from microneedling.clinic.models import ConsentDocument, Patient, StaffMember
from microneedling.clinic.roles import Permission
from microneedling.clinic.schemas.consent import ConsentContent
from microneedling.clinic.schemas.plans import DrawnConsent
from microneedling.clinic.services.consent_text import consent_content
from microneedling.clinic.services.lookups import current_treatment_plan, get_plan, live_patient
from microneedling.clinic.services.patient_links import LinkUnusable, PatientSide
from microneedling.clinic.services.plan_consent import record_consent
from microneedling.clinic.text import LongText, PersonName
from microneedling.errors import InvalidInput, RequestRefused

ConsentStatus = Literal["awaiting_signature", "signed", "withdrawn"]
SignedVia = Literal["patient_link", "clinic_tablet"]
#: The largest signature image accepted [bytes] and [pixels a side].
SIGNATURE_MAX_BYTES = 400_000
SIGNATURE_MAX_SIDE = 2000
#: Drawn (not blank) pixels a signature needs, so an empty box is not a signature.
SIGNATURE_MIN_INK = 40


class SignatureIn(BaseModel):
    # In JSON the PNG travels as base64.
    model_config = ConfigDict(extra="forbid", val_json_bytes="base64", ser_json_bytes="base64")

    signer_name: PersonName = Field(description="the patient's name, as they sign")
    photo_consent: bool = Field(description="photos may be taken and kept (a separate choice)")
    signature_png: bytes = Field(
        description="the drawn signature, a PNG image",
        json_schema_extra={"contentMediaType": "image/png"},
    )


class WithdrawalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: LongText | None = Field(default=None, description="in the patient's words, if given")


class ConsentDocumentOut(BaseModel):
    id: int
    patient_id: int
    plan_id: int
    plan_version: int
    status: ConsentStatus
    prepared_at: datetime
    signer_name: str | None
    signed_at: datetime | None
    signed_via: SignedVia | None
    witness_name: str | None
    photo_consent: bool | None
    pdf_sha256: str | None
    withdrawn_at: datetime | None
    content: ConsentContent


class SignedConsent(BaseModel):
    """What a renderer draws into the signed PDF."""

    document_id: int
    content: ConsentContent
    signer_name: str
    signed_at_local: datetime = Field(description="the moment of signing, in the clinic's zone")
    zone: str
    signed_via: SignedVia
    witness_name: str | None
    photo_consent: bool
    signature_png: bytes


class Verification(BaseModel):
    document_id: int
    recorded_sha256: str
    computed_sha256: str
    matches: bool


#: Draws a signed consent as PDF bytes (the interface's renderer, e.g. reports').
ConsentRenderer = Callable[[SignedConsent], bytes]


def check_signature(png: bytes) -> None:
    """Refuse (naming ``signature``) what is not a drawn signature: not a PNG, too large, or
    an empty box."""
    if len(png) > SIGNATURE_MAX_BYTES:
        raise InvalidInput("signature", f"the image is larger than {SIGNATURE_MAX_BYTES} bytes")
    try:
        image = Image.open(io.BytesIO(png))
        if image.format != "PNG":
            raise InvalidInput("signature", "the signature must be a PNG image")
        if max(image.size) > SIGNATURE_MAX_SIDE:
            raise InvalidInput("signature", f"the image is over {SIGNATURE_MAX_SIDE} px a side")
        alpha = image.convert("RGBA")
    except (UnidentifiedImageError, OSError):
        raise InvalidInput("signature", "the signature is not a readable PNG image") from None
    # Ink: a pixel that is drawn (opaque) and not white.
    pixels = np.asarray(alpha, dtype=np.int32)
    opaque = pixels[..., 3] > 128
    dark = pixels[..., :3].sum(axis=-1) < 600
    ink = int(np.count_nonzero(opaque & dark))
    if ink < SIGNATURE_MIN_INK:
        raise InvalidInput("signature", "please sign in the box (it is empty)")


def _staff_name(session: Session, staff_id: int | None) -> str | None:
    if staff_id is None:
        return None
    member = session.get(StaffMember, staff_id)
    return member.full_name if member else None


def document_out(session: Session, doc: ConsentDocument) -> ConsentDocumentOut:
    return ConsentDocumentOut(
        id=doc.id,
        patient_id=doc.patient_id,
        plan_id=doc.plan_id,
        plan_version=doc.plan_version,
        status=doc.status,
        prepared_at=doc.prepared_at,
        signer_name=doc.signer_name,
        signed_at=doc.signed_at,
        signed_via=doc.signed_via,
        witness_name=_staff_name(session, doc.witness_id),
        photo_consent=doc.photo_consent,
        pdf_sha256=doc.pdf_sha256,
        withdrawn_at=doc.withdrawn_at,
        content=doc.content,
    )


def _sign(
    u: Unit, clinic: Clinic, doc: ConsentDocument, data: SignatureIn, via: SignedVia,
    witness_id: int | None, render: ConsentRenderer,
) -> None:  # fmt: skip
    """Sign ``doc`` inside ``u``: the consent rules, the PDF and its hash, the plan consented."""
    if doc.status != "awaiting_signature":
        raise RequestRefused("document_id", f"the consent document is {doc.status}")
    check_signature(data.signature_png)
    record = get_plan(u.session, doc.plan_id)
    if record.current_version != doc.plan_version:
        raise RequestRefused(
            "document_id",
            f"the plan has changed since this document was prepared (now version "
            f"{record.current_version}); prepare a new consent document",
        )
    consent = DrawnConsent(version=doc.plan_version, consented_by=data.signer_name)
    record_consent(u, clinic, record, consent, witness_id)
    now = clinic.now()
    signed = SignedConsent(
        document_id=doc.id,
        content=doc.content,
        signer_name=data.signer_name,
        signed_at_local=clinic.local(now),
        zone=clinic.settings.timezone,
        signed_via=via,
        witness_name=_staff_name(u.session, witness_id),
        photo_consent=data.photo_consent,
        signature_png=data.signature_png,
    )
    pdf = render(signed)
    doc.status, doc.signer_name, doc.signed_at, doc.signed_via = (
        "signed",
        data.signer_name,
        now,
        via,
    )
    doc.witness_id, doc.photo_consent = witness_id, data.photo_consent
    doc.signature_png, doc.pdf = data.signature_png, pdf
    doc.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    u.session.flush()
    u.audit.record(
        "sign", "consent_document", doc.id, patient_id=doc.patient_id,
        detail={"plan_id": doc.plan_id, "plan_version": doc.plan_version, "via": via,
                "photo_consent": data.photo_consent, "pdf_sha256": doc.pdf_sha256},
    )  # fmt: skip


def _withdraw(u: Unit, clinic: Clinic, doc: ConsentDocument, data: WithdrawalIn, via: str) -> None:
    if doc.status != "signed":
        raise RequestRefused("document_id", f"the consent document is {doc.status}")
    doc.status, doc.withdrawn_at, doc.withdrawn_via = "withdrawn", clinic.now(), via
    doc.withdrawal_reason = data.reason
    u.audit.record("withdraw", "consent_document", doc.id, patient_id=doc.patient_id,
                   detail={"via": via})  # fmt: skip


def _document(session: Session, document_id: int, patient_id: int | None = None) -> ConsentDocument:
    doc = session.get(ConsentDocument, document_id)
    if doc is None or (patient_id is not None and doc.patient_id != patient_id):
        raise NotFound("document_id", "consent document", document_id)
    live_patient(session, doc.patient_id)
    return doc


class ConsentDocumentService(Service):
    """Staff: prepare a plan version's document, sign it witnessed on the clinic's tablet,
    record a withdrawal, list, download and verify."""

    def prepare(self, plan_id: int) -> ConsentDocumentOut:
        """A new document for the plan's current version (the model's figures computed now)."""
        with self.unit(Permission.WRITE_CLINICAL) as u:
            record = get_plan(u.session, plan_id)
            if record.status == "cancelled":
                raise RequestRefused("plan_id", "the plan is cancelled")
            patient = u.session.get(Patient, record.patient_id)
            assert patient is not None  # get_plan checked the patient is live
            content = consent_content(
                current_treatment_plan(u.session, record), record.id, record.current_version,
                f"{patient.given_name} {patient.family_name}",
                clinic_contact(u.session, patient_id=patient.id).clinic_name,
                self.clinic.kb, self.clinic.today(),
            )  # fmt: skip
            doc = ConsentDocument(
                patient_id=record.patient_id,
                plan_id=record.id,
                plan_version=record.current_version,
                content=content,
                prepared_by=self.actor.staff_id,
            )
            u.session.add(doc)
            u.session.flush()
            u.audit.record(
                "create", "consent_document", doc.id, patient_id=doc.patient_id,
                detail={"plan_id": plan_id, "plan_version": doc.plan_version},
            )  # fmt: skip
            return document_out(u.session, doc)

    def sign_witnessed(
        self, document_id: int, data: SignatureIn, render: ConsentRenderer
    ) -> ConsentDocumentOut:
        """The patient signs on the clinic's tablet; the signed-in staff member witnesses."""
        with self.unit(Permission.WRITE_CLINICAL) as u:
            doc = _document(u.session, document_id)
            _sign(u, self.clinic, doc, data, "clinic_tablet", self.actor.staff_id, render)
            return document_out(u.session, doc)

    def withdraw(self, document_id: int, data: WithdrawalIn) -> ConsentDocumentOut:
        """The patient told the clinic they withdraw: recorded; bookings and sessions stop."""
        with self.unit(Permission.WRITE_CLINICAL) as u:
            doc = _document(u.session, document_id)
            _withdraw(u, self.clinic, doc, data, "staff")
            return document_out(u.session, doc)

    def get(self, document_id: int) -> ConsentDocumentOut:
        with self.reading(Permission.READ_CLINICAL) as u:
            doc = _document(u.session, document_id)
            u.audit.read("consent_document", doc.id, doc.patient_id)
            return document_out(u.session, doc)

    def for_patient(self, patient_id: int) -> list[ConsentDocumentOut]:
        with self.reading(Permission.READ_CLINICAL) as u:
            live_patient(u.session, patient_id)
            rows = list(
                u.session.scalars(
                    select(ConsentDocument)
                    .where(ConsentDocument.patient_id == patient_id)
                    .order_by(ConsentDocument.id.desc())
                )
            )
            u.audit.listed("consent_document", [r.id for r in rows], [patient_id])
            return [document_out(u.session, r) for r in rows]

    def pdf(self, document_id: int) -> bytes:
        with self.reading(Permission.READ_CLINICAL) as u:
            doc = _document(u.session, document_id)
            if doc.pdf is None:
                raise NotFound("document_id", "signed PDF of consent document", document_id)
            u.audit.read("consent_document_pdf", doc.id, doc.patient_id)
            return doc.pdf

    def verify(self, document_id: int) -> Verification:
        """The stored PDF's SHA-256 computed again beside the one recorded at signing."""
        with self.reading(Permission.READ_CLINICAL) as u:
            doc = _document(u.session, document_id)
            if doc.pdf is None or doc.pdf_sha256 is None:
                raise NotFound("document_id", "signed PDF of consent document", document_id)
            computed = hashlib.sha256(doc.pdf).hexdigest()
            u.audit.record("verify", "consent_document", doc.id, patient_id=doc.patient_id,
                           detail={"matches": computed == doc.pdf_sha256})  # fmt: skip
            return Verification(
                document_id=doc.id,
                recorded_sha256=doc.pdf_sha256,
                computed_sha256=computed,
                matches=computed == doc.pdf_sha256,
            )


class PatientConsent(PatientSide):
    """The patient's side: read the document their consent link names, sign it, withdraw."""

    def _linked(self, session: Session) -> ConsentDocument:
        link = self.link(session)
        if link.scope != "consent" or link.consent_document_id is None:
            raise LinkUnusable()
        return _document(session, link.consent_document_id, self.actor.patient_id)

    def read(self) -> ConsentDocumentOut:
        with self.unit() as u:
            doc = self._linked(u.session)
            u.audit.read("consent_document", doc.id, doc.patient_id)
            return document_out(u.session, doc)

    def sign(self, data: SignatureIn, render: ConsentRenderer) -> ConsentDocumentOut:
        with self.unit() as u:
            doc = self._linked(u.session)
            _sign(u, self.clinic, doc, data, "patient_link", None, render)
            self.link(u.session).used_at = self.clinic.now()
            return document_out(u.session, doc)

    def _page(self, session: Session) -> None:
        if self.link(session).scope != "patient_page":
            raise LinkUnusable()

    def withdraw(self, document_id: int, data: WithdrawalIn) -> ConsentDocumentOut:
        """From the patient's page: only their own signed documents."""
        with self.unit() as u:
            self._page(u.session)
            doc = _document(u.session, document_id, self.actor.patient_id)
            _withdraw(u, self.clinic, doc, data, "patient")
            return document_out(u.session, doc)

    def pdf(self, document_id: int) -> bytes:
        with self.unit() as u:
            self._page(u.session)
            doc = _document(u.session, document_id, self.actor.patient_id)
            if doc.pdf is None:
                raise NotFound("document_id", "consent document", document_id)
            u.audit.read("consent_document_pdf", doc.id, doc.patient_id)
            return doc.pdf
