"""Pages of results: every list the clinic returns is bounded."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")

MAX_LIMIT = 200


class PageRequest(BaseModel):
    offset: int = Field(default=0, ge=0)
    limit: int = Field(default=50, ge=1, le=MAX_LIMIT)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="records matching the filter, over all pages")
    offset: int
    limit: int
