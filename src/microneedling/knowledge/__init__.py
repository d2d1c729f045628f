"""The cited clinical knowledge base: sites, concerns, contraindications, devices, aftercare."""

from microneedling.knowledge.aftercare import (
    AftercareGuide,
    AftercareInstruction,
    Milestone,
    PreVisitInstruction,
    Visit,
    WarningSign,
)
from microneedling.knowledge.base import Citation, CountRange, Range, Spread
from microneedling.knowledge.catalogue import Catalogue, UnknownEntry
from microneedling.knowledge.concerns import Concern, OutcomeScale, Severity
from microneedling.knowledge.contraindications import Contraindication, Trigger
from microneedling.knowledge.devices import Cartridge, Device
from microneedling.knowledge.load import (
    RULESET_VERSION,
    KnowledgeBase,
    load_knowledge,
    load_knowledge_from,
)
from microneedling.knowledge.references import Reference
from microneedling.knowledge.sites import Site, SkinLayers

__all__ = [
    "RULESET_VERSION",
    "AftercareGuide",
    "AftercareInstruction",
    "Cartridge",
    "Catalogue",
    "Citation",
    "Concern",
    "Contraindication",
    "CountRange",
    "Device",
    "KnowledgeBase",
    "Milestone",
    "OutcomeScale",
    "PreVisitInstruction",
    "Range",
    "Reference",
    "Severity",
    "Site",
    "SkinLayers",
    "Spread",
    "Trigger",
    "UnknownEntry",
    "Visit",
    "WarningSign",
    "load_knowledge",
    "load_knowledge_from",
]
