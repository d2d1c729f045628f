"""``microneedling knowledge``: tables with sources, JSON for machines, one-line errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from microneedling.cli import EXIT_BAD_INPUT, app
from microneedling.knowledge import load_knowledge

runner = CliRunner()
TOPICS = ["sites", "concerns", "contraindications", "devices", "aftercare", "references"]


def test_without_a_topic_it_summarises_every_topic() -> None:
    result = runner.invoke(app, ["knowledge"])
    assert result.exit_code == 0, result.output
    for topic in TOPICS:
        assert topic in result.output


@pytest.mark.parametrize("topic", ["sites", "concerns", "devices", "aftercare"])
def test_tables_show_a_sources_column_with_short_citations(topic: str) -> None:
    result = runner.invoke(app, ["knowledge", topic])
    assert result.exit_code == 0, result.output
    assert "Sources" in result.output
    assert "et al." in result.output


def test_sites_table_lists_every_site_with_its_citation() -> None:
    kb = load_knowledge()
    result = runner.invoke(app, ["knowledge", "sites"])
    for site_id in kb.sites:
        assert site_id in result.output
    assert "Meng Y et al. 2022, BMC Med Imaging" in result.output


def test_contraindications_and_references_render() -> None:
    for topic in ("contraindications", "references"):
        result = runner.invoke(app, ["knowledge", topic])
        assert result.exit_code == 0, result.output
    assert "sandbymoller2003" in result.output


@pytest.mark.parametrize("topic", TOPICS)
def test_json_round_trips_the_validated_entries(topic: str) -> None:
    kb = load_knowledge()
    result = runner.invoke(app, ["knowledge", topic, "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["topic"] == topic
    assert payload["ruleset_version"] == kb.ruleset_version
    if topic == "aftercare":
        assert payload[topic]["visit"]["anaesthetic_minutes"] == 30
    else:
        assert [entry["id"] for entry in payload[topic]] == list(getattr(kb, topic))


def test_json_without_a_topic_holds_every_topic() -> None:
    payload = json.loads(runner.invoke(app, ["knowledge", "--json"]).output)
    assert set(TOPICS) <= set(payload)
    assert payload["sites"][0]["sources"]


def test_an_unknown_topic_exits_2_with_one_clear_line() -> None:
    result = runner.invoke(app, ["knowledge", "site"])
    assert result.exit_code == EXIT_BAD_INPUT
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "unknown topic 'site'" in lines[0]
    assert "did you mean sites" in lines[0]
    assert "Traceback" not in result.output
