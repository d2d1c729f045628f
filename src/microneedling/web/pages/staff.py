"""Staff accounts for admins: list, create, change role, deactivate, reset two-factor sign-in.

The rules are the staff and MFA services'; a reset here is the same call as the API's.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from microneedling.clinic.paging import PageRequest
from microneedling.clinic.roles import Role
from microneedling.clinic.services.mfa import MfaService
from microneedling.clinic.services.staff import StaffChange, StaffIn, StaffService
from microneedling.web.deps import RecordId
from microneedling.web.pages._forms import as_dict, submit, text
from microneedling.web.pages._render import Flash, render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)
ROLES = [(r.value, r.value.replace("_", " ")) for r in Role]


def _users_page(
    page: Signed,
    status_code: int = 200,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    staff = page.service(StaffService).find(PageRequest(limit=200))
    mfa = page.service(MfaService).accounts_with_mfa()
    return render(
        page.ctx, "staff.html", status_code, nav="users", title="Users", staff=staff.items,
        mfa=mfa, roles=ROLES, form=form or {"role": "practitioner"}, errors=errors or {},
    )  # fmt: skip


@router.get("/admin/users", name="admin_users")
def admin_users(page: SignedDep) -> Response:
    return _users_page(page)


@router.post("/admin/users", name="admin_user_create")
async def admin_user_create(request: Request, page: SignedDep) -> Response:
    form = await request.form()
    shown = as_dict(form) | {"password": ""}
    password = form.get("password")
    return submit(
        lambda: page.service(StaffService).create(
            StaffIn(
                username=text(form, "username") or "",
                full_name=text(form, "full_name") or "",
                role=text(form, "role") or "",
                password=password if isinstance(password, str) else "",
            )
        ),
        then=lambda created: _created(page, created.username),
        again=lambda errors: _users_page(page, 422, shown, errors),
    )


def _created(page: Signed, username: str) -> Response:
    page.ctx.flashes.append(Flash(f"Account '{username}' created."))
    return _users_page(page)


@router.post("/admin/users/{staff_id}", name="admin_user_change")
async def admin_user_change(request: Request, staff_id: RecordId, page: SignedDep) -> Response:
    form = await request.form()
    role, active = text(form, "role"), {"yes": True, "no": False}.get(text(form, "active") or "")
    return submit(
        lambda: page.service(StaffService).change(staff_id, StaffChange(role=role, active=active)),
        then=str(request.url_for("admin_users").path),
        # Each account is a row of the list: its problems are said together on that row.
        again=lambda errors: _users_page(
            page, 422, errors={f"staff.{staff_id}": " ".join(errors.values())}
        ),
    )


@router.post("/admin/users/{staff_id}/mfa/reset", name="admin_user_mfa_reset")
def admin_user_mfa_reset(request: Request, staff_id: RecordId, page: SignedDep) -> Response:
    """Remove an account's authenticator and recovery codes and end its sessions (a lost phone)."""
    return submit(
        lambda: page.service(MfaService).reset(staff_id),
        then=str(request.url_for("admin_users").path),
        again=lambda errors: _refused(page, " ".join(errors.values())),
    )


def _refused(page: Signed, problem: str) -> Response:
    # No field holds a reset (an unknown account has no row either): the reason is said on top.
    page.ctx.flashes.append(Flash(problem, "stop"))
    return _users_page(page, 422)
