"""What a signed, or withdrawn, consent document allows: the rules bookings and sessions ask.

A withdrawn consent stops bookings and sessions of its plan until the patient signs again; a
signature belongs to one plan version, so a new version needs a new signature before its next
session; where ``MICRONEEDLING_REQUIRE_SIGNED_CONSENT`` is set, a typed consent no longer
suffices.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Clinic
from microneedling.clinic.models import ConsentDocument, PlanRecord
from microneedling.errors import RequestRefused


def _documents(session: Session, plan_id: int) -> list[ConsentDocument]:
    return list(
        session.scalars(
            select(ConsentDocument)
            .where(
                ConsentDocument.plan_id == plan_id, ConsentDocument.status != "awaiting_signature"
            )
            .order_by(ConsentDocument.id.desc())
        )
    )


def refuse_withdrawn_consent(session: Session, plan_id: int, field: str) -> None:
    """Refuse (naming ``field``) while the plan's latest signed consent document is withdrawn."""
    documents = _documents(session, plan_id)
    if documents and documents[0].status == "withdrawn":
        doc = documents[0]
        assert doc.withdrawn_at is not None
        raise RequestRefused(
            field,
            f"the patient withdrew consent document {doc.id} (plan version {doc.plan_version}) "
            f"on {doc.withdrawn_at.date().isoformat()}; nothing more is booked or done under "
            "this plan until they sign a new one",
        )


def refuse_unsigned_consent(
    session: Session, clinic: Clinic, record: PlanRecord, field: str
) -> None:
    """Before a session: refuse a withdrawn consent, a signature given to an earlier plan
    version, and (where the clinic requires it) a version with no signed document."""
    refuse_withdrawn_consent(session, record.id, field)
    documents = _documents(session, record.id)
    if any(d.plan_version == record.current_version for d in documents):
        return
    if documents:
        doc = documents[0]
        raise RequestRefused(
            field,
            f"consent document {doc.id} was signed for plan version {doc.plan_version}; "
            f"version {record.current_version} needs a new signed consent before its next "
            "session",
        )
    if clinic.settings.require_signed_consent:
        raise RequestRefused(
            field,
            f"plan version {record.current_version} has no signed consent document; the "
            "patient signs one before the session",
        )
