"""The audit trail, read-only, for admins. There are no routes that change it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from microneedling.clinic.paging import Page
from microneedling.clinic.services.audit_trail import AuditEventOut, AuditFilter, AuditService
from microneedling.iso_dates import IsoDateTime
from microneedling.web.deps import PageDep, RecordIdFilter, service

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", summary="Query the audit trail (newest first)")
def query_audit(
    audit: Annotated[AuditService, Depends(service(AuditService))],
    page: PageDep,
    patient_id: RecordIdFilter = None,
    staff_id: RecordIdFilter = None,
    action: Annotated[str | None, Query(max_length=20)] = None,
    entity: Annotated[str | None, Query(max_length=40)] = None,
    since: Annotated[IsoDateTime | None, Query()] = None,
    until: Annotated[IsoDateTime | None, Query()] = None,
) -> Page[AuditEventOut]:
    where = AuditFilter(
        patient_id=patient_id,
        staff_id=staff_id,
        action=action,
        entity=entity,
        since=since,
        until=until,
    )
    return audit.query(where, page)
