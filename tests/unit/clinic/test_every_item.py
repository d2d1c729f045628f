"""A whole record read page by page: every item once, in the listing's order."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from microneedling.clinic.paging import MAX_LIMIT, Page, PageRequest, every_item


def _listing(total: int, calls: list[PageRequest]) -> Callable[[PageRequest], Page[int]]:
    def fetch(page: PageRequest) -> Page[int]:
        calls.append(page)
        items = list(range(page.offset, min(page.offset + page.limit, total)))
        return Page(items=items, total=total, offset=page.offset, limit=page.limit)

    return fetch


@pytest.mark.parametrize(
    "total", [0, 1, MAX_LIMIT - 1, MAX_LIMIT, MAX_LIMIT + 1, 2 * MAX_LIMIT + 7]
)
def test_every_item_reads_each_page_once(total: int) -> None:
    calls: list[PageRequest] = []
    assert every_item(_listing(total, calls)) == list(range(total))
    assert [c.offset for c in calls] == list(range(0, max(total, 1), MAX_LIMIT))
    assert all(c.limit == MAX_LIMIT for c in calls)


def test_every_item_stops_when_the_listing_shrinks_under_it() -> None:
    # A record deleted between two pages: the total promised more than is left.
    def fetch(page: PageRequest) -> Page[int]:
        items = [] if page.offset else list(range(MAX_LIMIT))
        return Page(items=items, total=MAX_LIMIT + 5, offset=page.offset, limit=page.limit)

    assert len(every_item(fetch)) == MAX_LIMIT
