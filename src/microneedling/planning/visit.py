"""How long a session takes [min]: numbing, preparation, needling each area, aftercare."""

from __future__ import annotations

from microneedling.knowledge import KnowledgeBase, Site
from microneedling.planning.explained import Explained
from microneedling.planning.treatment_plan import SessionDuration
from microneedling.screening.result import cite


def site_minutes(kb: KnowledgeBase, site: Site) -> Explained[float]:
    """Needling time for a whole site [min], from the knowledge base."""
    return Explained[float](
        value=site.treatment_minutes,
        rule="site_treatment_minutes",
        reason=f"{site.name}: {site.treatment_minutes:g} min of needling",
        sources=cite(kb, site.sources),
    )


def session_duration(kb: KnowledgeBase, sites: list[Site]) -> SessionDuration:
    """Minutes for a visit treating ``sites``, broken down by step."""
    visit = kb.aftercare.visit
    sources = cite(kb, visit.sources)
    anaesthetic = Explained[float](
        value=visit.anaesthetic_minutes,
        rule="visit_anaesthetic",
        reason=f"topical anaesthetic left on for {visit.anaesthetic_minutes:g} min",
        sources=sources,
    )
    preparation = Explained[float](
        value=visit.preparation_minutes,
        rule="visit_preparation",
        reason=f"cleansing, photographs and check-in: {visit.preparation_minutes:g} min",
        sources=sources,
    )
    aftercare = Explained[float](
        value=visit.aftercare_minutes,
        rule="visit_aftercare",
        reason=f"post-treatment products and advice: {visit.aftercare_minutes:g} min",
        sources=sources,
    )
    needling = [site_minutes(kb, site) for site in sites]
    total = anaesthetic.value + preparation.value + aftercare.value + sum(n.value for n in needling)
    return SessionDuration(
        anaesthetic_minutes=anaesthetic,
        preparation_minutes=preparation,
        treatment_minutes=needling,
        aftercare_minutes=aftercare,
        total_minutes=total,
    )
