"""Bibliographic references that knowledge entries and model parameters cite."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from microneedling.knowledge.base import EntryId, Frozen

ReferenceKind = Literal[
    "peer_reviewed",  # original study in a peer-reviewed journal
    "review",  # narrative or systematic review, practical guide
    "consensus",  # expert consensus or society guideline
    "regulation",  # statute, regulation or regulator's guidance
    "device_label",  # manufacturer's labelling or instructions for use
    "database",  # curated database record (e.g. PubChem)
    "patient_education",  # clinic material for patients: used only where nothing better exists
]


class Reference(Frozen):
    """One publication or document, cited by its ``id``."""

    id: EntryId
    kind: ReferenceKind
    authors: str = Field(min_length=1)
    year: int = Field(ge=1900, le=2100)
    title: str = Field(min_length=1)
    journal: str | None = None
    volume: str | None = None
    pages: str | None = None
    doi: str | None = Field(default=None, pattern=r"^10\.\d{4,9}/\S+$")
    pmid: int | None = Field(default=None, gt=0)
    url: str | None = None
    note: str | None = None

    def short(self) -> str:
        """``Kalluri et al. 2011, AAPS J`` style label for tables."""
        first = self.authors.split(",")[0].split(" and ")[0].strip()
        many = "," in self.authors or " and " in self.authors
        label = f"{first}{' et al.' if many else ''} {self.year}"
        return f"{label}, {self.journal}" if self.journal else label

    def identifier(self) -> str | None:
        if self.doi:
            return f"doi:{self.doi}"
        if self.pmid:
            return f"PMID:{self.pmid}"
        return self.url
