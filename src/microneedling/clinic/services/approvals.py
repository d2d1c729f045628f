"""Medical-director approval of plans written by practitioners who are not prescribers.

A decision is on one version of a plan: approved, or rejected with a reason. An edit makes a new
version, so an approved plan that is edited needs approving again, and a rejected plan is edited
(by anyone allowed to) and its new version decided afresh; a version is decided once. A rejected
version never starts a session; where the clinic sets ``MICRONEEDLING_REQUIRE_MD_APPROVAL`` a
version a non-prescriber wrote starts none until it is approved
(:func:`refuse_unapproved_plan`). A version a medical director wrote needs no approval.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Clinic, Service
from microneedling.clinic.models import Patient, PlanApproval, PlanRecord, PlanVersion, StaffMember
from microneedling.clinic.paging import Page, PageRequest
from microneedling.clinic.roles import PRESCRIBERS, Permission, Role
from microneedling.clinic.services.lookups import current_version, get_plan
from microneedling.clinic.services.plan_consent import refuse_other_version
from microneedling.clinic.text import ShortText
from microneedling.errors import RequestRefused

Decision = Literal["approved", "rejected"]
ApprovalState = Literal["not_needed", "pending", "approved", "rejected"]


class DecisionIn(BaseModel):
    # The rule of ``_rejection_has_reason``, published: an approval, or a reason given.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                {"properties": {"decision": {"const": "approved"}}},
                {"required": ["reason"], "properties": {"reason": {"type": "string"}}},
            ]
        },
    )

    version: int = Field(ge=1, le=10_000, description="the plan version decided on")
    decision: Decision
    reason: ShortText | None = Field(
        default=None, validate_default=True, description="required for a rejection"
    )

    @field_validator("reason")
    @classmethod
    def _rejection_has_reason(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("decision") == "rejected" and not value:
            raise ValueError("say why the plan is rejected")
        return value


class ApprovalOut(BaseModel):
    id: int
    plan_id: int
    plan_version: int
    decision: Decision
    reason: str | None
    decided_by: int
    decided_by_name: str
    decided_at: datetime


class ApprovalStatus(BaseModel):
    """Where the plan's current version stands, and every decision on its versions."""

    plan_id: int
    patient_id: int
    current_version: int
    written_by: int
    written_by_name: str
    required: bool = Field(description="the clinic requires approval before a session")
    state: ApprovalState
    decisions: list[ApprovalOut]


class PendingPlan(BaseModel):
    """A plan whose current version waits for a medical director."""

    plan_id: int
    patient_id: int
    patient_name: str
    version: int
    written_by_name: str
    written_at: datetime


def _name(session: Session, staff_id: int) -> str:
    member = session.get(StaffMember, staff_id)
    assert member is not None
    return member.full_name


def _by_prescriber(session: Session, version: PlanVersion) -> bool:
    author = session.get(StaffMember, version.created_by)
    return author is not None and Role(author.role) in PRESCRIBERS


def _decision(session: Session, plan_id: int, version: int) -> PlanApproval | None:
    return session.scalar(
        select(PlanApproval).where(
            PlanApproval.plan_id == plan_id, PlanApproval.plan_version == version
        )
    )


def approval_status(session: Session, clinic: Clinic, record: PlanRecord) -> ApprovalStatus:
    version = current_version(session, record)
    decided = _decision(session, record.id, record.current_version)
    state: ApprovalState = (
        "not_needed"
        if _by_prescriber(session, version)
        else ("pending" if decided is None else "approved")
    )
    if decided is not None and decided.decision == "rejected":
        state = "rejected"
    rows = session.scalars(
        select(PlanApproval).where(PlanApproval.plan_id == record.id).order_by(PlanApproval.id)
    )
    return ApprovalStatus(
        plan_id=record.id,
        patient_id=record.patient_id,
        current_version=record.current_version,
        written_by=version.created_by,
        written_by_name=_name(session, version.created_by),
        required=clinic.settings.require_md_approval,
        state=state,
        decisions=[
            ApprovalOut(
                id=a.id,
                plan_id=a.plan_id,
                plan_version=a.plan_version,
                decision="approved" if a.decision == "approved" else "rejected",
                reason=a.reason,
                decided_by=a.decided_by,
                decided_by_name=_name(session, a.decided_by),
                decided_at=a.decided_at,
            )
            for a in rows
        ],
    )


def refuse_unapproved_plan(
    session: Session, clinic: Clinic, record: PlanRecord, field: str
) -> None:
    """A rejected version never starts a session; where the clinic requires it, a version a
    non-prescriber wrote starts none until a medical director approves it."""
    status = approval_status(session, clinic, record)
    version = record.current_version
    if status.state == "rejected":
        reason = status.decisions[-1].reason
        raise RequestRefused(
            field,
            f"a medical director rejected version {version} of the plan ({reason}); edit it "
            "for a new decision",
        )
    if status.required and status.state == "pending":
        raise RequestRefused(
            field, f"version {version} of the plan waits for a medical director's approval"
        )


class ApprovalService(Service):
    def decide(self, plan_id: int, data: DecisionIn) -> ApprovalStatus:
        """Approve or reject the plan's current version (a medical director only)."""
        with self.unit(Permission.APPROVE_PLANS) as u:
            record = get_plan(u.session, plan_id)
            refuse_other_version(record, data.version, "a decision")
            if _by_prescriber(u.session, current_version(u.session, record)):
                raise RequestRefused(
                    "version",
                    f"version {data.version} was written by a prescriber; it needs no approval",
                )
            earlier = _decision(u.session, plan_id, data.version)
            if earlier is not None:
                raise RequestRefused(
                    "version",
                    f"version {data.version} is already {earlier.decision}; an edit makes a new "
                    "version to decide on",
                )
            decision = PlanApproval(
                plan_id=record.id,
                plan_version=data.version,
                decision=data.decision,
                reason=data.reason,
                decided_by=self.actor.staff_id,
            )
            u.session.add(decision)
            u.session.flush()
            u.audit.record(
                "approve" if data.decision == "approved" else "reject",
                "plan",
                record.id,
                patient_id=record.patient_id,
                detail={"version": data.version, "reason": data.reason},
            )
            return approval_status(u.session, self.clinic, record)

    def status(self, plan_id: int) -> ApprovalStatus:
        with self.reading(Permission.READ_CLINICAL) as u:
            record = get_plan(u.session, plan_id)
            u.audit.read("plan_approval", record.id, record.patient_id)
            return approval_status(u.session, self.clinic, record)

    def pending(self, page: PageRequest) -> Page[PendingPlan]:
        """Plans (not cancelled) whose current version waits for a decision, oldest first."""
        with self.reading(Permission.APPROVE_PLANS) as u:
            prescribers = [r.value for r in PRESCRIBERS]
            query = (
                select(PlanRecord, PlanVersion, StaffMember, Patient)
                .join(
                    PlanVersion,
                    (PlanVersion.plan_id == PlanRecord.id)
                    & (PlanVersion.version == PlanRecord.current_version),
                )
                .join(StaffMember, StaffMember.id == PlanVersion.created_by)
                .join(Patient, Patient.id == PlanRecord.patient_id)
                .outerjoin(
                    PlanApproval,
                    (PlanApproval.plan_id == PlanRecord.id)
                    & (PlanApproval.plan_version == PlanRecord.current_version),
                )
                .where(
                    PlanRecord.status != "cancelled",
                    Patient.deleted_at.is_(None),
                    StaffMember.role.not_in(prescribers),
                    PlanApproval.id.is_(None),
                )
            )
            total = u.session.scalar(select(func.count()).select_from(query.subquery())) or 0
            window = u.session.execute(
                query.order_by(PlanVersion.created_at, PlanRecord.id)
                .offset(page.offset)
                .limit(page.limit)
            ).all()
            items = [
                PendingPlan(
                    plan_id=plan.id,
                    patient_id=plan.patient_id,
                    patient_name=f"{patient.given_name} {patient.family_name}",
                    version=version.version,
                    written_by_name=author.full_name,
                    written_at=version.created_at,
                )
                for plan, version, author, patient in window
            ]
            u.audit.listed("plan_approval", [i.plan_id for i in items],
                           [i.patient_id for i in items])  # fmt: skip
            return Page(items=items, total=total, offset=page.offset, limit=page.limit)
