"""A broken knowledge file fails loudly, naming the file, the entry and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from microneedling.errors import KnowledgeBaseError
from microneedling.knowledge import KnowledgeBase, UnknownEntry, load_knowledge_from


def _rewrite(path: Path, edit: object) -> None:
    path.write_text(yaml.safe_dump(edit, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_the_copy_loads_unchanged(data_copy: Path) -> None:
    kb = load_knowledge_from(data_copy)
    assert "forehead" in kb.sites


def test_an_entry_without_sources_names_file_entry_and_field(data_copy: Path) -> None:
    path = data_copy / "sites.yaml"
    sites = yaml.safe_load(path.read_text(encoding="utf-8"))
    victim = next(s for s in sites if s["id"] == "cheeks")
    victim["sources"] = []
    _rewrite(path, sites)
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_from(data_copy)
    err = caught.value
    assert (err.file, err.entry, err.field) == ("sites.yaml", "cheeks", "sources")
    assert "sites.yaml" in str(err)
    assert "cheeks" in str(err)
    assert "sources" in str(err)


def test_an_entry_with_the_sources_key_removed_fails_too(data_copy: Path) -> None:
    path = data_copy / "concerns.yaml"
    concerns = yaml.safe_load(path.read_text(encoding="utf-8"))
    del concerns[0]["sources"]
    _rewrite(path, concerns)
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_from(data_copy)
    assert (caught.value.file, caught.value.entry, caught.value.field) == (
        "concerns.yaml",
        concerns[0]["id"],
        "sources",
    )


def test_an_aftercare_item_without_sources_is_located(data_copy: Path) -> None:
    path = data_copy / "aftercare.yaml"
    guide = yaml.safe_load(path.read_text(encoding="utf-8"))
    guide["warning_signs"][1]["sources"] = []
    _rewrite(path, guide)
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_from(data_copy)
    assert caught.value.file == "aftercare.yaml"
    assert caught.value.entry == "warning_signs #2"
    assert caught.value.field == "sources"


def test_a_citation_of_a_missing_reference_names_it(data_copy: Path) -> None:
    path = data_copy / "devices.yaml"
    devices = yaml.safe_load(path.read_text(encoding="utf-8"))
    devices[0]["sources"][0]["ref"] = "nobody1999"
    _rewrite(path, devices)
    with pytest.raises(KnowledgeBaseError, match="nobody1999") as caught:
        load_knowledge_from(data_copy)
    assert (caught.value.file, caught.value.entry) == ("devices.yaml", devices[0]["id"])
    assert caught.value.field == "sources.0"


def test_malformed_yaml_names_file_and_line(data_copy: Path) -> None:
    path = data_copy / "concerns.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    first_entry = next(i for i, line in enumerate(lines) if line.startswith("- id:"))
    lines.insert(first_entry + 1, "  name: [unclosed")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_from(data_copy)
    message = str(caught.value)
    assert message.startswith("concerns.yaml")
    line = int(message.rsplit("line ", 1)[1])
    assert first_entry + 1 <= line <= first_entry + 3


def test_a_concern_naming_an_unknown_site_fails(data_copy: Path) -> None:
    path = data_copy / "concerns.yaml"
    concerns = yaml.safe_load(path.read_text(encoding="utf-8"))
    victim = next(c for c in concerns if c.get("sites"))
    victim["sites"] = ["cheek"]
    _rewrite(path, concerns)
    with pytest.raises(KnowledgeBaseError, match="unknown site 'cheek'"):
        load_knowledge_from(data_copy)


def test_an_unknown_id_suggests_close_matches(kb: KnowledgeBase) -> None:
    with pytest.raises(UnknownEntry) as caught:
        kb.sites.require("cheek", "areas.0.site")
    assert caught.value.field == "areas.0.site"
    assert "did you mean cheeks" in caught.value.problem
    with pytest.raises(UnknownEntry, match="acne_scars_rolling"):
        kb.concerns.require("acne_scar_rolling")
