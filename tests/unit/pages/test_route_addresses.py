"""Remembered route addresses are the addresses Starlette's own search gives, for every route."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.routing import NoMatchFound

from microneedling.clinic import ClinicSettings
from microneedling.web import create_app
from microneedling.web.urls import RouteAddresses


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    settings = ClinicSettings(
        environment="test",
        secret_key="addresses-test-secret-" + "a" * 40,
        data_dir=tmp_path_factory.mktemp("addresses"),
    )
    return create_app(settings, migrate=False)


def _named(app: FastAPI) -> list[tuple[str, list[str]]]:
    """Every named route of the app and its path parameters (included routers' too)."""
    found: list[tuple[str, list[str]]] = []
    for route in app.router.routes:
        inner = getattr(route, "effective_route_contexts", None)
        for leaf in inner() if callable(inner) else [route]:
            name, path = getattr(leaf, "name", None), getattr(leaf, "path", None)
            if isinstance(name, str) and isinstance(path, str):
                found.append((name, re.findall(r"{(\w+)(?::\w+)?}", path)))
    return found


def test_the_app_has_many_named_routes_to_find(app: FastAPI) -> None:
    named = _named(app)
    assert len(named) > 200
    assert ("patient_record", ["patient_id"]) in named
    assert ("schedule_today", []) in named


@given(value=st.integers(min_value=1, max_value=2**31 - 1), data=st.data())
@settings(max_examples=60, deadline=None)
def test_every_route_address_is_the_one_starlette_finds(
    app: FastAPI, value: int, data: st.DataObject
) -> None:
    addresses = RouteAddresses(app.router.routes)
    named = _named(app)
    picked = data.draw(st.lists(st.sampled_from(named), min_size=1, max_size=40))
    for name, params in picked * 2:  # the second time from the remembered route
        values: dict[str, Any] = {p: value for p in params}
        try:
            expected = app.router.url_path_for(name, **values)
        except NoMatchFound:
            with pytest.raises(NoMatchFound):
                addresses.path_for(name, **values)
            continue
        assert addresses.path_for(name, **values) == expected


def test_an_unknown_name_or_wrong_parameters_are_refused_as_starlette_does(app: FastAPI) -> None:
    addresses = RouteAddresses(app.router.routes)
    addresses.path_for("patient_record", patient_id=3)
    with pytest.raises(NoMatchFound):
        addresses.path_for("patient_record")  # remembered with other parameter names
    with pytest.raises(NoMatchFound):
        addresses.path_for("no_such_route")


def test_routes_taking_a_file_path_have_the_same_addresses(app: FastAPI) -> None:
    addresses = RouteAddresses(app.router.routes)
    with_paths = [(name, params) for name, params in _named(app) if "path" in params]
    assert with_paths  # the static files
    for name, params in with_paths:
        values: dict[str, Any] = {p: "css/clinic.css" if p == "path" else 1 for p in params}
        assert addresses.path_for(name, **values) == app.router.url_path_for(name, **values)
