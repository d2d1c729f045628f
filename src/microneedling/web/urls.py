"""Addresses of named routes, found without trying every route of the app each time.

Starlette finds the address of a named route by asking every route of the app in turn, each
one that does not match raising and catching an exception: with this app's few hundred routes
about a millisecond per address, and a day's schedule or a patient's record asks for a few
hundred addresses. Routes do not change once the app serves, so :class:`RouteAddresses`
remembers which route answered a name with a given set of parameter names and asks only that
route the next time; the address is the same one Starlette's search finds first (the search
runs in the same order, and again whenever the remembered route does not answer).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from starlette.datastructures import URL, URLPath
from starlette.requests import Request
from starlette.routing import NoMatchFound


class _Addressable(Protocol):
    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath: ...


class RouteAddresses:
    """The addresses of one app's routes (one per app, shared by its threads)."""

    def __init__(self, routes: list[Any]) -> None:
        self._routes = routes
        #: (route name, parameter names) -> the route that answered it first.
        self._answering: dict[tuple[str, frozenset[str]], _Addressable] = {}

    def _candidates(self) -> Iterator[_Addressable]:
        """Every route in the order Starlette's own search asks them.

        FastAPI keeps an included router as one entry that searches its own routes; its
        ``effective_route_contexts`` lists them (each with the router's prefix), so one of
        them can be remembered. Without that method the entry itself is asked (slower, same
        answer).
        """
        for route in self._routes:
            inner = getattr(route, "effective_route_contexts", None)
            if callable(inner):
                yield from inner()
            else:
                yield route

    def path_for(self, name: str, /, **path_params: Any) -> URLPath:
        """The path of route ``name`` with ``path_params``, or :class:`NoMatchFound`."""
        key = (name, frozenset(path_params))
        known = self._answering.get(key)
        if known is not None:
            try:
                return known.url_path_for(name, **path_params)
            except NoMatchFound:
                pass  # these values do not fit it: search as Starlette does
        for route in self._candidates():
            try:
                path = route.url_path_for(name, **path_params)
            except NoMatchFound:
                continue
            self._answering[key] = route
            return path
        raise NoMatchFound(name, path_params)


def route_addresses(request: Request) -> RouteAddresses:
    """The app's :class:`RouteAddresses`, made on first use (after every route is added)."""
    state = request.app.state
    found = getattr(state, "route_addresses", None)
    if not isinstance(found, RouteAddresses):
        found = RouteAddresses(request.app.router.routes)
        state.route_addresses = found
    return found


def url_for(request: Request, name: str, /, **path_params: Any) -> URL:
    """What ``request.url_for`` gives (an absolute URL), without searching every route."""
    path = route_addresses(request).path_for(name, **path_params)
    return path.make_absolute_url(base_url=request.base_url)
