"""Relations of the properties module, inputs, geometry and the compound loader."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from microneedling.errors import InvalidInput
from microneedling.model.delivery import (
    ChannelArray,
    ChannelClosure,
    Compound,
    Dose,
    Numerics,
    SkinLayers,
    UnitCell,
    density_for_spacing,
    half_time_from_closure_time,
    load_compound,
    spacing_um,
    transport_properties,
    unit_cell_radius_um,
)
from microneedling.model.delivery.properties import (
    compact_sphere_radius_nm,
    potts_guy_log_kp,
    stokes_einstein_diffusivity_cm2_per_s,
)

EXAMPLES = Path(__file__).parents[3] / "examples" / "compounds"


def test_potts_guy_relation() -> None:
    assert potts_guy_log_kp(0.0, 0.0) == -2.7
    assert potts_guy_log_kp(100.0, 1.0) == pytest.approx(-2.7 + 0.71 - 0.61)


def test_compact_sphere_radius_matches_erickson_rule() -> None:
    # Erickson 2009: R_min = 0.066 M**(1/3) nm for 0.73 cm³/g.
    for mw in (200.0, 6000.0, 66000.0):
        assert compact_sphere_radius_nm(mw) == pytest.approx(0.066 * mw ** (1 / 3), rel=0.01)


@pytest.mark.parametrize(
    ("mw", "measured_cm2_per_s"),
    [(182.2, 0.91e-5), (342.3, 0.72e-5)],  # mannitol, sucrose at 37 °C
)
def test_stokes_einstein_estimate_matches_measured_small_solutes(
    mw: float, measured_cm2_per_s: float
) -> None:
    """Membranes 2021, 11(5):331, Table 1 (37 °C values): within 5 %."""
    estimate = stokes_einstein_diffusivity_cm2_per_s(compact_sphere_radius_nm(mw))
    assert estimate == pytest.approx(measured_cm2_per_s, rel=0.05)


def test_layers_are_ordered_and_the_channel_is_aqueous() -> None:
    props = transport_properties(load_compound(EXAMPLES / "caffeine.yaml"), SkinLayers())
    names = [layer.medium.name for layer in props.layers]
    assert names == ["stratum_corneum", "viable_epidermis", "dermis"]
    assert props.channel_fluid.partition == 1.0
    sc, ve, _ = props.layers
    assert sc.medium.diffusivity_cm2_per_h < 1e-4 * ve.medium.diffusivity_cm2_per_h
    assert props.as_dict()["kp_cm_per_h"] == pytest.approx(props.kp_cm_per_h)


def test_measured_aqueous_diffusivity_overrides_the_estimate() -> None:
    dextran = load_compound(EXAMPLES / "fitc_dextran_4kda.yaml")
    props = transport_properties(dextran, SkinLayers())
    assert props.aqueous_diffusivity_cm2_per_s == 1.57e-6


def test_enormous_molecules_keep_finite_properties() -> None:
    protein = Compound(name="big", molecular_weight_da=150_000, log_kow=-5, citation="test")
    props = transport_properties(protein, SkinLayers())
    assert all(math.isfinite(layer.medium.diffusivity_cm2_per_h) for layer in props.layers)
    assert props.layers[0].medium.diffusivity_cm2_per_h > 0


def test_unit_cell_and_spacing() -> None:
    assert unit_cell_radius_um(250.0) == pytest.approx(1e4 / math.sqrt(math.pi * 250.0))
    assert spacing_um(100.0) == pytest.approx(1000.0)
    for arrangement in ("square", "hexagonal"):
        s = spacing_um(400.0, arrangement)
        assert density_for_spacing(s, arrangement) == pytest.approx(400.0)
    cell = UnitCell.around(ChannelArray(150, 35, 250), 1075.0)
    assert cell.area_cm2 == pytest.approx(1 / 250.0)


def test_closure_law() -> None:
    closure = ChannelClosure(closure_half_time_h=2.0)
    assert closure.open_fraction(0.0) == 1.0
    assert closure.open_fraction(2.0) == pytest.approx(0.5)
    assert closure.mean_open_fraction(0.0, 2.0) == pytest.approx(0.5 / math.log(2), rel=1e-12)
    # Occlusion: the skin-response model's factor 5, shared (delivery had its own 3 before).
    assert ChannelClosure(closure_half_time_h=2.0, occluded=True).effective_half_time_h == 10.0
    # The Kalluri preset closes to 5 % by 18 h.
    preset = ChannelClosure.kalluri_2011_770um()
    assert preset.open_fraction(18.0) == pytest.approx(0.05)
    assert half_time_from_closure_time(2.0) < preset.closure_half_time_h


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: ChannelArray(-1.0, 35.0, 250.0), "depth_um"),
        (lambda: ChannelArray(150.0, 0.0, 250.0), "radius_um"),
        (lambda: ChannelArray(150.0, 35.0, float("nan")), "density_per_cm2"),
        (lambda: ChannelArray(150.0, 400.0, 250.0), "radius_um"),
        (lambda: SkinLayers(dermis_um=0.0), "dermis_um"),
        (lambda: Dose(concentration_ug_per_ml=-5.0), "concentration_ug_per_ml"),
        (lambda: Dose(volume_ul_per_cm2=0.0), "volume_ul_per_cm2"),
        (lambda: ChannelClosure(closure_half_time_h=0.0), "closure_half_time_h"),
        (lambda: Numerics(resolution=0), "resolution"),
        (lambda: Numerics(resolution=3).coarsened(), "resolution"),
        (lambda: UnitCell.around(ChannelArray(1100.0, 35.0, 250.0), 1075.0), "depth_um"),
    ],
)
def test_bad_inputs_name_their_field(build: object, field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        build()  # type: ignore[operator]
    assert info.value.field == field


def test_loader_names_file_field_and_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nmolecular_weight_da: heavy\nlog_kow: 1\ncitation: test\n")
    with pytest.raises(InvalidInput) as info:
        load_compound(path)
    assert info.value.field == "molecular_weight_da"
    assert str(path) in info.value.message
    assert "heavy" in info.value.message


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("name: x\nlog_kow: 1\ncitation: test\n", "molecular_weight_da"),
        ("name: x\nmolecular_weight_da: 100\nlog_kow: 1\ncitation: test\ncolour: red\n", "colour"),
        ("- a list\n", "(document)"),
        ("name: [unclosed\n", "file"),
        (
            "name: x\nmolecular_weight_da: 100\nlog_kow: 1\ncitation: test\n"
            "aqueous_diffusivity_cm2_per_s: 1e-6\n",
            "(document)",
        ),
    ],
)
def test_loader_rejects_malformed_files(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(InvalidInput) as info:
        load_compound(path)
    assert info.value.field == field


def test_loader_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file"):
        load_compound(tmp_path / "absent.yaml")


def test_every_example_compound_loads_with_a_citation() -> None:
    files = sorted(EXAMPLES.glob("*.yaml"))
    assert len(files) >= 4
    for path in files:
        compound = load_compound(path)
        assert len(compound.citation) > 10
