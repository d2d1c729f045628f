"""Devices and cartridge lots: registration against the knowledge base, expiry and recalls.

A lot names the knowledge-base device type it fits, and its cartridge, needle count and
needle length are checked against that device's labelling. A recall lists every patient
treated with the lot, deleted or not, so that each can be contacted.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Service
from microneedling.clinic.known_ids import CartridgeRef, DeviceRef, lot_fits_device
from microneedling.clinic.models import CartridgeLot, ClinicDevice, Patient, TreatmentSession
from microneedling.clinic.paging import Page, PageRequest, paginate
from microneedling.clinic.roles import Permission
from microneedling.clinic.services.lookups import get_device, get_lot
from microneedling.clinic.text import Code, ShortText
from microneedling.errors import InvalidInput, RequestRefused
from microneedling.iso_dates import IsoDate
from microneedling.knowledge import Device, KnowledgeBase


class DeviceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    device_type: DeviceRef = Field(description="knowledge-base device id")
    serial_number: Code
    label: ShortText


class DeviceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    device_type: str
    serial_number: str
    label: str
    active: bool
    labelled_max_depth_mm: float = 0.0


class LotIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=lot_fits_device)

    lot_number: Code
    device_type: DeviceRef = Field(description="knowledge-base device id the lot fits")
    cartridge_id: CartridgeRef | None = Field(default=None, description="pens: the cartridge id")
    needle_count: int = Field(gt=0, le=1000)
    needle_length_mm: float = Field(gt=0, le=5)
    expires_on: IsoDate
    received_on: IsoDate | None = None


class LotOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    lot_number: str
    device_type: str
    cartridge_id: str | None
    needle_count: int
    needle_length_mm: float
    expires_on: date
    received_on: date | None
    recalled_at: datetime | None
    recall_reason: str | None
    usable: bool = False


class RecallIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: ShortText


class TreatedWithLot(BaseModel):
    patient_id: int
    given_name: str
    family_name: str
    email: str | None
    phone: str | None
    consent_messages: bool
    deleted: bool
    session_ids: list[int]
    treated_on: list[date]


class RecallReport(BaseModel):
    lot: LotOut
    patients: list[TreatedWithLot]


def device_type(kb: KnowledgeBase, device_id: str, field: str = "device_type") -> Device:
    return kb.devices.require(device_id, field)


def lot_refusal(lot: CartridgeLot, today: date) -> str | None:
    """Why a lot may not be used today, or None."""
    if lot.recalled_at is not None:
        return f"lot {lot.lot_number} was recalled: {lot.recall_reason}"
    if lot.expires_on < today:
        return f"lot {lot.lot_number} expired on {lot.expires_on.isoformat()}"
    return None


def _lot_out(lot: CartridgeLot, today: date) -> LotOut:
    out = LotOut.model_validate(lot)
    out.usable = lot_refusal(lot, today) is None
    return out


def check_lot_fits(kb: KnowledgeBase, data: LotIn) -> None:
    """The lot's labelling must match the device type it claims to fit."""
    device = device_type(kb, data.device_type)
    if device.kind == "pen":
        if data.cartridge_id is None:
            raise InvalidInput("cartridge_id", f"a {device.name} lot needs its cartridge id")
        cartridge = next((c for c in device.cartridges if c.id == data.cartridge_id), None)
        if cartridge is None:
            known = ", ".join(c.id for c in device.cartridges)
            raise InvalidInput(
                "cartridge_id", f"'{data.cartridge_id}' is not a {device.name} cartridge "
                f"(known: {known})",
            )  # fmt: skip
        if cartridge.needle_count != data.needle_count:
            raise InvalidInput(
                "needle_count",
                f"cartridge {cartridge.id} has {cartridge.needle_count} needles, "
                f"not {data.needle_count}",
            )
    else:
        if data.cartridge_id is not None:
            raise InvalidInput("cartridge_id", "a roller has no cartridges; leave it empty")
        if device.roller_needle_count and device.roller_needle_count != data.needle_count:
            raise InvalidInput(
                "needle_count",
                f"{device.name} has {device.roller_needle_count} needles, not {data.needle_count}",
            )
        if abs(device.needle_length_mm.low - data.needle_length_mm) > 1e-9:
            raise InvalidInput(
                "needle_length_mm",
                f"{device.name} needles are {device.needle_length_mm.low} mm long",
            )
    if data.needle_length_mm > device.labelled_max_depth_mm:
        raise InvalidInput(
            "needle_length_mm",
            f"beyond the {device.name} labelled maximum of {device.labelled_max_depth_mm} mm",
        )


class DeviceService(Service):
    def register_device(self, data: DeviceIn) -> DeviceOut:
        kb_device = device_type(self.clinic.kb, data.device_type)
        with self.unit(Permission.MANAGE_DEVICES) as u:
            if u.session.scalar(
                select(ClinicDevice.id).where(ClinicDevice.serial_number == data.serial_number)
            ):
                raise InvalidInput("serial_number", f"'{data.serial_number}' is registered")
            device = ClinicDevice(**data.model_dump())
            u.session.add(device)
            u.session.flush()
            u.audit.record("create", "device", device.id)
            return self._device_out(device, kb_device)

    def _device_out(self, device: ClinicDevice, kb_device: Device | None = None) -> DeviceOut:
        out = DeviceOut.model_validate(device)
        kb_device = kb_device or self.clinic.kb.devices.get(device.device_type)
        out.labelled_max_depth_mm = kb_device.labelled_max_depth_mm if kb_device else 0.0
        return out

    def devices(self, page: PageRequest, active: bool | None = None) -> Page[DeviceOut]:
        with self.reading(Permission.READ_DEVICES) as u:
            query = select(ClinicDevice)
            if active is not None:
                query = query.where(ClinicDevice.active.is_(active))
            rows: list[ClinicDevice]
            rows, total = paginate(u.session, query, page, ClinicDevice.id)
            items = [self._device_out(d) for d in rows]
            return Page(items=items, total=total, offset=page.offset, limit=page.limit)

    def set_active(self, device_id: int, active: bool) -> DeviceOut:
        with self.unit(Permission.MANAGE_DEVICES) as u:
            device = get_device(u.session, device_id)
            device.active = active
            u.audit.record("update", "device", device.id, detail={"active": active})
            return self._device_out(device)

    def register_lot(self, data: LotIn) -> LotOut:
        check_lot_fits(self.clinic.kb, data)
        with self.unit(Permission.MANAGE_DEVICES) as u:
            if u.session.scalar(
                select(CartridgeLot.id).where(CartridgeLot.lot_number == data.lot_number)
            ):
                raise InvalidInput("lot_number", f"lot '{data.lot_number}' is registered")
            lot = CartridgeLot(**data.model_dump())
            u.session.add(lot)
            u.session.flush()
            u.audit.record("create", "cartridge_lot", lot.id)
            return _lot_out(lot, self.clinic.today())

    def lots(
        self, page: PageRequest, device_type: str | None = None, usable: bool | None = None
    ) -> Page[LotOut]:
        today = self.clinic.today()
        with self.reading(Permission.READ_DEVICES) as u:
            query = select(CartridgeLot)
            if device_type is not None:
                query = query.where(CartridgeLot.device_type == device_type)
            if usable is True:
                query = query.where(
                    CartridgeLot.recalled_at.is_(None), CartridgeLot.expires_on >= today
                )
            elif usable is False:
                query = query.where(
                    (CartridgeLot.recalled_at.is_not(None)) | (CartridgeLot.expires_on < today)
                )
            rows: list[CartridgeLot]
            rows, total = paginate(u.session, query, page, CartridgeLot.expires_on, CartridgeLot.id)
            items = [_lot_out(lot, today) for lot in rows]
            return Page(items=items, total=total, offset=page.offset, limit=page.limit)

    def recall(self, lot_id: int, data: RecallIn) -> RecallReport:
        """Mark the lot recalled (from now on refused) and list everyone treated with it."""
        with self.unit(Permission.RECALL_LOTS, Permission.READ_CONTACTS) as u:
            lot = get_lot(u.session, lot_id)
            if lot.recalled_at is not None:
                raise RequestRefused("lot_id", f"lot {lot.lot_number} is already recalled")
            lot.recalled_at = self.clinic.now()
            lot.recall_reason = data.reason
            lot.recalled_by = self.actor.staff_id
            report = self._treated_with(u.session, lot)
            u.audit.record(
                "recall", "cartridge_lot", lot.id,
                detail={"reason": data.reason, "patient_ids": [p.patient_id for p in report]},
            )  # fmt: skip
            return RecallReport(lot=_lot_out(lot, self.clinic.today()), patients=report)

    def recall_report(self, lot_id: int) -> RecallReport:
        # A report: the replica may serve it once it has replayed what the primary had.
        with self.reading(Permission.RECALL_LOTS, Permission.READ_CONTACTS, replica=True) as u:
            lot = get_lot(u.session, lot_id)
            report = self._treated_with(u.session, lot)
            u.audit.listed("recall_report", [lot.id], [p.patient_id for p in report])
            return RecallReport(lot=_lot_out(lot, self.clinic.today()), patients=report)

    def _treated_with(self, session: Session, lot: CartridgeLot) -> list[TreatedWithLot]:
        rows = session.execute(
            select(TreatmentSession, Patient)
            .join(Patient, Patient.id == TreatmentSession.patient_id)
            .where(TreatmentSession.lot_id == lot.id)
            .order_by(Patient.id, TreatmentSession.id)
        ).all()
        by_patient: dict[int, TreatedWithLot] = {}
        for treatment, patient in rows:
            entry = by_patient.setdefault(
                patient.id,
                TreatedWithLot(
                    patient_id=patient.id,
                    given_name=patient.given_name,
                    family_name=patient.family_name,
                    email=patient.email,
                    phone=patient.phone,
                    consent_messages=patient.consent_messages,
                    deleted=patient.deleted_at is not None,
                    session_ids=[],
                    treated_on=[],
                ),
            )
            entry.session_ids.append(treatment.id)
            when = treatment.treatment_started_at or treatment.created_at
            entry.treated_on.append(self.clinic.local(when).date())
        return list(by_patient.values())
