"""The signed-in person's own two-factor sign-in: set up an authenticator app, confirm it.

Reachable by an account whose role must use MFA before anything else (the only pages it may
open until it has confirmed one); the rules are the MFA service's.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from microneedling.clinic.services.mfa import MfaCode, MfaEnrolment, MfaService, RecoveryCodes
from microneedling.web.pages._forms import submit, text
from microneedling.web.pages._render import render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import EnrollingDep, Signed

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _mfa_page(
    page: Signed,
    status_code: int = 200,
    enrolment: MfaEnrolment | None = None,
    recovery: RecoveryCodes | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    service = page.service(MfaService)
    status = service.status()
    if enrolment is None and status.pending and recovery is None:
        enrolment = service.pending()
    return render(
        page.ctx, "account_mfa.html", status_code, nav="account", title="Two-factor sign-in",
        status=status, enrolment=enrolment, recovery=recovery, errors=errors or {}, form={},
    )  # fmt: skip


@router.get("/account/mfa", name="account_mfa")
def account_mfa(page: EnrollingDep) -> Response:
    return _mfa_page(page)


@router.post("/account/mfa/enrol", name="account_mfa_enrol")
def account_mfa_enrol(page: EnrollingDep) -> Response:
    return _mfa_page(page, enrolment=page.service(MfaService).enrol())


@router.post("/account/mfa/confirm", name="account_mfa_confirm")
async def account_mfa_confirm(request: Request, page: EnrollingDep) -> Response:
    form = await request.form()
    code = text(form, "code") or ""
    return submit(
        lambda: page.service(MfaService).confirm(MfaCode(code=code)),
        # The recovery codes are shown once, on this answer.
        then=lambda codes: _mfa_page(page, recovery=codes),
        again=lambda errors: _mfa_page(page, 422, errors=errors),
    )
