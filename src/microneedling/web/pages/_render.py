"""Rendering pages: one Jinja2 environment, the signed-in person, navigation and formats."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import URL
from starlette.routing import NoMatchFound

from microneedling.clinic.locations import clinic_logo_version
from microneedling.clinic.locations import clinic_name as profile_name
from microneedling.knowledge.devices import cartridge_name
from microneedling.reports.plan_summary import plan_citations
from microneedling.reports.words import (
    born_with_age,
    day_date,
    day_date_time,
    depth,
    humanize,
    site_name,
)
from microneedling.web.urls import url_for

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
DEFAULT_CLINIC_NAME = "Microneedling clinic"

templates = Jinja2Templates(directory=TEMPLATES_DIR)
_env = templates.env
# Templates ship inside the package and do not change while it runs: do not look at each
# file's modification time on every render.
_env.auto_reload = False
_env.filters["day_date"] = day_date
_env.filters["cartridge"] = cartridge_name
_env.filters["depth"] = depth
_env.filters["humanize"] = humanize


def _clinic(context: Context) -> Any:
    request = context.get("request")
    return getattr(getattr(getattr(request, "app", None), "state", None), "clinic", None)


def _zone(context: Context) -> ZoneInfo:
    # A page about one location (its calendar, the patient's visits) shows that location's zone.
    page_zone = context.get("page_zone")
    if isinstance(page_zone, ZoneInfo):
        return page_zone
    clinic = _clinic(context)
    return clinic.zone if clinic is not None else ZoneInfo("UTC")


def clinic_time(value: datetime, zone: ZoneInfo) -> datetime:
    """A moment as the clinic's wall-clock time. Records are kept in UTC; a naive value is a
    UTC moment read back from storage, never a local one."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone)


@pass_context
def _when(context: Context, value: datetime | None) -> str:
    """Day, date and time of a moment in the clinic's zone: every page formats moments here."""
    if value is None:
        return ""
    return day_date_time(clinic_time(value, _zone(context)))


@pass_context
def _hhmm(context: Context, value: datetime | None) -> str:
    """Hours and minutes of a moment in the clinic's zone."""
    return "" if value is None else f"{clinic_time(value, _zone(context)):%H:%M}"


@pass_context
def _born(context: Context, value: date | None) -> str:
    """A date of birth with the age on the clinic's today beside it."""
    clinic = _clinic(context)
    if value is None or clinic is None:
        return "" if value is None else day_date(value)
    return born_with_age(value, clinic.today())


@pass_context
def _site_name(context: Context, site: str | None) -> str:
    """A site id as the knowledge base names it."""
    clinic = _clinic(context)
    if site is None:
        return ""
    return site_name(clinic.kb, site) if clinic is not None else humanize(site)


_env.filters["when"] = _when
_env.globals["plan_citations"] = plan_citations
_env.filters["born"] = _born
_env.filters["site_name"] = _site_name


def _when_at(value: datetime | None, zone: str) -> str:
    """Day, date and time of a moment in a named zone (a location's), the zone named."""
    if value is None:
        return ""
    return f"{day_date_time(clinic_time(value, ZoneInfo(zone)))} ({zone})"


_env.filters["when_at"] = _when_at
# A stored (UTC) moment as the clinic's wall-clock time: ``{{ moment | in_zone(zone) | when }}``.
_env.filters["in_zone"] = lambda v, zone: None if v is None else v.astimezone(zone)
_env.filters["hhmm"] = _hhmm


@pass_context
def _url_for(context: Context, name: str, /, **path_params: Any) -> URL:
    """Starlette's ``url_for`` for templates, without searching every route per address."""
    return url_for(context["request"], name, **path_params)


_env.globals["url_for"] = _url_for


@dataclass(frozen=True)
class PageUser:
    """The signed-in staff member as pages show them."""

    staff_id: int
    username: str
    full_name: str
    role: str


@dataclass
class Flash:
    text: str
    level: str = "ok"


#: (nav id, label, route name, roles that see it); a route not mounted yet is left out.
NAV: tuple[tuple[str, str, str, frozenset[str]], ...] = (
    ("schedule", "Today", "schedule_today", frozenset({"admin", "practitioner", "front_desk"})),
    (
        "calendar",
        "Calendar",
        "calendar_week",
        frozenset({"admin", "practitioner", "front_desk", "medical_director"}),
    ),
    ("patients", "Patients", "patient_search", frozenset({"admin", "practitioner", "front_desk"})),
    (
        "devices",
        "Devices & lots",
        "device_list",
        frozenset({"admin", "practitioner", "medical_director"}),
    ),
    ("recall", "Recall", "recall_page", frozenset({"admin", "practitioner", "front_desk"})),
    ("waitlist", "Waitlist", "waitlist_page", frozenset({"admin", "practitioner", "front_desk"})),
    ("messages", "Messages", "outbox_page", frozenset({"admin", "front_desk"})),
    ("users", "Users", "admin_users", frozenset({"admin"})),
    ("clinic", "Clinic", "admin_clinic", frozenset({"admin"})),
    ("feeds", "Calendar feeds", "feeds_page", frozenset({"admin"})),
    ("audit", "Audit trail", "admin_audit", frozenset({"admin"})),
    ("oversight", "Oversight", "oversight_desk", frozenset({"medical_director"})),
)


@dataclass
class PageContext:
    """What every page template receives besides its own data."""

    request: Request
    user: PageUser | None = None
    csrf_token: str | None = None
    clinic_name: str = DEFAULT_CLINIC_NAME
    flashes: list[Flash] = field(default_factory=list)

    def nav_items(self) -> list[tuple[str, str, str]]:
        if self.user is None:
            return []
        items = []
        for nav_id, label, route, roles in NAV:
            if self.user.role not in roles:
                continue
            try:
                url = str(url_for(self.request, route).path)
            except NoMatchFound:
                continue
            items.append((nav_id, label, url))
        return items


def clinic_name(request: Request) -> str:
    """The clinic's name from its profile (never empty: the profile requires a name)."""
    clinic = request.app.state.clinic
    try:
        return profile_name(clinic)
    except SQLAlchemyError:
        # The error page of a database that cannot be read still needs a header.
        name: str = clinic.settings.clinic_name
        return name


def logo_version(request: Request) -> str | None:
    """The first 12 hex digits of the logo's SHA-256 for its URL's ``?v=``, or none without a
    logo (or when the database cannot be read: the error page shows the name only)."""
    try:
        sha256 = clinic_logo_version(request.app.state.clinic)
    except SQLAlchemyError:
        return None
    return sha256[:12] if sha256 else None


def render(
    ctx: PageContext | Request,
    template: str,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **data: Any,
) -> HTMLResponse:
    """Render ``template`` with the page context and ``data``."""
    if isinstance(ctx, Request):
        ctx = PageContext(request=ctx, clinic_name=clinic_name(ctx))
    context: dict[str, Any] = {
        "user": ctx.user,
        "csrf_token": ctx.csrf_token,
        "clinic_name": ctx.clinic_name,
        "clinic_logo_version": logo_version(ctx.request),
        "flashes": ctx.flashes,
        "nav_items": ctx.nav_items(),
        "today": ctx.request.app.state.clinic.today(),
        "zone": ctx.request.app.state.clinic.zone,
        "clinic_zone": ctx.request.app.state.clinic.settings.timezone,
        "errors": {},
        "form": {},
        **data,
    }
    return templates.TemplateResponse(
        ctx.request, template, context, status_code=status_code, headers=headers
    )


def render_error(request: Request, status_code: int, title: str, detail: str) -> HTMLResponse:
    ctx = getattr(request.state, "page", None)
    if not isinstance(ctx, PageContext):
        ctx = PageContext(request=request, clinic_name=clinic_name(request))
    return render(ctx, "error.html", status_code=status_code, title=title, detail=detail)
