"""The patient's pages under ``/p/``: pre-visit intake, consent signing, their own page.

A separate router with its own access (:mod:`microneedling.web.patient._access`): a patient
link's cookie, never a staff session. It is mounted beside the staff pages and the API by
:func:`microneedling.web.app.create_app`; none of its dependencies can open a staff route, and
no staff dependency reads its cookie.
"""

from fastapi import APIRouter

from microneedling.web.patient import consent, entry, home, intake

router = APIRouter(include_in_schema=False)
# The link's own address (/p/<token>) last, so /p/intake and the others are matched first.
for _module in (intake, consent, home, entry):
    router.include_router(_module.router)

__all__ = ["router"]
