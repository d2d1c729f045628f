"""Imports every command module so that each registers itself on the app."""

from __future__ import annotations

from microneedling.cli import (
    absorb,  # noqa: F401
    calibrate,  # noqa: F401
    db,  # noqa: F401
    interop,  # noqa: F401
    knowledge,  # noqa: F401
    oversight,  # noqa: F401
    plan,  # noqa: F401
    schema,  # noqa: F401
    screen,  # noqa: F401
    serve,  # noqa: F401
    simulate,  # noqa: F401
    sweep,  # noqa: F401
    worker,  # noqa: F401
)
