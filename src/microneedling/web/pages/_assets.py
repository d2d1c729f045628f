"""The pages' own files (CSS, JS) and htmx, all served by the app: no external CDN.

htmx comes from the npm registry (``htmx.org``, pinned in package-lock.json) and is installed
with ``npm ci`` into ``node_modules/`` at the repository root; a packaged deployment may copy
``htmx.min.js`` into ``static/vendor/`` instead. Pages work without it (every form also posts
normally), so a missing htmx is a degraded page, not a broken one.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
_REPO_ROOT = Path(__file__).resolve().parents[4]
HTMX_CANDIDATES = (
    STATIC_DIR / "vendor" / "htmx.min.js",
    _REPO_ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js",
)
_MEDIA_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}
# Assets change only with a release; an hour keeps tablets fast without stale pages for long.
_CACHE = {"Cache-Control": "public, max-age=3600"}

router = APIRouter(include_in_schema=False)


def htmx_path() -> Path | None:
    """Where htmx is installed, or None when ``npm ci`` has not been run."""
    return next((p for p in HTMX_CANDIDATES if p.is_file()), None)


@router.get("/static/vendor/htmx.min.js", name="page_htmx")
def htmx() -> FileResponse:
    path = htmx_path()
    if path is None:
        raise HTTPException(404, "htmx is not installed: run `npm ci` in the repository root")
    return FileResponse(path, media_type="text/javascript", headers=_CACHE)


@router.get("/static/{path:path}", name="page_static")
def static_file(path: str) -> FileResponse:
    target = (STATIC_DIR / path).resolve()
    # Refuse anything that resolves outside the static folder (``..``, symlinks).
    if not target.is_relative_to(STATIC_DIR) or not target.is_file():
        raise HTTPException(404, "no such file")
    media_type = _MEDIA_TYPES.get(target.suffix, "application/octet-stream")
    return FileResponse(target, media_type=media_type, headers=_CACHE)
