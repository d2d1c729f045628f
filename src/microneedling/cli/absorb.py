"""``microneedling absorb COMPOUND.yaml``: what a topical product delivers after treatment.

Solves diffusion through treated and intact skin (see ``docs/delivery.md``) and prints a
summary; ``--json`` prints the full result, ``--plot`` draws the amounts and depth profiles.
The channels come from one of three places (never two at once):

- ``--plan FILE`` with ``--session N`` and ``--site SITE``: a plan from ``microneedling plan
  --json``, a plan request (planned here, as of today) or a course file; the session's area
  goes through the skin-response model (depth, radius, density, closure, the site's layers);
- ``--device``, ``--needle-mm``, ``--passes`` (and ``--site``): the same, from settings;
- ``--depth-um``, ``--radius-um``, ``--density-per-cm2``: the channels themselves (default:
  Kalluri et al. 2011's 770 µm-needle channel at 250/cm², default skin and closure).

The product is a finite dose by default: a film of ``--volume-ul-per-cm2`` (10 µL/cm²) that
the skin depletes; ``--infinite-dose`` holds the surface concentration constant instead.

Exit codes: 0 solved; 2 bad input (one line naming the file or option and the problem).
"""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from rich.table import Table

from microneedling.cli._app import command
from microneedling.cli._input import env_policy, read_document
from microneedling.cli.plan import load_request
from microneedling.cli.simulate import load_courses
from microneedling.errors import InvalidInput
from microneedling.knowledge import load_knowledge
from microneedling.model import Course, courses_from_plan
from microneedling.model.delivery import (
    CHANNEL_CONTENTS,
    ChannelArray,
    ChannelClosure,
    DeliveryResult,
    Dose,
    SkinLayers,
    TreatmentChannels,
    channels_from_course,
    channels_from_settings,
    load_compound,
    simulate_delivery,
)
from microneedling.planning import IntakeInvalid, screen_and_plan

#: Default channel: Kalluri et al. 2011 (770 µm roller needles): 152.5 µm deep, 70.7 µm wide.
DEFAULT_DEPTH_UM = 152.5
DEFAULT_RADIUS_UM = 35.0
#: Target puncture density of a full treatment, 250-300 per cm² (pen device descriptions).
DEFAULT_DENSITY_PER_CM2 = 250.0
#: Default finite dose [µL/cm²]: OECD Test Guideline 428 (2004), Skin Absorption: In Vitro
#: Method, has the application mimic human exposure, "up to 10 µL/cm²" for liquids (also
#: TG 427). A serum after needling is at most that; less is a thinner film.
DEFAULT_VOLUME_UL_PER_CM2 = 10.0
#: Amounts within this fraction of a finite dose are shown as 0 (round-off).
_ROUND_OFF = 1e-9


def _channels(depth_um: float, radius_um: float, density_per_cm2: float) -> ChannelArray:
    try:
        return ChannelArray(depth_um, radius_um, density_per_cm2)
    except InvalidInput as exc:
        raise InvalidInput(f"--{exc.field.replace('_', '-')}", exc.problem) from None


def _dose(concentration_ug_per_ml: float, volume_ul_per_cm2: float | None, infinite: bool) -> Dose:
    """The applied product: a finite film (default 10 µL/cm²) or, asked for, an infinite dose."""
    if infinite and volume_ul_per_cm2 is not None:
        raise InvalidInput(
            "--infinite-dose", "give --volume-ul-per-cm2 or --infinite-dose, not both"
        )
    volume: float | None = None
    if not infinite:
        volume = DEFAULT_VOLUME_UL_PER_CM2 if volume_ul_per_cm2 is None else volume_ul_per_cm2
    try:
        return Dose(concentration_ug_per_ml, volume)
    except InvalidInput as exc:
        raise InvalidInput(f"--{exc.field.replace('_', '-')}", exc.problem) from None


def _option(exc: InvalidInput) -> InvalidInput:
    """An error from the settings path, named after the option that carries the field."""
    options = {
        "site": "--site",
        "device": "--device",
        "device_kind": "--device",
        "needle_length_mm": "--needle-mm",
        "passes": "--passes",
    }
    return InvalidInput(options.get(exc.field, exc.field), exc.problem)


def plan_courses(path: Path) -> list[Course]:
    """Courses from a plan (``plan --json``), a course file, or a plan request planned today."""
    raw: Any = read_document(path)
    if isinstance(raw, dict) and "intake" in raw and "ruleset_version" not in raw:
        request, intake_source = load_request(path)
        kb = load_knowledge()
        try:
            screened = screen_and_plan(request, kb, date.today(), env_policy(kb))
        except IntakeInvalid as exc:
            raise exc.located(intake_source) from None
        except InvalidInput as exc:
            raise exc.located(str(path)) from None
        if screened.plan is None:
            decision = screened.screening.decision.replace("_", " ")
            raise InvalidInput(
                "intake",
                f"screening does not allow treatment ({decision}); "
                "run `microneedling plan` for the reasons",
                str(path),
            )
        return courses_from_plan(screened.plan)
    return load_courses(path)


def treatment_from_plan(path: Path, session: int, site: str | None) -> TreatmentChannels:
    """The channels of session ``session`` at ``site`` (default: the plan's first area)."""
    courses = plan_courses(path)
    if not courses:
        raise InvalidInput("areas", "the plan has no session with a treated area", str(path))
    sites = list(dict.fromkeys(c.site for c in courses))
    chosen = site if site is not None else sites[0]
    course = next((c for c in courses if c.site == chosen), None)
    if course is None:
        raise InvalidInput("--site", f"the plan treats {', '.join(sites)}, not '{chosen}'")
    if not 1 <= session <= len(course.sessions):
        raise InvalidInput(
            "--session",
            f"the plan has sessions 1 to {len(course.sessions)} at '{chosen}', not {session}",
        )
    return channels_from_course(course, session)


def treatment_from_settings(
    device: str, needle_mm: float, passes: int, site: str, occluded: bool
) -> TreatmentChannels:
    """The channels of one session given as device settings (``--device`` id or pen/roller)."""
    kind: Literal["pen", "roller"] | None = device if device in ("pen", "roller") else None  # type: ignore[assignment]
    try:
        return channels_from_settings(
            site,
            needle_mm,
            passes,
            device=None if kind is not None else device,
            device_kind=kind,
            occluded=occluded,
        )
    except InvalidInput as exc:
        raise _option(exc) from None


def _summary(
    console: Console, result: DeliveryResult, seconds: float, treatment: TreatmentChannels | None
) -> None:
    table = Table(title=f"{result.compound.name}: {result.duration_h:g} h after treatment")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    if treatment is not None:
        table.add_row(
            "treatment",
            f"{treatment.site}, {treatment.device or treatment.device_kind}, "
            f"{treatment.needle_length_mm:g} mm × {treatment.passes} passes",
        )
        skin = result.skin
        table.add_row(
            "skin (SC, epidermis, dermis)",
            f"{skin.stratum_corneum_um:.0f}, {skin.viable_epidermis_um:.0f}, "
            f"{skin.dermis_um:.0f} µm",
        )
    table.add_row("channel content", str(result.channel_content).replace("_", " "))
    channels = result.channels
    if channels is not None:
        table.add_row(
            "channels",
            f"{channels.depth_um:.4g} µm deep, {channels.radius_um:.4g} µm radius, "
            f"{channels.density_per_cm2:g}/cm²",
        )
    if result.closure is not None:
        table.add_row("closure half-time", f"{result.closure.effective_half_time_h:.2f} h")
    table.add_row("intact-skin kp (Potts & Guy)", f"{result.properties.kp_cm_per_h:.3g} cm/h")
    balance = result.dose_balance()
    applied = balance["applied_ug_per_cm2"]
    dose = result.dose
    if applied is None:
        table.add_row("dose", f"infinite, {dose.concentration_ug_per_ml:g} µg/mL held constant")
    else:
        table.add_row(
            "dose",
            f"{dose.volume_ul_per_cm2:g} µL/cm² of {dose.concentration_ug_per_ml:g} µg/mL "
            f"= {applied:.4g} µg/cm² applied",
        )

    def amount(value: float, share_key: str | None = None) -> str:
        # Below a billionth of the dose a remainder is round-off (it can be -1e-12): show 0.
        if applied is not None and abs(value) <= _ROUND_OFF * applied:
            value = 0.0
        shown = f"{value:.4g} µg/cm²"
        share = None if share_key is None else balance[share_key]
        return shown if share is None else f"{shown} ({share:.3g} % of applied)"

    table.add_row(
        "delivered, treated skin",
        amount(result.delivered_ug_per_cm2, "delivered_percent_of_applied"),
    )
    table.add_row(
        "delivered, intact skin",
        amount(result.intact_delivered_ug_per_cm2, "intact_delivered_percent_of_applied"),
    )
    ratio = result.enhancement_ratio
    shown = "intact: none measurable" if ratio is None else f"{ratio:.3g}"
    table.add_row("enhancement ratio (same dose)", shown)
    table.add_row("still in the skin", amount(float(result.retained_ug_per_cm2[-1])))
    on_surface = balance["on_surface_ug_per_cm2"]
    if on_surface is not None:
        table.add_row("left in the product", amount(on_surface))
    if result.error is not None:
        table.add_row("estimated error (amount)", f"{100 * result.error.cumulative_relative:.2g} %")
    table.add_row("mass balance error", f"{result.mass_balance_relative_error:.1e}")
    table.add_row("solve time", f"{seconds:.2f} s")
    console.print(table)
    if treatment is not None:
        for note in treatment.notes:
            console.print(f"Note: {note}", style="yellow")


def _plot(result: DeliveryResult, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    left.plot(result.times_h, result.cumulative_ug_per_cm2, label="treated skin")
    left.plot(result.times_h, result.intact_cumulative_ug_per_cm2, label="intact skin")
    left.set_xlabel("time after treatment [h]")
    left.set_ylabel("cumulative amount delivered [µg/cm²]")
    left.set_title(result.compound.name)
    left.legend()
    for profile in result.profiles:
        line = right.plot(
            profile.depth_um, profile.mean_ug_per_ml, label=f"{profile.time_h:g} h, mean"
        )[0]
        right.plot(
            profile.depth_um,
            profile.axis_ug_per_ml,
            linestyle="--",
            color=line.get_color(),
            label=f"{profile.time_h:g} h, channel axis",
        )
    right.set_xlabel("depth [µm]")
    right.set_ylabel("tissue concentration [µg/mL]")
    right.set_yscale("symlog", linthresh=1e-3)
    right.legend(fontsize="small")
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=120)
    except OSError as exc:
        raise InvalidInput("--plot", f"cannot write {path}: {exc.strerror}") from None
    finally:
        plt.close(fig)


@command("absorb")
def absorb(
    compound_file: Annotated[Path, typer.Argument(help="Compound YAML (see examples/compounds).")],
    plan: Annotated[
        Path | None,
        typer.Option(help="Plan JSON (`plan --json`), plan request or course: channels from it."),
    ] = None,
    session: Annotated[int, typer.Option(help="Session number in the plan (1 = first).")] = 1,
    site: Annotated[
        str | None, typer.Option(help="Treated site (default: the plan's first area).")
    ] = None,
    device: Annotated[
        str | None, typer.Option(help="Device id from the knowledge base, or pen / roller.")
    ] = None,
    needle_mm: Annotated[float | None, typer.Option(help="Needle length [mm].")] = None,
    passes: Annotated[int | None, typer.Option(help="Passes over the area.")] = None,
    depth_um: Annotated[float | None, typer.Option(help="Channel depth [µm].")] = None,
    radius_um: Annotated[float | None, typer.Option(help="Channel radius [µm].")] = None,
    density_per_cm2: Annotated[float | None, typer.Option(help="Channels per cm².")] = None,
    channel_content: Annotated[
        str,
        typer.Option(help="What fills the open channels: formulation or interstitial_fluid."),
    ] = "formulation",
    hours: Annotated[float, typer.Option(help="Duration after treatment [h].")] = 24.0,
    concentration_ug_per_ml: Annotated[
        float, typer.Option(help="Concentration in the product [µg/mL].")
    ] = 1000.0,
    volume_ul_per_cm2: Annotated[
        float | None,
        typer.Option(
            help="Finite dose: product film applied [µL/cm²] (default 10, OECD TG 428).",
            show_default=False,
        ),
    ] = None,
    infinite_dose: Annotated[
        bool,
        typer.Option(
            "--infinite-dose", help="Hold the surface concentration constant (never runs out)."
        ),
    ] = False,
    occluded: Annotated[
        bool, typer.Option("--occluded", help="The skin is covered: channels close slower.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full result as JSON.")] = False,
    plot: Annotated[
        Path | None, typer.Option(help="Write a PNG of amounts and depth profiles.")
    ] = None,
) -> None:
    """Simulate what a topical product delivers through microneedle channels."""
    compound = load_compound(compound_file)
    if channel_content not in CHANNEL_CONTENTS:
        raise InvalidInput("--channel-content", f"must be one of {', '.join(CHANNEL_CONTENTS)}")
    raw = {"--depth-um": depth_um, "--radius-um": radius_um, "--density-per-cm2": density_per_cm2}
    given_raw = [name for name, value in raw.items() if value is not None]
    settings = {"--device": device, "--needle-mm": needle_mm, "--passes": passes}
    given_settings = [name for name, value in settings.items() if value is not None]
    if plan is not None and (given_raw or given_settings):
        raise InvalidInput(
            (given_raw + given_settings)[0], "the channels come from --plan; leave this out"
        )
    if given_raw and given_settings:
        raise InvalidInput(given_raw[0], "give device settings or channel sizes, not both")

    treatment: TreatmentChannels | None = None
    if plan is not None:
        treatment = treatment_from_plan(plan, session, site)
    elif given_settings or site is not None:
        if device is None or needle_mm is None or passes is None or site is None:
            missing = next(k for k, v in {**settings, "--site": site}.items() if v is None)
            raise InvalidInput(missing, "is needed with the other device settings")
        treatment = treatment_from_settings(device, needle_mm, passes, site, occluded)
    if treatment is not None:
        channels = treatment.channels
        skin = treatment.skin
        closure = treatment.closure
        if occluded and not closure.occluded:
            closure = ChannelClosure(
                closure.closure_half_time_h, True, closure.occlusion_slowdown, closure.source
            )
    else:
        channels = _channels(
            DEFAULT_DEPTH_UM if depth_um is None else depth_um,
            DEFAULT_RADIUS_UM if radius_um is None else radius_um,
            DEFAULT_DENSITY_PER_CM2 if density_per_cm2 is None else density_per_cm2,
        )
        skin = SkinLayers()
        closure = ChannelClosure(occluded=occluded)
    dose = _dose(concentration_ug_per_ml, volume_ul_per_cm2, infinite_dose)
    try:
        started = time.perf_counter()
        result = simulate_delivery(
            compound,
            channels,
            skin=skin,
            closure=closure,
            dose=dose,
            duration_h=hours,
            channel_content=channel_content,
        )
    except InvalidInput as exc:
        field = "--hours" if exc.field == "duration_h" else f"--{exc.field.replace('_', '-')}"
        raise InvalidInput(field, exc.problem) from None
    seconds = time.perf_counter() - started
    if plot is not None:
        _plot(result, plot)
    if as_json:
        payload = result.to_dict()
        payload["treatment"] = None if treatment is None else treatment.as_dict()
        typer.echo(json.dumps(payload, indent=2, allow_nan=False))
        return
    _summary(Console(), result, seconds, treatment)
