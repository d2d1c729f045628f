"""The OpenAPI document tells which problem responses each operation really gives.

FastAPI declares only 2xx and a JSON 422. Every error here is an RFC 9457 problem
(``application/problem+json``, :mod:`.problems`), so one pass over the generated document
declares them per operation from what the route is, in one place rather than per route:

- 401 and 403 (not signed in; role or CSRF refusal) where the route needs a signed-in actor;
- 422 everywhere (an undeclared query parameter is refused on every route); 404 where it
  takes a record id in the path or the query, or a body that names records; 409 (refused by
  a clinical or booking rule) on writes;
- 400, 413 and 415 where it takes a body (malformed, larger than ``request_max_bytes``,
  unsupported media type); 401 and 429 on sign-in (``POST /api/auth/token``);
- 405 for methods a path does not document comes from :mod:`.methods`, with ``Allow``;
- the rules an operation's JSON Schema cannot state (:mod:`.unstated_rules`), appended to its
  description.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from microneedling.web.problems import MEDIA_TYPE, PROBLEM_TYPES
from microneedling.web.unstated_rules import RULES

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SIGN_IN_PATH = "/api/auth/token"


class FieldProblem(BaseModel):
    field: str = Field(
        description="the offending field, dotted (`body.date_of_birth`: `date_of_birth`)"
    )
    problem: str


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = Field(description="`/problems/<slug>`, listed in docs/api.md")
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    errors: list[FieldProblem] = Field(default_factory=list)
    instance: str | None = None


Actors = tuple[Callable[..., Any], ...]


def _needs_actor(dependant: Dependant, actors: Actors) -> bool:
    return dependant.call in actors or any(_needs_actor(d, actors) for d in dependant.dependencies)


def _all_params(dependant: Dependant) -> tuple[bool, bool]:
    """(has path parameters, has query parameters), through sub-dependencies."""
    path, query = bool(dependant.path_params), bool(dependant.query_params)
    for sub in dependant.dependencies:
        sub_path, sub_query = _all_params(sub)
        path, query = path or sub_path, query or sub_query
    return path, query


def _query_names_record(dependant: Dependant) -> bool:
    """Does a query parameter name a record (``practitioner_id``), through sub-dependencies?"""
    names = [p.name for p in dependant.query_params]
    for param in dependant.query_params:
        # A query model (``Annotated[SlotQuery, Query()]``) names its fields, not itself.
        fields = getattr(param.field_info.annotation, "model_fields", None)
        names += list(fields or ())
    return any(name.endswith("_id") for name in names) or any(
        _query_names_record(d) for d in dependant.dependencies
    )


def problem_statuses(route: APIRoute, path: str, actors: Actors) -> set[int]:
    """The problem statuses ``route`` (served at ``path``) can answer with."""
    in_path, _query = _all_params(route.dependant)
    body = route.body_field is not None
    statuses: set[int] = set()
    if _needs_actor(route.dependant, actors):
        statuses |= {401, 403}
    # Every operation refuses query parameters it does not declare (web/query_params.py).
    statuses.add(422)
    if in_path or body or _query_names_record(route.dependant):
        statuses.add(404)
    if body:
        statuses |= {400, 413, 415}
    if set(route.methods or ()) & WRITES and path != SIGN_IN_PATH:
        statuses.add(409)
    if path == SIGN_IN_PATH:
        statuses |= {401, 429}  # wrong username or password; slowed after failures
    return statuses


def _titles() -> dict[int, str]:
    titles: dict[int, str] = {}
    for status, title in PROBLEM_TYPES.values():
        titles[status] = f"{titles[status]}; {title}" if status in titles else title
    return titles


def install(app: FastAPI, routers: Sequence[APIRouter], prefix: str, actors: Actors) -> None:
    """Make ``app.openapi()`` declare the problem responses of every route in ``routers``
    (mounted under ``prefix``)."""
    generate = app.openapi
    titles = _titles()

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generate()
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas |= schemas["Problem"].pop("$defs", {})
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        content = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        routes = [r for router in routers for r in router.routes if isinstance(r, APIRoute)]
        for route in routes:
            path = prefix + route.path_format
            operations = document["paths"].get(path, {}) if route.include_in_schema else {}
            for method in route.methods or ():
                operation = operations.get(method.lower())
                if operation is None:
                    continue
                rules = RULES.get(f"{method} {path}")
                if rules is not None:
                    said = operation.get("description", "")
                    operation["description"] = (
                        f"{said}\n\nAlso refused, naming the field: {rules}.".strip()
                    )
                responses = operation.setdefault("responses", {})
                responses.pop("422", None)  # FastAPI's JSON 422: ours is a problem document
                for status in sorted(problem_statuses(route, path, actors)):
                    responses[str(status)] = {"description": titles[status], "content": content}
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
