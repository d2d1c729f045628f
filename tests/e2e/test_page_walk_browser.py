"""Every page, as the people who use it open it on a phone: no sideways scrolling at 390 px and
no moderate, serious or critical accessibility violation (axe-core), in one walk over every GET
page.

The walk is built from the app's routes: a GET page route that is neither walked nor set apart
here with a reason fails :func:`test_every_page_route_is_walked`, so a new page cannot be
forgotten. The clinic is the demo clinic plus patient links (``walk_seed.py``), in a zone far
from UTC.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from clinic_server import PASSWORD
from fastapi.routing import APIRoute
from playwright.sync_api import Browser, ConsoleMessage, Page
from walk_seed import WALK_FILE

import microneedling.web.pages as pages_package
import microneedling.web.patient as patient_package

pytestmark = pytest.mark.browser
CLINIC_TIMEZONE = "Pacific/Auckland"
CLINIC_SEED = "walk"
PHONE = {"width": 390, "height": 844}
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
#: axe-core's impacts that fail the walk (minor ones are reported in REPORT, not failed).
FAILING_IMPACTS = ("moderate", "serious", "critical")
#: The one box allowed to scroll sideways: the calendar's time grid (a column per practitioner per
#: day cannot fit a phone; it scrolls inside its own box with the times held at the left, and
#: the page around it does not move).
SCROLLS_ON_PURPOSE = ".calendar-scroll"
#: Where the walk's measurements go (one JSON file: widths and axe findings per page).
REPORT = Path(tempfile.gettempdir()) / "microneedling-page-walk.json"

#: GET routes that are not pages a person reads in the browser, each with the reason.
NOT_WALKED = {
    "/static/vendor/htmx.min.js": "a script, not a page",
    "/static/{path:path}": "stylesheets and scripts, not pages",
    "/feeds/{token}.ics": "a calendar feed for calendar apps",
    "/consent-documents/{document_id}.pdf": "a PDF (PDF tests read it)",
    "/photos/{photo_id}": "an image, shown inside the follow-up page the walk visits",
    "/plans/{plan_id}/summary.pdf": "a PDF (PDF tests read it)",
    "/plans/{plan_id}/sessions/{number}/aftercare.pdf": "a PDF (PDF tests read it)",
    "/sessions/{session_id}/aftercare.pdf": "a PDF (PDF tests read it)",
    "/recall.csv": "a CSV download",
    "/p/{token}": "opens a link and moves on to its page; the walk opens links this way",
    "/p/home/visits/{appointment_id}.ics": "one visit for the patient's calendar app",
    "/p/home/consents/{document_id}.pdf": "a PDF (PDF tests read it)",
    "/clinic-logo": "an image, shown on the clinic page the walk visits",
}


def page_routes() -> list[APIRoute]:
    """Every GET route of the staff pages and the patient pages."""
    found: list[APIRoute] = []
    for package in (pages_package, patient_package):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            router = getattr(module, "router", None)
            if router is not None:
                found += [
                    r for r in router.routes if isinstance(r, APIRoute) and "GET" in r.methods
                ]
    return found


@dataclass(frozen=True)
class Visit:
    route: str
    who: str  # a staff username of the walk clinic, "anonymous" or "patient:<scope>"
    url: str


def visits(ids: dict[str, Any]) -> list[Visit]:
    """The walk: every page route with a real record of the demo clinic, as a role that may
    open it (the front desk and the medical director also walk the pages they live in)."""
    patient, plan, day = ids["patient"], ids["plan"], ids["appointment_day"]
    staff = {
        "/": "/",
        "/schedule": f"/schedule?day={day}",
        "/calendar/week": f"/calendar/week?day={day}",
        "/calendar/day": f"/calendar/day?day={day}",
        "/staff-hours": "/staff-hours",
        "/patients": "/patients?q=a",
        "/patients/new": "/patients/new",
        "/patients/{patient_id}": f"/patients/{patient}",
        "/patients/{patient_id}/edit": f"/patients/{patient}/edit",
        "/patients/{patient_id}/notes": f"/patients/{ids['mid_patient']}/notes",
        "/patients/{patient_id}/intake": f"/patients/{patient}/intake",
        "/patients/{patient_id}/plans/new": f"/patients/{patient}/plans/new",
        "/plans/{plan_id}": f"/plans/{plan}",
        "/plans/{plan_id}/summary": f"/plans/{plan}/summary",
        "/plans/{plan_id}/sessions/{number}/aftercare": f"/plans/{plan}/sessions/1/aftercare",
        "/plans/{plan_id}/course": f"/plans/{plan}/course",
        "/plans/{plan_id}/book": f"/plans/{ids['planned_plan']}/book",
        "/patients/{patient_id}/book": f"/patients/{patient}/book",
        "/appointments/{appointment_id}/session": f"/appointments/{ids['appointment']}/session",
        "/sessions/{session_id}": f"/sessions/{ids['session']}",
        "/sessions/{session_id}/aftercare": f"/sessions/{ids['session']}/aftercare",
        "/patients/{patient_id}/follow-up": f"/patients/{patient}/follow-up",
        "/devices": "/devices",
        "/lots/{lot_id}/recall": f"/lots/{ids['recalled_lot']}/recall",
        "/admin/users": "/admin/users",
        "/admin/audit": "/admin/audit",
        "/recall": "/recall",
        "/waitlist": "/waitlist",
        "/messages": "/messages",
        "/admin/calendar-feeds": "/admin/calendar-feeds",
        "/admin/clinic": "/admin/clinic",
        "/account/mfa": "/account/mfa",
        "/patients/{patient_id}/links": f"/patients/{patient}/links",
        "/intake-drafts/{draft_id}": f"/intake-drafts/{ids['intake_draft']}",
        "/consent-documents/{document_id}/sign": (
            f"/consent-documents/{ids['consent_document']}/sign"
        ),
        "/consent-documents/{document_id}/verify": (
            f"/consent-documents/{ids['signed_consent_document']}/verify"
        ),
    }
    walk = [Visit(route, "walk.admin", url) for route, url in staff.items()]
    walk += [
        Visit("/oversight", "walk.mona", "/oversight"),
        Visit(
            "/patients/{patient_id}/good-faith-exams",
            "walk.mona",
            f"/patients/{patient}/good-faith-exams",
        ),
        Visit("/plans/{plan_id}/approval", "walk.mona", f"/plans/{ids['planned_plan']}/approval"),
        Visit("/plans/{plan_id}", "walk.mona", f"/plans/{plan}"),
    ]
    walk += [
        Visit(route, "walk.frank", url)
        for route, url in staff.items()
        if route in ("/schedule", "/calendar/week", "/patients/{patient_id}", "/staff-hours")
    ]
    walk += [
        Visit("/schedule", "walk.pia", f"/schedule?day={day}"),
        Visit("/login", "anonymous", "/login"),
        Visit("/p/intake", "patient:intake", "/p/intake"),
        Visit("/p/consent", "patient:consent", "/p/consent"),
        Visit("/p/home", "patient:patient_page", "/p/home"),
    ]
    return walk


def test_every_page_route_is_walked() -> None:
    walked = {visit.route for visit in visits(_placeholder_ids())}
    routes = {route.path for route in page_routes()}
    assert routes - walked - set(NOT_WALKED) == set(), "GET page routes missing from the walk"
    assert (walked | set(NOT_WALKED)) - routes == set(), "the walk names routes that are gone"


def _placeholder_ids() -> dict[str, Any]:
    keys = ("patient", "mid_patient", "plan", "planned_plan", "appointment", "appointment_day",
            "session", "recalled_lot", "intake_draft", "consent_document",
            "signed_consent_document")  # fmt: skip
    return dict.fromkeys(keys, 1)


@dataclass
class Seen:
    """What the walk measured on one page."""

    visit: Visit
    status: int
    width_px: int
    too_wide: list[str] = field(default_factory=list)
    violations: list[dict[str, Any]] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)


#: Elements whose right edge lies beyond the viewport (ignoring what is scrolled inside a box
#: that scrolls on its own, and what is hidden), named by tag, id and classes.
WIDE_ELEMENTS_JS = """
([limit, SCROLLS_ON_PURPOSE]) => {
  const named = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ?
      '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const inScroller = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right > limit + 0.5 && !inScroller(el)) {
      out.push(named(el) + ' ' + Math.round(box.right));
    }
    // A box that scrolls sideways inside the page is sideways scrolling all the same.
    const o = getComputedStyle(el).overflowX;
    if ((o === 'auto' || o === 'scroll') && el.scrollWidth > el.clientWidth + 1 &&
        !el.matches(SCROLLS_ON_PURPOSE)) {
      out.push(named(el) + ' scrolls ' + el.scrollWidth + ' px');
    }
  }
  return out.slice(0, 12);
}
"""


def _open(browser: Browser, server: str, who: str, tokens: dict[str, str]) -> Page:
    context = browser.new_context(base_url=server, viewport=PHONE)  # type: ignore[arg-type]
    context.set_default_timeout(30_000)
    page = context.new_page()
    if who.startswith("walk."):
        page.goto("/login")
        page.get_by_label("Username").fill(who)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("button", name="Sign out").wait_for()
    elif who.startswith("patient:"):
        page.goto(f"/p/{tokens[who.split(':', 1)[1]]}")
    return page


def _look(page: Page, visit: Visit, axe: str) -> Seen:
    csp: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            csp.append(message.text)

    page.on("console", watch)
    response = page.goto(visit.url)  # returns at the "load" event
    # No page fetches anything after "load" but through htmx, which marks what it is fetching
    # or swapping in: wait until nothing is so marked (networkidle waited 500 ms a page).
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )
    status = response.status if response is not None else 0
    width = int(page.evaluate("document.documentElement.scrollWidth"))
    too_wide = list(page.evaluate(WIDE_ELEMENTS_JS, [PHONE["width"], SCROLLS_ON_PURPOSE]))
    # The strict CSP refuses an inline <script> (add_script_tag), as it should: axe-core's file
    # is evaluated through the DevTools protocol instead, which the page's policy does not see.
    page.evaluate(axe)
    results = page.evaluate("async () => (await axe.run(document)).violations")
    violations = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in results
    ]
    page.remove_listener("console", watch)
    return Seen(visit, status, width, too_wide, violations, csp)


@pytest.fixture(scope="module")
def walked(browser: Browser, server: str, server_data_dir: Path) -> list[Seen]:
    """Walk every page once at 390 px; both checks read the same walk."""
    ids = json.loads((server_data_dir / WALK_FILE).read_text(encoding="utf-8"))
    axe = AXE.read_text(encoding="utf-8")
    seen: list[Seen] = []
    pages: dict[str, Page] = {}
    for visit in visits(ids):
        if visit.who not in pages:
            pages[visit.who] = _open(browser, server, visit.who, ids["tokens"])
        seen.append(_look(pages[visit.who], visit, axe))
    for page in pages.values():
        page.context.close()
    REPORT.write_text(
        json.dumps(
            [
                {"route": s.visit.route, "who": s.visit.who, "url": s.visit.url,
                 "status": s.status, "width_px": s.width_px, "too_wide": s.too_wide,
                 "violations": s.violations, "csp": s.csp}
                for s in seen
            ],
            indent=1,
        ),
        encoding="utf-8",
    )  # fmt: skip
    return seen


def test_every_page_opens(walked: list[Seen]) -> None:
    failed = [f"{s.visit.who} {s.visit.url}: {s.status}" for s in walked if s.status != 200]
    assert failed == []
    assert [s.csp for s in walked if s.csp] == []


def test_no_page_scrolls_sideways_on_a_phone(walked: list[Seen]) -> None:
    wide = [
        f"{s.visit.who} {s.visit.url}: {s.width_px} px {s.too_wide}"
        for s in walked
        if s.width_px > PHONE["width"] or s.too_wide
    ]
    assert wide == [], "\n".join(wide)


def test_no_page_has_a_moderate_or_worse_accessibility_violation(walked: list[Seen]) -> None:
    found = [
        f"{s.visit.who} {s.visit.url}: {v['id']} ({v['impact']}) {v['help']} {v['nodes']}"
        for s in walked
        for v in s.violations
        if v["impact"] in FAILING_IMPACTS
    ]
    assert found == [], "\n".join(found)


@pytest.fixture(scope="module", autouse=True)
def _axe_installed() -> None:
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing at {AXE}: run `npm ci` in the repository root")
