"""Pages of results: every list the clinic returns is bounded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")

MAX_LIMIT = 200
#: The largest id a record can have: PostgreSQL's ``integer`` key (2^31 - 1; SQLite's is wider).
#: A larger number cannot name a record, and past 2^63 it would overflow the database driver.
MAX_RECORD_ID = 2**31 - 1
#: No filter has more matches than there are records, so no offset needs to go further.
MAX_OFFSET = MAX_RECORD_ID

#: An id naming a record in a request body or filter (1 to :data:`MAX_RECORD_ID`).
RecordRef = Annotated[int, Field(ge=1, le=MAX_RECORD_ID, description="a record's id")]


class PageRequest(BaseModel):
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET)
    limit: int = Field(default=50, ge=1, le=MAX_LIMIT)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="records matching the filter, over all pages")
    offset: int
    limit: int


def paginate(
    session: Session, query: Select[Any], page: PageRequest, *order: Any
) -> tuple[list[Any], int]:
    """One page of ``query`` in ``order`` and the total count of matches.

    A page that came back with some rows but not full is the last one, so the total is the
    offset plus its rows (the same number the count would give in the same transaction): only
    a full page, or an empty one past the start, needs the count query.
    """
    rows = list(session.scalars(query.order_by(*order).offset(page.offset).limit(page.limit)))
    if len(rows) < page.limit and (rows or page.offset == 0):
        return rows, page.offset + len(rows)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return rows, total


def every_item(fetch: Callable[[PageRequest], Page[T]]) -> list[T]:
    """Every item a paged listing has, page after page of the largest size: for a view that
    shows a patient's whole record. The listing stays the one definition of what is listed.
    Each page is its own read (and audit event): a record added between two pages of a
    listing longer than one page may be missed or shown twice until the view is reloaded."""
    items: list[T] = []
    while True:
        page = fetch(PageRequest(offset=len(items), limit=MAX_LIMIT))
        items.extend(page.items)
        if not page.items or len(items) >= page.total:
            return items
