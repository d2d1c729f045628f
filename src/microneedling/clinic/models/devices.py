"""The clinic's devices (by knowledge-base device type) and cartridge lots."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from microneedling.clinic.models.base import Base, UtcDateTime, utcnow


class ClinicDevice(Base):
    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_type: Mapped[str] = mapped_column(String(64), doc="knowledge-base device id")
    serial_number: Mapped[str] = mapped_column(String(100), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CartridgeLot(Base):
    """A manufacturing lot of cartridges (or roller heads) of one needle count and length."""

    __tablename__ = "cartridge_lots"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_number: Mapped[str] = mapped_column(String(100), unique=True)
    device_type: Mapped[str] = mapped_column(String(64), doc="knowledge-base device id")
    cartridge_id: Mapped[str | None] = mapped_column(String(64), default=None)
    needle_count: Mapped[int]
    needle_length_mm: Mapped[float] = mapped_column(Float)
    expires_on: Mapped[date] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date, default=None)
    recalled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    recall_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    recalled_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
