"""The web interface: JSON API (and, beside it, server-rendered pages)."""

from microneedling.web.app import API_PREFIX, create_app

__all__ = ["API_PREFIX", "create_app"]
