"""Reading the audit trail (admins only). There is deliberately no way to change it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select

from microneedling.clinic.clinic import Service
from microneedling.clinic.models import AuditEvent
from microneedling.clinic.paging import Page, PageRequest, RecordRef
from microneedling.clinic.roles import Permission
from microneedling.iso_dates import IsoDateTime


class AuditFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    patient_id: RecordRef | None = None
    staff_id: RecordRef | None = None
    action: str | None = None
    entity: str | None = None
    since: IsoDateTime | None = None
    until: IsoDateTime | None = None


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    staff_id: int | None
    username: str | None
    action: str
    entity: str
    entity_id: int | None
    patient_id: int | None
    client_ip: str | None
    detail: dict[str, Any] | None


class AuditService(Service):
    def query(self, where: AuditFilter, page: PageRequest) -> Page[AuditEventOut]:
        # A report: the replica may serve it once it has replayed what the primary had.
        with self.reading(Permission.READ_AUDIT, replica=True) as u:
            query = select(AuditEvent)
            if where.patient_id is not None:
                query = query.where(AuditEvent.patient_id == where.patient_id)
            if where.staff_id is not None:
                query = query.where(AuditEvent.staff_id == where.staff_id)
            if where.action is not None:
                query = query.where(AuditEvent.action == where.action)
            if where.entity is not None:
                query = query.where(AuditEvent.entity == where.entity)
            # A moment without a zone is clinic time, as everywhere in the API.
            if where.since is not None:
                query = query.where(AuditEvent.at >= self.clinic.local(where.since))
            if where.until is not None:
                query = query.where(AuditEvent.at < self.clinic.local(where.until))
            total = u.session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = u.session.scalars(
                query.order_by(AuditEvent.id.desc()).offset(page.offset).limit(page.limit)
            )
            items = [AuditEventOut.model_validate(e) for e in rows]
            # Reading the trail is itself recorded: who looked at whose history.
            u.audit.record("read", "audit_events", detail=where.model_dump(mode="json"))
            return Page(items=items, total=total, offset=page.offset, limit=page.limit)
