"""Load and validate the YAML knowledge base shipped inside the package.

Each file is validated by its pydantic schema at load; a wrong file fails with a
:class:`~microneedling.errors.KnowledgeBaseError` naming the file, the entry and the field.
Citations are checked against ``references/*.yaml`` so no entry cites a missing source.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from microneedling.errors import KnowledgeBaseError
from microneedling.knowledge.aftercare import AftercareGuide
from microneedling.knowledge.anatomy import BodyMap
from microneedling.knowledge.base import Citation
from microneedling.knowledge.catalogue import Catalogue
from microneedling.knowledge.concerns import Concern
from microneedling.knowledge.contraindications import Contraindication
from microneedling.knowledge.devices import Device
from microneedling.knowledge.references import Reference
from microneedling.knowledge.sites import Site

M = TypeVar("M", bound=BaseModel)

#: Bumped whenever a rule, threshold or protocol in the data changes, so that a stored
#: screening result or plan can say which rule set produced it.
RULESET_VERSION = "2026.12.1"


@dataclass(frozen=True)
class KnowledgeBase:
    """The whole validated knowledge base."""

    references: Catalogue[Reference]
    sites: Catalogue[Site]
    concerns: Catalogue[Concern]
    contraindications: Catalogue[Contraindication]
    devices: Catalogue[Device]
    aftercare: AftercareGuide
    anatomy: BodyMap
    ruleset_version: str = RULESET_VERSION

    def cite(self, citations: list[Citation]) -> list[Reference]:
        return [self.references[c.ref] for c in citations]


def _field_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(entry)"


#: libyaml's safe loader when PyYAML was built with it (the same safe subset of YAML, parsed in
#: C: the knowledge base's files take a tenth of the time the pure-Python parser needs).
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """What ``yaml.safe_load(text)`` gives, parsed by libyaml when it is there."""
    return yaml.load(text, Loader=_SAFE_LOADER)  # a safe loader, as safe_load uses


def _read_yaml(path: Path) -> Any:
    try:
        return parse_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KnowledgeBaseError(path.name, None, None, "file is missing") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise KnowledgeBaseError(path.name, None, None, f"not valid YAML{where}") from None


def _entries(path: Path, model: type[M]) -> list[M]:
    raw = _read_yaml(path)
    if not isinstance(raw, list):
        raise KnowledgeBaseError(path.name, None, None, "expected a list of entries")
    out: list[M] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        label = str(item.get("id", f"#{index + 1}")) if isinstance(item, dict) else f"#{index + 1}"
        try:
            entry = model.model_validate(item)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise KnowledgeBaseError(
                path.name, label, _field_path(err["loc"]), err["msg"]
            ) from None
        entry_id = str(getattr(entry, "id"))  # noqa: B009 - every catalogued model has an id
        if entry_id in seen:
            raise KnowledgeBaseError(path.name, entry_id, "id", "duplicate id")
        seen.add(entry_id)
        out.append(entry)
    return out


def _document(path: Path, model: type[M]) -> M:
    try:
        return model.model_validate(_read_yaml(path))
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = err["loc"]
        entry = None
        if len(loc) >= 2 and isinstance(loc[1], int):
            entry = f"{loc[0]} #{loc[1] + 1}"
            loc = loc[2:]
        raise KnowledgeBaseError(path.name, entry, _field_path(loc), err["msg"]) from None


def _citations(obj: Any, path: str = "") -> list[tuple[str, Citation]]:
    """Every citation inside a model, with the dotted path where it sits."""
    found: list[tuple[str, Citation]] = []
    if isinstance(obj, Citation):
        return [(path, obj)]
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            found += _citations(getattr(obj, name), f"{path}.{name}" if path else name)
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            found += _citations(item, f"{path}.{i}")
    return found


def _check_citations(file: str, entries: list[Any], refs: Catalogue[Reference]) -> None:
    for entry in entries:
        for where, citation in _citations(entry):
            if citation.ref not in refs:
                entry_id = getattr(entry, "id", None)
                raise KnowledgeBaseError(
                    file,
                    entry_id,
                    where,
                    f"cites '{citation.ref}', which is not in references/*.yaml",
                )


def _check_site_ids(kb: KnowledgeBase) -> None:
    for concern in kb.concerns.values():
        for i, site_id in enumerate(concern.sites or []):
            if site_id not in kb.sites:
                raise KnowledgeBaseError(
                    "concerns.yaml", concern.id, f"sites.{i}", f"unknown site '{site_id}'"
                )


def _body_map(sites: list[Site]) -> BodyMap:
    ids = {s.id for s in sites}
    for site in sites:
        if site.within is not None and site.within not in ids:
            raise KnowledgeBaseError(
                "sites.yaml", site.id, "within", f"unknown site '{site.within}'"
            )
    try:
        return BodyMap({s.id: s for s in sites})
    except ValueError as error:
        raise KnowledgeBaseError("sites.yaml", None, "within", str(error)) from None


def load_knowledge_from(directory: Path) -> KnowledgeBase:
    """Load a knowledge base from a directory of YAML files (for edited or test copies)."""
    references: list[Reference] = []
    for path in sorted((directory / "references").glob("*.yaml")):
        references += _entries(path, Reference)
    duplicated = {r.id for r in references if sum(x.id == r.id for x in references) > 1}
    if duplicated:
        raise KnowledgeBaseError("references/", sorted(duplicated)[0], "id", "duplicate id")
    refs = Catalogue("reference", references)
    sites = _entries(directory / "sites.yaml", Site)
    concerns = _entries(directory / "concerns.yaml", Concern)
    contraindications = _entries(directory / "contraindications.yaml", Contraindication)
    devices = _entries(directory / "devices.yaml", Device)
    aftercare = _document(directory / "aftercare.yaml", AftercareGuide)
    for file, entries in (
        ("sites.yaml", sites),
        ("concerns.yaml", concerns),
        ("contraindications.yaml", contraindications),
        ("devices.yaml", devices),
        ("aftercare.yaml", [aftercare]),
    ):
        _check_citations(file, entries, refs)
    kb = KnowledgeBase(
        references=refs,
        sites=Catalogue("site", sites),
        concerns=Catalogue("concern", concerns),
        contraindications=Catalogue("contraindication", contraindications),
        devices=Catalogue("device", devices),
        aftercare=aftercare,
        anatomy=_body_map(sites),
    )
    _check_site_ids(kb)
    return kb


@cache
def load_knowledge() -> KnowledgeBase:
    """The packaged knowledge base, loaded and validated once per process."""
    data = resources.files("microneedling.knowledge") / "data"
    with resources.as_file(data) as directory:
        return load_knowledge_from(Path(directory))
