"""The vocabulary of the FHIR export: code systems, body-site codes, units, extensions.

Standard codes are used where one exists and nowhere else:

- **SNOMED CT body sites**, read from DICOM PS3.16 CID 4029 "Dermatology Anatomic Site"
  (version 20240913; the "skin of ..." concepts dermatology uses). A clinic site with no single
  concept there is coded with the concepts that together cover it (chin and jawline; the front
  and back of the thighs); every site also carries the clinic's own site code.
- **UCUM** for needle depth (``mm``) and score annotations (``{score}``).
- **CPT 17999** ("unlisted procedure, skin, mucous membrane and subcutaneous tissue"): what is
  billed in the US for microneedling when it is billed; SNOMED CT has no microneedling concept.
- Everything else (the procedure, concerns, scales, sites, roles, observation codes) is in the
  local code system :data:`TERMS_URL`, published in every export as a CodeSystem resource and
  listed in docs/interop.md.
"""

from __future__ import annotations

import re
from typing import Any

from microneedling.clinic.photo_views import VIEW_NAMES
from microneedling.clinic.roles import Role
from microneedling.knowledge import KnowledgeBase

BASE = "urn:microneedling"
TERMS_URL = f"{BASE}:terms"
EXT = f"{BASE}:extension:"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
CPT = "http://www.ama-assn.org/go/cpt"
CPT_UNLISTED_SKIN = "17999"
QUESTIONNAIRE_URL = f"{BASE}:questionnaire:intake"
#: The source of :data:`BODY_SITES`, named in the export and in docs.
BODY_SITE_SOURCE = "DICOM PS3.16 CID 4029 Dermatology Anatomic Site (20240913)"

#: Clinic site -> SNOMED CT concepts (code, display) from DICOM CID 4029.
BODY_SITES: dict[str, tuple[tuple[str, str], ...]] = {
    "forehead": (("68698007", "Skin of forehead"),),
    "periorbital": (("362916000", "Skin of eye region"),),
    "cheeks": (("36141000", "Skin of cheek"),),
    "nose": (("113179006", "Skin of nose"),),
    "perioral": (("110488009", "Skin of perioral region of face"),),
    "chin_jawline": (("23747009", "Skin of chin"), ("244097004", "Skin of jawline")),
    "neck": (("43081002", "Skin of neck"),),
    "decolletage": (("66288003", "Skin of infraclavicular region"), ("244107007", "Sternal skin")),
    "chest": (("244106003", "Skin of anterior surface of thorax"),),
    "abdomen": (("75093004", "Skin of abdomen"),),
    "back": (("66643007", "Skin of back"),),
    "buttocks": (("22180002", "Skin of buttock"),),
    "hands": (("33712006", "Skin of hand"),),
    "arms": (("371311000", "Skin of upper extremity"),),
    "thighs": (
        ("61248009", "Skin of anterior surface of thigh"),
        ("4578000", "Skin of posterior surface of thigh"),
    ),
    "legs": (("371304004", "Skin of lower extremity"),),
}

#: Local codes that are not knowledge-base entries: (code, display, definition).
FIXED_TERMS: tuple[tuple[str, str, str], ...] = (
    ("microneedling", "Microneedling (collagen induction therapy)",
     "Percutaneous collagen induction with a needling pen or roller; no SNOMED CT concept."),
    ("needle-depth", "Needle depth", "Needle length set for one treated area [mm]."),
    ("passes", "Passes", "Passes over one treated area [count]."),
    ("outcome-score", "Outcome score", "A clinician's score on the concern's scale."),
    ("patient-satisfaction", "Patient satisfaction", "The patient's satisfaction, 0 to 10."),
    ("screening", "Screening", "The screening rules' decision for an intake."),
    ("course-plan", "Microneedling course plan", "A planned course of sessions."),
    ("consent-treatment", "Treatment consent", "Consent to a version of a course plan."),
    ("appointment-consultation", "Consultation", "An appointment to consult."),
    ("appointment-session", "Treatment session", "An appointment to treat."),
    ("appointment-follow_up", "Follow-up", "An appointment to assess the outcome."),
    ("end-point-pinpoint_bleeding", "Pinpoint bleeding", "End-point reached: pinpoint bleeding."),
    ("end-point-uniform_erythema", "Uniform erythema", "End-point reached: uniform redness."),
    ("end-point-not_reached", "End-point not reached", "The session ended before its end-point."),
    ("photo-baseline", "Baseline photo", "Taken before treatment."),
    ("photo-session", "Session photo", "Taken at a session."),
    ("photo-follow_up", "Follow-up photo", "Taken at a follow-up."),
    *((f"photo-view-{view}", name, "The camera's view of a clinical photo.")
      for view, name in VIEW_NAMES.items()),
)  # fmt: skip


def slug(text: str) -> str:
    """A code from a name: lower case, runs of other characters as one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def concept_code(kind: str, key: str) -> str:
    """The local code of a knowledge-base entry (``concern-fine_lines``, ``site-cheeks``)."""
    return f"{kind}-{key}"


def scale_code(scale_name: str) -> str:
    return concept_code("scale", slug(scale_name))


def local(code: str, display: str | None = None) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": TERMS_URL, "code": code}
    if display:
        coding["display"] = display
    return coding


def code_system(kb: KnowledgeBase) -> dict[str, Any]:
    """The local CodeSystem: fixed terms, roles, sites, concerns and their scales."""
    concepts = [{"code": c, "display": d, "definition": x} for c, d, x in FIXED_TERMS]
    for role in Role:
        concepts.append({"code": concept_code("role", role), "display": role.replace("_", " ")})
    for site in kb.sites.values():
        concepts.append({"code": concept_code("site", site.id), "display": site.name})
    scales: dict[str, str] = {}
    for concern in kb.concerns.values():
        concepts.append({"code": concept_code("concern", concern.id), "display": concern.name})
        scale = concern.scale
        scales[scale_code(scale.name)] = f"{scale.name} ({scale.best} best, {scale.worst} worst)"
    concepts += [{"code": code, "display": name} for code, name in sorted(scales.items())]
    return {
        "resourceType": "CodeSystem", "id": "microneedling-terms", "url": TERMS_URL,
        "name": "MicroneedlingTerms", "title": "Microneedling clinic terms", "status": "active",
        "content": "complete", "caseSensitive": True, "count": len(concepts),
        "description": "Local terms of the microneedling clinic: procedure, roles, sites, "
        f"concerns and scales. Body sites are also coded in SNOMED CT ({BODY_SITE_SOURCE}); "
        f"the billing code where billed is CPT {CPT_UNLISTED_SKIN}.",
        "concept": concepts,
    }  # fmt: skip


def body_sites(site: str, name: str | None = None) -> list[dict[str, Any]]:
    """A treated site as CodeableConcepts: the SNOMED CT concepts with the local code."""
    coded = [{"system": SNOMED, "code": code, "display": display} for code, display in
             BODY_SITES.get(site, ())]  # fmt: skip
    local_site = local(concept_code("site", site), name)
    if not coded:
        return [{"coding": [local_site], "text": name or site}]
    return [{"coding": [c, local_site] if i == 0 else [c]} for i, c in enumerate(coded)]


def site_of(concepts: list[dict[str, Any]]) -> str | None:
    """The clinic site of a bodySite list (its local code), None if none is local."""
    for concept in concepts:
        for coding in concept.get("coding", []):
            if coding.get("system") == TERMS_URL and coding["code"].startswith("site-"):
                return str(coding["code"]).removeprefix("site-")
    return None
