"""The web application factory: the JSON API under ``/api``, pages beside it under ``/``.

``create_app`` builds one FastAPI app around one :class:`~microneedling.clinic.Clinic`. The
API routers live in :mod:`microneedling.web.api`; if a :mod:`microneedling.web.pages` package
exists and exposes ``router`` (server-rendered pages), it is mounted at ``/`` too, so the pages
and the API share the clinic, the sign-in and the error handling.
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI
from starlette.routing import Match
from starlette.types import Scope

from microneedling import __version__
from microneedling.clinic.clinic import Clinic
from microneedling.clinic.messages import MessageWorker
from microneedling.clinic.messages.one_worker import worker_slot
from microneedling.clinic.settings import ClinicSettings
from microneedling.web import problem_docs, problems
from microneedling.web.api import ROUTERS
from microneedling.web.deps import current_actor, enrolling_actor
from microneedling.web.headers import SecurityHeaders
from microneedling.web.limits import BodySizeLimit
from microneedling.web.methods import DocumentedMethods
from microneedling.web.patient import router as patient_pages
from microneedling.web.query_params import refuse_unknown_query

API_PREFIX = "/api"

DESCRIPTION = """
Clinic records for microneedling (collagen induction therapy): staff, patients, intakes and
screening, treatment plans and consent, appointments, devices and cartridge lots, treatment
sessions, follow-up outcomes and photos, and the audit trail.

Sign in with `POST /api/auth/token` and send `Authorization: Bearer <token>`. Errors are
RFC 9457 problem details (`application/problem+json`).
"""


def create_app(
    settings: ClinicSettings | None = None,
    *,
    clinic: Clinic | None = None,
    migrate: bool = True,
    worker: bool = False,
) -> FastAPI:
    """Build the app; with ``migrate`` the schema is brought up to date at startup; with
    ``worker`` the message worker runs in a thread beside it while it serves, unless another
    process (or app) on the same data directory already runs one (see ``one_worker``)."""
    clinic = clinic or Clinic(settings or ClinicSettings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if migrate:
            clinic.start()
        stop = threading.Event()
        thread = None
        # One message worker per data directory: of several server processes, the first.
        slot = worker_slot(clinic.settings.data_dir) if worker else None
        if slot is not None:
            thread = threading.Thread(
                target=MessageWorker(clinic).run_forever, args=(stop,), name="messages",
                daemon=True,
            )  # fmt: skip
            thread.start()
        yield
        stop.set()
        if thread is not None:
            thread.join(timeout=clinic.settings.smtp_timeout_seconds + 5)
        if slot is not None:
            slot.close()

    app = FastAPI(
        title="microneedling clinic API",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.clinic = clinic
    problems.install(app)
    api = ApiRouter(prefix=API_PREFIX, dependencies=[Depends(refuse_unknown_query)])
    for router in ROUTERS:
        api.include_router(router)
    app.include_router(api)
    app.include_router(patient_pages)
    _mount_pages(app)
    problem_docs.install(app, ROUTERS, API_PREFIX, (current_actor, enrolling_actor))
    app.add_middleware(DocumentedMethods, document=app.openapi, prefix=API_PREFIX)
    app.add_middleware(BodySizeLimit, max_bytes=clinic.settings.request_max_bytes)
    app.add_middleware(
        SecurityHeaders,
        api_prefix=API_PREFIX,
        hsts_max_age_s=clinic.settings.hsts_max_age_seconds,
        trusted_proxies=clinic.settings.trusted_proxies,
    )
    return app


class ApiRouter(APIRouter):
    """The API's routes, asked only about addresses under its prefix.

    FastAPI asks an included router's routes one by one, with no short-cut on its prefix: every
    page request tried each of the API's ~150 routes before the pages'. The answer for any
    other address is the one they would all give: no match.
    """

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path: str = scope["path"]
        root: str = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]  # the address within the app, as Starlette's routes see it
        if path != self.prefix and not path.startswith(self.prefix + "/"):
            return Match.NONE, {}
        return super().matches(scope)


def create_served_app() -> FastAPI:
    """What ``microneedling serve`` runs: the app, and the worker unless the settings say no."""
    settings = ClinicSettings()
    return create_app(settings, worker=settings.worker_beside_serve)


def _mount_pages(app: FastAPI) -> None:
    if importlib.util.find_spec("microneedling.web.pages") is None:
        return
    pages = importlib.import_module("microneedling.web.pages")
    router = getattr(pages, "router", None)
    if isinstance(router, APIRouter):
        app.include_router(router)
