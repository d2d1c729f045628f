"""Calendar feeds: the admin page (make, list, revoke) and the feed itself at its secret URL."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from microneedling.clinic.services.calendar_feeds import CalendarFeedService, FeedIn, feed_ics
from microneedling.clinic.services.locations import LocationService
from microneedling.clinic.services.staff import StaffService
from microneedling.web.deps import ClinicDep, RecordId
from microneedling.web.pages._forms import as_dict, stripped, submit
from microneedling.web.pages._render import Flash, render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _feeds_page(
    page: Signed,
    created_url: str | None = None,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    practitioners = page.service(StaffService).practitioners()
    return render(
        page.ctx, "calendar_feeds.html", status_code, nav="feeds", title="Calendar feeds",
        feeds=page.service(CalendarFeedService).find(), created_url=created_url,
        practitioners=[(str(p.id), p.full_name) for p in practitioners],
        practitioner_names={p.id: p.full_name for p in practitioners},
        rooms=[(r, r) for r in dict.fromkeys(
            room for loc in page.service(LocationService).locations() for room in loc.rooms
        )],
        feed_names=page.clinic.settings.feed_patient_names, form=form or {},
        errors=errors or {},
    )  # fmt: skip


@router.get("/admin/calendar-feeds", name="feeds_page")
def feeds_page(page: SignedDep) -> Response:
    return _feeds_page(page)


@router.post("/admin/calendar-feeds", name="feed_create")
async def feed_create(request: Request, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    return submit(
        lambda: page.service(CalendarFeedService).create(
            FeedIn.model_validate(stripped(form, "practitioner_id", "room"))
        ),
        then=lambda created: _made(
            page, str(request.url_for("calendar_feed", token=created.token))
        ),
        again=lambda errors: _feeds_page(page, form=form, errors=errors, status_code=422),
    )


def _made(page: Signed, url: str) -> Response:
    """The new feed's address, shown on this answer only (only its hash is kept)."""
    page.ctx.flashes.append(Flash("Feed made: copy its address now, it is not shown again."))
    return _feeds_page(page, created_url=url)


@router.post("/admin/calendar-feeds/{feed_id}/revoke", name="feed_revoke")
async def feed_revoke(feed_id: RecordId, page: SignedDep) -> Response:
    page.service(CalendarFeedService).revoke(feed_id)
    page.ctx.flashes.append(Flash("Feed revoked: its address no longer works."))
    return _feeds_page(page)


@router.get("/feeds/{token}.ics", name="calendar_feed")
def calendar_feed(token: str, clinic: ClinicDep) -> Response:
    """The feed; no sign-in (calendar apps cannot), the secret token is the key."""
    return Response(
        feed_ics(clinic, token),
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "no-store", "Content-Disposition": 'inline; filename="feed.ics"'},
    )
