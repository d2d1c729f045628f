"""Unknown query parameters are refused, as unknown body fields are.

A misspelt filter (``?patient=7`` for ``?patient_id=7``) would otherwise be ignored silently
and the caller would get every record instead of one patient's. Every API route gets this
check as a dependency; the parameters it knows are those its OpenAPI operation declares
(through sub-dependencies and query models), so the refusal matches the published schema.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from microneedling.errors import InvalidInput


def declared_query(dependant: Dependant) -> set[str]:
    """The query parameter names a route (or dependency) declares, by their aliases."""
    names: set[str] = set()
    for param in dependant.query_params:
        fields = getattr(param.field_info.annotation, "model_fields", None)
        if fields:  # a query model (``Annotated[SlotQuery, Query()]``) names its fields
            names |= {field.alias or name for name, field in fields.items()}
        else:
            names.add(param.alias)
    for sub in dependant.dependencies:
        names |= declared_query(sub)
    return names


async def refuse_unknown_query(request: Request) -> None:
    """422 naming the first query parameter the route does not declare."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.query_params:
        return
    known = declared_query(route.dependant)
    for name in request.query_params:
        if name not in known:
            raise InvalidInput(name or "(query)", "is not a parameter this request takes")
