"""Writing the audit trail: who read or changed which patient's data, when, from where."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from microneedling.clinic.actor import Actor, PatientActor
from microneedling.clinic.models import AuditEvent


class AuditLog:
    """Appends events inside the caller's transaction, so a rolled-back write leaves none."""

    def __init__(self, session: Session, actor: Actor | PatientActor | None) -> None:
        self._session = session
        self._actor = actor

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
        self._session.add(
            AuditEvent(
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
