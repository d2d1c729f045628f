"""Device materials against the patient's allergies: a plan never uses a device that contains
a material the patient is allergic to.

The allergies are the intake's listed codes plus every "other" allergy a clinician has
classified as one of them. What each device is made of, and which allergy codes each material
contains, is in the knowledge base (devices.yaml, ``MATERIAL_ALLERGENS``).
"""

from __future__ import annotations

from microneedling.errors import RequestRefused
from microneedling.knowledge import Device, KnowledgeBase
from microneedling.screening.intake import Intake


def clashes(device: Device, allergies: list[str]) -> dict[str, list[str]]:
    """Allergy code -> the device parts that contain it, for the patient's allergies."""
    contained = device.allergens()
    return {code: contained[code] for code in allergies if code in contained}


def fitting_devices(kb: KnowledgeBase, allergies: list[str]) -> list[Device]:
    """Devices in the knowledge base that contain none of ``allergies``."""
    return [d for d in kb.devices.values() if not clashes(d, allergies)]


def refuse_allergenic_device(kb: KnowledgeBase, device: Device, intake: Intake) -> None:
    """Raise :class:`RequestRefused` on ``device`` if it contains an allergen of the patient's.

    The message names each material and part, and proposes the devices that fit.
    """
    allergies = intake.allergy_codes() or []
    found = clashes(device, allergies)
    if not found:
        return
    what = "; ".join(
        f"{code.replace('_', ' ')} in its {', '.join(parts)}" for code, parts in found.items()
    )
    fit = fitting_devices(kb, allergies)
    offer = (
        "devices that fit: " + ", ".join(f"{d.name} ({d.id})" for d in fit)
        if fit
        else "no device in the knowledge base fits; add one whose needles and cartridge "
        "contain none of these materials, or do not treat"
    )
    raise RequestRefused(
        "device",
        f"{device.name} contains a material the patient is allergic to ({what}); {offer}",
    )


def unknown_holder_note(device: Device, intake: Intake) -> str | None:
    """A plan note when the cartridge or drum material is not recorded and could matter."""
    allergies = intake.allergy_codes() or []
    if device.holder_material is not None or not allergies:
        return None
    part = "cartridge" if device.kind == "pen" else "drum"
    listed = ", ".join(a.replace("_", " ") for a in allergies)
    return (
        f"The {part} material of {device.name} is not recorded; check the maker's labelling "
        f"for the patient's allergies ({listed}) before the first session."
    )
