"""The packaged knowledge base loads, and every entry cites sources that exist."""

from __future__ import annotations

from collections.abc import Iterator

from microneedling.knowledge import Citation, KnowledgeBase
from microneedling.knowledge.load import _citations

REQUIRED_SITES = {
    "forehead", "periorbital", "cheeks", "nose", "perioral", "chin_jawline", "neck",
    "decolletage", "hands", "arms", "abdomen", "back", "chest", "buttocks", "thighs", "legs",
}  # fmt: skip
REQUIRED_CONCERNS = {
    "fine_lines", "wrinkles", "laxity", "texture", "enlarged_pores", "dullness", "uneven_tone",
    "hyperpigmentation", "sun_damage", "acne_scars_rolling", "acne_scars_boxcar",
    "acne_scars_icepick", "surgical_scars", "burn_scars", "chickenpox_scars", "striae_rubra",
    "striae_alba",
}  # fmt: skip
STABLE_REFERENCE_IDS = {"kalluri2011", "alster2018", "sandbymoller2003", "meng2022", "lotfi2013"}


def cited_entries(kb: KnowledgeBase) -> Iterator[tuple[str, str, list[Citation]]]:
    """(topic, id, sources) for every entry that must carry its own sources."""
    for topic in ("sites", "concerns", "contraindications", "devices"):
        for entry_id, entry in getattr(kb, topic).items():
            yield topic, entry_id, list(entry.sources)
    guide = kb.aftercare
    yield "aftercare", "visit", list(guide.visit.sources)
    for group in (guide.instructions, guide.warning_signs, guide.milestones):
        for item in group:
            yield "aftercare", item.id, list(item.sources)


def test_required_sites_and_concerns_are_present(kb: KnowledgeBase) -> None:
    assert set(kb.sites) >= REQUIRED_SITES
    assert set(kb.concerns) >= REQUIRED_CONCERNS


def test_other_engineers_can_cite_the_stable_reference_ids(kb: KnowledgeBase) -> None:
    assert set(kb.references) >= STABLE_REFERENCE_IDS


def test_there_are_pens_and_rollers(kb: KnowledgeBase) -> None:
    kinds = [d.kind for d in kb.devices.values()]
    assert kinds.count("pen") >= 3
    assert kinds.count("roller") >= 3


def test_every_entry_has_a_source(kb: KnowledgeBase) -> None:
    missing = [f"{topic}/{entry_id}" for topic, entry_id, src in cited_entries(kb) if not src]
    assert missing == []


def test_every_citation_resolves_to_a_reference(kb: KnowledgeBase) -> None:
    unresolved = [
        f"{topic}/{entry_id} -> {c.ref}"
        for topic, entry_id, sources in cited_entries(kb)
        for c in sources
        if c.ref not in kb.references
    ]
    nested = [
        f"{path} -> {c.ref}"
        for site in kb.sites.values()
        for path, c in _citations(site)
        if c.ref not in kb.references
    ]
    assert unresolved == []
    assert nested == []


def test_sex_adjustments_cite_their_source(kb: KnowledgeBase) -> None:
    for site in kb.sites.values():
        adj = site.adjustments
        if adj.dermis_factor_male is not None or adj.dermis_factor_female is not None:
            assert adj.sources, site.id


def test_patient_education_is_never_the_only_source_of_a_site_layer(kb: KnowledgeBase) -> None:
    for site in kb.sites.values():
        kinds = {kb.references[c.ref].kind for c in site.sources}
        assert kinds - {"patient_education"}, site.id


def test_no_publication_is_entered_twice(kb: KnowledgeBase) -> None:
    dois = [r.doi.lower() for r in kb.references.values() if r.doi]
    assert len(dois) == len(set(dois))
