"""405 for a method the API does not document on a path, with ``Allow`` listing exactly those
it does (RFC 9110 section 15.5.6).

Starlette answers 405 from the first route whose path matches, so ``Allow`` named only that
route's methods, and a literal path such as ``/api/staff/practitioners`` fell through to
``PATCH /api/staff/{staff_id}`` (a 422 for a bad id). Here the request's path is matched
against the OpenAPI paths, literal segments first; a method none of the most specific
matches documents is answered 405 before any route runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from microneedling.web.problems import problem

_PARAM = re.compile(r"\{[^}/]+\}")


class DocumentedMethods:
    def __init__(self, app: ASGIApp, document: Callable[[], dict[str, Any]], prefix: str) -> None:
        self.app = app
        self.document = document
        self.prefix = prefix
        self._table: list[tuple[int, re.Pattern[str], frozenset[str]]] | None = None

    def _paths(self) -> list[tuple[int, re.Pattern[str], frozenset[str]]]:
        if self._table is None:
            table = []
            for template, operations in self.document()["paths"].items():
                literal = (re.escape(part) for part in _PARAM.split(template))
                pattern = re.compile("^" + "[^/]+".join(literal) + "$")
                methods = frozenset(m.upper() for m in operations if m != "parameters")
                table.append((len(_PARAM.findall(template)), pattern, methods))
            self._table = table
        return self._table

    def allowed(self, path: str) -> frozenset[str] | None:
        """Methods documented for ``path`` (its most specific templates), None if none match."""
        matches = [(n, methods) for n, pattern, methods in self._paths() if pattern.match(path)]
        if not matches:
            return None
        fewest = min(params for params, _ in matches)
        return frozenset().union(*(methods for params, methods in matches if params == fewest))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or not path.startswith(self.prefix + "/"):
            await self.app(scope, receive, send)
            return
        allowed = self.allowed(path)
        method = str(scope.get("method", "GET"))
        if allowed is None or method in allowed or (method == "HEAD" and "GET" in allowed):
            await self.app(scope, receive, send)
            return
        allow = ", ".join(sorted(allowed))
        response = problem(
            "http", f"{method} is not allowed here; allowed: {allow}", status=405,
            headers={"Allow": allow}, instance=path,
        )  # fmt: skip
        await response(scope, receive, send)
