"""A page of a listing and its total: the total is the count of matches, with or without the
count query (a page that is not full is the last, so its offset plus its rows is the count)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, event, func, insert, select
from sqlalchemy.orm import Session

from microneedling.clinic.paging import MAX_LIMIT, PageRequest, paginate

METADATA = MetaData()
ITEMS = Table("items", METADATA, Column("id", Integer, primary_key=True), Column("group", Integer))


@given(
    rows=st.lists(st.integers(min_value=0, max_value=3), max_size=60),
    group=st.integers(min_value=0, max_value=3),
    offset=st.integers(min_value=0, max_value=70),
    limit=st.integers(min_value=1, max_value=MAX_LIMIT),
)
@settings(max_examples=150, deadline=None)
def test_the_total_is_the_count_of_matches(
    rows: list[int], group: int, offset: int, limit: int
) -> None:
    engine = create_engine("sqlite://")
    METADATA.create_all(engine)
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(str(args[2]))

    with Session(engine) as session:
        if rows:
            session.execute(insert(ITEMS), [{"group": g} for g in rows])
        query = select(ITEMS.c.id).where(ITEMS.c.group == group)
        event.listen(engine, "before_cursor_execute", seen)
        page, total = paginate(session, query, PageRequest(offset=offset, limit=limit), ITEMS.c.id)
        event.remove(engine, "before_cursor_execute", seen)
        matches = [n + 1 for n, g in enumerate(rows) if g == group]
        assert page == matches[offset : offset + limit]
        assert total == session.scalar(select(func.count()).select_from(query.subquery()))
        # The count query runs only when the page cannot tell: full, or empty past the start.
        needed = len(page) == limit or (not page and offset > 0)
        assert len(statements) == (2 if needed else 1)
