"""Writing the audit trail: who read or changed which patient's data, when, from where.

A writing unit of work appends its events inside its own transaction, so a rolled-back write
leaves none. A reading unit collects its events and hands them to the
:class:`~microneedling.clinic.audit_queue.AuditQueue` when its read transaction ends; the
service returns only once they are committed (see docs/security.md, "Audit trail").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from microneedling.clinic.actor import Actor, PatientActor
from microneedling.clinic.models import AuditEvent
from microneedling.clinic.models.base import utcnow

#: The entity a page's coalesced read of one patient's record is audited as.
PATIENT_RECORD = "patient_record"


class AuditLog:
    """Appends events to the caller's transaction (or, deferred, to a list to flush later)."""

    def __init__(self, session: Session | None, actor: Actor | PatientActor | None) -> None:
        self._actor = actor
        #: Events not yet in any session (deferred logs only), in the order recorded.
        self.pending: list[AuditEvent] = []
        self._add: Callable[[AuditEvent], None] = (
            session.add if session is not None else self.pending.append
        )

    @classmethod
    def deferred(cls, actor: Actor | PatientActor | None) -> AuditLog:
        """A log whose events wait in :attr:`pending` for the audit queue."""
        return cls(None, actor)

    def record(
        self,
        action: str,
        entity: str,
        entity_id: int | None = None,
        *,
        patient_id: int | None = None,
        detail: dict[str, Any] | None = None,
        client_ip: str | None = None,
        username: str | None = None,
    ) -> None:
        actor = self._actor
        if isinstance(actor, PatientActor):
            # A patient's own action: no staff id; the kind and link say who and through what.
            detail = {"actor_kind": actor.kind, "link_id": actor.link_id, **(detail or {})}
        self._add(
            AuditEvent(
                # Stamped now, by the unit's clock, not when a queue gets round to writing it.
                at=utcnow(),
                staff_id=actor.staff_id if actor else None,
                username=actor.username if actor else username,
                action=action,
                entity=entity,
                entity_id=entity_id,
                patient_id=patient_id,
                client_ip=actor.client_ip if actor else client_ip,
                detail=detail,
            )
        )

    def read(self, entity: str, entity_id: int | None, patient_id: int | None) -> None:
        self.record("read", entity, entity_id, patient_id=patient_id)

    def listed(self, entity: str, ids: list[int], patient_ids: list[int]) -> None:
        """A page of results: one event per patient shown, so each patient's trail has it."""
        for patient_id in sorted(set(patient_ids)):
            self.record("list", entity, patient_id=patient_id, detail={"ids": ids})


def one_per_patient(events: list[AuditEvent]) -> list[AuditEvent]:
    """A page's reads, one event per patient whose record it showed.

    Everything the page read of one patient (the patient, notes, intake, plans...) becomes one
    ``read`` of ``patient_record`` whose detail lists each part and its ids; events about no
    patient are kept as they are.
    """
    merged: dict[int, AuditEvent] = {}
    out: list[AuditEvent] = []
    for event in events:
        if event.patient_id is None or event.action not in ("read", "list"):
            out.append(event)
            continue
        record = merged.get(event.patient_id)
        if record is None:
            record = merged[event.patient_id] = AuditEvent(
                at=event.at, staff_id=event.staff_id, username=event.username, action="read",
                entity=PATIENT_RECORD, entity_id=event.patient_id, patient_id=event.patient_id,
                client_ip=event.client_ip, detail={"parts": {}},
            )  # fmt: skip
            out.append(record)
        assert record.detail is not None
        parts: dict[str, list[int]] = record.detail["parts"]
        ids = parts.setdefault(event.entity, [])
        listed = (event.detail or {}).get("ids") if event.action == "list" else None
        for item in listed if isinstance(listed, list) else [event.entity_id]:
            if isinstance(item, int) and item not in ids:
                ids.append(item)
    return out
