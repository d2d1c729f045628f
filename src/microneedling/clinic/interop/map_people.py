"""FHIR for who and where: the clinic (Organization), rooms (Location), staff (Practitioner and
PractitionerRole), patients, and devices with their cartridge lots (Device)."""

from __future__ import annotations

from microneedling.clinic.interop.resources import (
    Resource,
    base,
    extensions,
    ref,
    rid,
    staff_ref,
)
from microneedling.clinic.interop.terms import TERMS_URL, concept_code, local, slug
from microneedling.clinic.models import CartridgeLot, ClinicDevice, Patient, StaffMember

CLINIC_ID = "clinic"


def organization(name: str) -> Resource:
    return {"resourceType": "Organization", "id": rid("Organization", CLINIC_ID),
            "active": True, "name": name}  # fmt: skip


def clinic_ref() -> dict[str, str]:
    return ref("Organization", CLINIC_ID)


def location(room: str) -> Resource:
    return {
        "resourceType": "Location", "id": rid("Location", slug(room)), "name": room,
        "status": "active", "mode": "instance", "managingOrganization": clinic_ref(),
        "physicalType": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/location-physical-type",
            "code": "ro", "display": "Room"}]},
    }  # fmt: skip


def room_ref(room: str) -> dict[str, str]:
    return ref("Location", slug(room))


def practitioner(member: StaffMember) -> Resource:
    resource = base("Practitioner", member.id)
    resource["identifier"].append({"system": "urn:microneedling:username",
                                   "value": member.username})  # fmt: skip
    resource.update(active=member.active, name=[{"text": member.full_name}])
    resource["extension"] = extensions(created_at=member.created_at)
    return resource


def practitioner_role(member: StaffMember) -> Resource:
    resource = base("PractitionerRole", member.id)
    resource.update(
        active=member.active,
        practitioner=ref("Practitioner", member.id),
        organization=clinic_ref(),
        code=[{"coding": [local(concept_code("role", member.role))]}],
    )
    return resource


def patient(record: Patient) -> Resource:
    resource = base("Patient", record.id)
    resource.update(
        active=record.deleted_at is None,
        name=[{"family": record.family_name, "given": [record.given_name]}],
        birthDate=record.date_of_birth.isoformat(),
        gender=record.sex or "unknown",
        managingOrganization=clinic_ref(),
    )
    telecom = []
    if record.email:
        telecom.append({"system": "email", "value": record.email})
    if record.phone:
        telecom.append({"system": "phone", "value": record.phone})
    if telecom:
        resource["telecom"] = telecom
    if record.address:
        resource["address"] = [{"text": record.address}]
    resource["extension"] = extensions(
        consent_photos=record.consent_photos,
        consent_messages=record.consent_messages,
        consent_updated_at=record.consent_updated_at,
        created_at=record.created_at,
        created_by=staff_ref(record.created_by),
        sex_recorded=record.sex is not None,
    )
    return resource


def device(record: ClinicDevice) -> Resource:
    resource = base("Device", record.id, "Device")
    resource.update(
        status="active" if record.active else "inactive",
        serialNumber=record.serial_number,
        deviceName=[{"name": record.label, "type": "user-friendly-name"}],
        type={"coding": [{"system": TERMS_URL + ":device", "code": record.device_type}]},
        owner=clinic_ref(),
    )
    resource["extension"] = extensions(created_at=record.created_at)
    return resource


def lot(record: CartridgeLot) -> Resource:
    """A cartridge lot as a Device: its lot number and expiry are what a recall needs."""
    resource = base("Device", record.id, "Lot")
    resource.update(
        status="inactive" if record.recalled_at else "active",
        lotNumber=record.lot_number,
        expirationDate=record.expires_on.isoformat(),
        type={"coding": [{"system": TERMS_URL + ":device", "code": record.device_type}]},
        owner=clinic_ref(),
    )
    resource["extension"] = extensions(
        cartridge_id=record.cartridge_id,
        needle_count=record.needle_count,
        needle_length_mm=record.needle_length_mm,
        received_on=record.received_on,
        recalled_at=record.recalled_at,
        recall_reason=record.recall_reason,
        recalled_by=staff_ref(record.recalled_by),
        created_at=record.created_at,
    )
    return resource
