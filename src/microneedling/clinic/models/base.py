"""Declarative base, naming conventions and column types shared by every clinic table."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import JSON, DateTime, Dialect, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

# Named constraints so that migrations can refer to (and drop) them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A moment in time: stored as naive UTC (SQLite has no zones), read back as aware UTC.

    Naive values handed in are refused: the caller decides which zone a wall-clock time is in.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: attach a time zone before storing")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Document(TypeDecorator[Any]):
    """A JSON document of no one model (audit details, message context, lists of codes)."""

    impl = JSON
    cache_ok = True


M = TypeVar("M", bound=BaseModel)


class PydanticDocument(TypeDecorator[M]):
    """A stored pydantic document: written as ``model_dump(mode="json")``, read back validated.

    ``mapped_column(PydanticDocument(ScreeningResult))`` loads a ``ScreeningResult``, so no
    service validates a stored document by hand. The stored JSON is what the untyped
    :class:`Document` held for the same model, so rows written before the column was typed load
    unchanged. A plain dict handed in (an import's JSON) is validated before it is stored.
    """

    impl = JSON
    cache_ok = True

    def __init__(self, model: type[M]) -> None:
        super().__init__()
        self.model = model

    def process_bind_param(
        self, value: M | dict[str, Any] | None, dialect: Dialect
    ) -> dict[str, Any] | None:
        if value is None:
            return None
        if isinstance(value, dict):
            value = self.model.model_validate(value)
        return value.model_dump(mode="json")

    def process_result_value(self, value: Any, dialect: Dialect) -> M | None:
        if value is None:
            return None
        return self.model.model_validate(value)


#: The clock that stamps new records: the clinic's while one of its units of work runs (so a
#: clinic on a test or demo clock dates its records, audit events included, by that clock),
#: else the system's.
_RECORD_CLOCK: ContextVar[Callable[[], datetime] | None] = ContextVar("record_clock", default=None)


@contextmanager
def stamped_by(clock: Callable[[], datetime]) -> Iterator[None]:
    """Records created inside the block are stamped by ``clock`` (aware datetimes)."""
    token = _RECORD_CLOCK.set(clock)
    try:
        yield
    finally:
        _RECORD_CLOCK.reset(token)


def utcnow() -> datetime:
    """Now, aware, in UTC, by the clock of the current unit of work (see :func:`stamped_by`)."""
    clock = _RECORD_CLOCK.get()
    return clock().astimezone(UTC) if clock is not None else datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
