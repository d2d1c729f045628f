"""The audit trail for admins: who read or changed what, when, from where (read-only)."""

from __future__ import annotations

from datetime import datetime, time

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from microneedling.clinic.paging import PageRequest
from microneedling.clinic.services.audit_trail import AuditFilter, AuditService
from microneedling.web.deps import Offset
from microneedling.web.pages._forms import field_errors
from microneedling.web.pages._render import render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)
PAGE_SIZE = 50


@router.get("/admin/audit", name="admin_audit")
def admin_audit(request: Request, page: SignedDep, offset: Offset = 0) -> Response:
    query = {k: v.strip() for k, v in request.query_params.items() if v.strip() and k != "offset"}
    errors: dict[str, str] = {}
    where = AuditFilter()
    try:
        since = query.get("since")
        until = query.get("until")
        where = AuditFilter(
            patient_id=query.get("patient_id"),
            staff_id=query.get("staff_id"),
            action=query.get("action"),
            entity=query.get("entity"),
            since=datetime.combine(datetime.fromisoformat(since).date(), time.min, page.clinic.zone)
            if since
            else None,
            until=datetime.combine(datetime.fromisoformat(until).date(), time.max, page.clinic.zone)
            if until
            else None,
        )
    except ValidationError as exc:
        errors = field_errors(exc)
    except ValueError:
        errors = {"since": "Please enter dates as YYYY-MM-DD."}
    events = page.service(AuditService).query(where, PageRequest(offset=offset, limit=PAGE_SIZE))
    return render(
        page.ctx, "audit.html", 422 if errors else 200, nav="audit", title="Audit trail",
        events=events, form=query, errors=errors, page_size=PAGE_SIZE,
    )  # fmt: skip
