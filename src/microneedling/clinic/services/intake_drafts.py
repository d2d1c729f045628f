"""Pre-visit intakes: the patient answers on their phone, a practitioner accepts into the record.

What the patient sends is a draft, checked by the clinic's own rules (the core's
:class:`~microneedling.screening.Intake`, the registered identity of
:func:`~microneedling.clinic.services.intakes.with_patient_facts` and the screening's checks of
sites and dates), and never trusted as an examination: the examination (``skin_findings``) and
the clinical classification of an allergy in the patient's words are dropped from it, so they
stay for the practitioner. Accepting goes through
:func:`~microneedling.clinic.services.intakes.record_screened`, the one path every intake
takes into the record, and so runs the screening.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Service
from microneedling.clinic.errors import NotFound
from microneedling.clinic.models import IntakeDraft
from microneedling.clinic.roles import Permission
from microneedling.clinic.schemas.intakes import IntakeIn, IntakeScreened
from microneedling.clinic.services.intake_records import record_screened, with_patient_facts
from microneedling.clinic.services.lookups import live_patient
from microneedling.clinic.services.patient_links import LinkUnusable, PatientSide
from microneedling.errors import RequestRefused
from microneedling.screening import Intake, screen
from microneedling.screening.intake import Sex

DraftStatus = Literal["submitted", "accepted", "discarded"]


class DraftOut(BaseModel):
    id: int
    patient_id: int
    submitted_at: datetime
    status: DraftStatus
    reviewed_at: datetime | None
    reviewed_by: int | None
    intake_id: int | None
    answers: Intake


def patient_reported(answers: Intake) -> Intake:
    """The answers with everything only a clinician may record taken out: the examination,
    and any classification of an allergy described in the patient's own words."""
    others = [a.model_copy(update={"classified_as": None}) for a in answers.other_allergies or []]
    return answers.model_copy(
        update={"skin_findings": None, "other_allergies": others or answers.other_allergies}
    )


def _out(draft: IntakeDraft) -> DraftOut:
    return DraftOut(
        id=draft.id,
        patient_id=draft.patient_id,
        submitted_at=draft.submitted_at,
        status=draft.status,
        reviewed_at=draft.reviewed_at,
        reviewed_by=draft.reviewed_by,
        intake_id=draft.intake_id,
        answers=draft.answers,
    )


class IntakeOpening(BaseModel):
    """What the intake page greets the patient with: their first name, and whether the
    record already holds their sex (then it is not asked)."""

    given_name: str
    sex_known: bool
    sex: Sex | None


class PatientIntake(PatientSide):
    """The patient's side: send the answers once, through an intake link."""

    def opening(self) -> IntakeOpening:
        with self.unit() as u:
            link = self.link(u.session)
            if link.scope != "intake":
                raise LinkUnusable()
            patient = live_patient(u.session, link.patient_id)
            u.audit.record("open", "patient_link", link.id, patient_id=patient.id)
            sex = patient.sex if patient.sex in ("female", "male") else None
            return IntakeOpening(
                given_name=patient.given_name,
                sex_known=sex is not None,
                sex=sex,
            )

    def submit(self, answers: Intake) -> DraftOut:
        """Check the answers as the clinic's intake would and keep them as a draft."""
        clinic = self.clinic
        with self.unit() as u:
            link = self.link(u.session)
            if link.scope != "intake":
                raise LinkUnusable()
            patient = live_patient(u.session, link.patient_id, lock=True)
            reported = patient_reported(answers)
            # The clinic's own checks (identity, sites, dates); the decision is not shown to the
            # patient and not stored: the practitioner's acceptance screens again.
            screen(with_patient_facts(reported, patient, clinic.today()), clinic.kb,
                   clinic.today(), clinic.policy)  # fmt: skip
            draft = IntakeDraft(patient_id=patient.id, link_id=link.id, answers=reported)
            u.session.add(draft)
            link.used_at = clinic.now()
            u.session.flush()
            u.audit.record("create", "intake_draft", draft.id, patient_id=patient.id)
            return _out(draft)


def _draft(session: Session, draft_id: int) -> IntakeDraft:
    draft = session.get(IntakeDraft, draft_id)
    if draft is None:
        raise NotFound("draft_id", "intake draft", draft_id)
    live_patient(session, draft.patient_id)
    return draft


def _pending(draft: IntakeDraft) -> None:
    if draft.status != "submitted":
        raise RequestRefused("draft_id", f"the draft is already {draft.status}")


class IntakeDraftService(Service):
    """The practitioner's side: review drafts, accept one into the record, or discard it."""

    def for_patient(self, patient_id: int) -> list[DraftOut]:
        """The patient's drafts, newest first."""
        with self.reading(Permission.READ_CLINICAL) as u:
            live_patient(u.session, patient_id)
            rows = list(
                u.session.scalars(
                    select(IntakeDraft)
                    .where(IntakeDraft.patient_id == patient_id)
                    .order_by(IntakeDraft.id.desc())
                )
            )
            u.audit.listed("intake_draft", [r.id for r in rows], [patient_id])
            return [_out(r) for r in rows]

    def get(self, draft_id: int) -> DraftOut:
        with self.reading(Permission.READ_CLINICAL) as u:
            draft = _draft(u.session, draft_id)
            u.audit.read("intake_draft", draft.id, draft.patient_id)
            return _out(draft)

    def accept(self, draft_id: int, data: IntakeIn) -> IntakeScreened:
        """Record ``data`` (the draft as the practitioner corrected and completed it, the
        examination included) as the patient's new intake, screened, in one transaction."""
        with self.unit(Permission.WRITE_CLINICAL) as u:
            draft = _draft(u.session, draft_id)
            _pending(draft)
            screened = record_screened(
                u, self.clinic, draft.patient_id, data.answers, self.actor.staff_id
            )
            draft.status = "accepted"
            draft.reviewed_at = self.clinic.now()
            draft.reviewed_by = self.actor.staff_id
            draft.intake_id = screened.intake.id
            u.audit.record(
                "accept", "intake_draft", draft.id, patient_id=draft.patient_id,
                detail={"intake_id": screened.intake.id},
            )  # fmt: skip
            return screened

    def discard(self, draft_id: int) -> DraftOut:
        with self.unit(Permission.WRITE_CLINICAL) as u:
            draft = _draft(u.session, draft_id)
            _pending(draft)
            draft.status = "discarded"
            draft.reviewed_at = self.clinic.now()
            draft.reviewed_by = self.actor.staff_id
            u.audit.record("discard", "intake_draft", draft.id, patient_id=draft.patient_id)
            return _out(draft)
