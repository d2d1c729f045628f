"""Contraindications and precautions, each with the intake answer that triggers it.

A trigger names *what in the intake* the rule looks at; the screening module evaluates it.
Kinds: ``absolute`` (not eligible), ``temporary`` (deferred for ``waiting_days`` after the
triggering event ends, or from the day of screening while it is still going on),
``precaution`` (eligible with ``measures``; may cap the needle depth).

The code lists below (conditions, medication classes, procedures, allergies, skin findings) are
the vocabulary of the intake form: the intake model accepts only these codes, and a rule that
names a code outside them fails when the knowledge base loads, so a rule can never wait for an
answer the form cannot give.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self, get_args

from pydantic import Field, model_validator

from microneedling.knowledge.base import Citation, Frozen, Sourced

ConditionCode = Literal[
    "keloid_tendency",  # keloids, hypertrophic scars or any history of abnormal scarring
    "collagen_vascular_disease",  # lupus, scleroderma, dermatomyositis, other autoimmune CTD
    "immunosuppression",  # immunodeficiency, transplant recipient, untreated HIV
    "psoriasis",
    "eczema",
    "dermatitis",
    "bleeding_disorder",  # haemophilia, von Willebrand disease, thrombocytopenia
    "diabetes_uncontrolled",
    "skin_infection",  # active bacterial, viral or fungal skin infection
    "systemic_infection",  # fever, acute illness, active hepatitis
    "herpes_simplex",  # cold sores (current outbreak or history)
    "vitiligo",
    "lichen_planus",
    "rosacea",
    "cancer_under_treatment",
]
MedicationClass = Literal[
    "isotretinoin",
    "anticoagulant",  # warfarin, DOACs, heparins
    "antiplatelet",  # aspirin, clopidogrel
    "systemic_steroid",  # oral or injected corticosteroid at immunosuppressive dose
    "chemotherapy",
    "immunosuppressant",  # methotrexate, ciclosporin, biologics, transplant drugs
    "photosensitising",  # tetracyclines, thiazides, amiodarone, St John's wort...
    "topical_retinoid",  # tretinoin, adapalene, tazarotene, retinol products
    "antiviral_prophylaxis",  # aciclovir, valaciclovir taken to prevent cold sores
]
ProcedureKind = Literal[
    "radiotherapy",
    "surgery",
    "dermal_filler",
    "botulinum_toxin",
    "chemical_peel",
    "laser_resurfacing",
    "dermabrasion",
    "microneedling",
]
AllergyCode = Literal[
    # metals (needles and their plating)
    "nickel",
    "chromium",
    "cobalt",
    "gold",
    "stainless_steel",
    # topical anaesthetics
    "lidocaine",
    "benzocaine",
    "tetracaine",
    "prilocaine",
    # skin antiseptics
    "chlorhexidine",
    "povidone_iodine",
    "isopropyl_alcohol",
    # gloves and device parts
    "latex",
]
#: How a clinician classifies an allergy the patient described in their own words: one of the
#: codes above, or ``unrelated`` (nothing used in microneedling: a penicillin allergy, say).
AllergyClass = Literal[AllergyCode, "unrelated"]
SkinFindingCode = Literal[
    "active_acne",  # inflamed papules, pustules or cysts
    "cold_sore",  # active herpes labialis
    "open_wound",
    "irritated_skin",  # rash, broken or raw skin
    "sunburn",
    "infection",
    "naevus",  # mole, raised or changing
    "solar_keratosis",
    "wart",
    "recent_scar",  # a scar younger than 12 months (give the date it formed)
    "keloid",
    "suspected_skin_cancer",
    "tattoo",
]

CONDITION_CODES: tuple[str, ...] = get_args(ConditionCode)
MEDICATION_CLASSES: tuple[str, ...] = get_args(MedicationClass)
PROCEDURE_KINDS: tuple[str, ...] = get_args(ProcedureKind)
ALLERGY_CODES: tuple[str, ...] = get_args(AllergyCode)
ALLERGY_CLASSES: tuple[str, ...] = (*ALLERGY_CODES, "unrelated")
SKIN_FINDING_CODES: tuple[str, ...] = get_args(SkinFindingCode)


class ConditionTrigger(Frozen):
    """A current (or, with ``history``, past) medical condition.

    With ``same_area`` the condition counts only where it affects an area to be treated.
    """

    type: Literal["condition"] = "condition"
    codes: list[ConditionCode] = Field(min_length=1)
    history: bool = False
    same_area: bool = False


class MedicationTrigger(Frozen):
    """A medication class taken now or stopped within ``within_days`` [days]."""

    type: Literal["medication"] = "medication"
    classes: list[MedicationClass] = Field(min_length=1)
    within_days: int = Field(default=0, ge=0)


class ProcedureTrigger(Frozen):
    """A procedure within ``within_days`` [days] (in a treated area only, if ``same_area``).

    ``within_days`` None means at any time in the past (e.g. irradiated skin).
    """

    type: Literal["procedure"] = "procedure"
    kinds: list[ProcedureKind] = Field(min_length=1)
    within_days: int | None = Field(gt=0)
    same_area: bool = False


class FindingTrigger(Frozen):
    """Something seen on the skin (a cold sore, a mole, a wound).

    With ``same_area`` (the default) only findings at an area to be treated count. With
    ``younger_than_days`` only findings that began fewer than that many days ago count (the
    intake must then give the date the finding began).
    """

    type: Literal["finding"] = "finding"
    findings: list[SkinFindingCode] = Field(min_length=1)
    same_area: bool = True
    younger_than_days: int | None = Field(default=None, gt=0)


class PregnancyTrigger(Frozen):
    """Pregnant now (breastfeeding has a trigger of its own)."""

    type: Literal["pregnancy"] = "pregnancy"


class BreastfeedingTrigger(Frozen):
    type: Literal["breastfeeding"] = "breastfeeding"


class FitzpatrickTrigger(Frozen):
    type: Literal["fitzpatrick"] = "fitzpatrick"
    types: list[Annotated[int, Field(ge=1, le=6)]] = Field(min_length=1)


class AgeTrigger(Frozen):
    """Age in whole years on the day of screening: ``at_least_years <= age < below_years``."""

    type: Literal["age"] = "age"
    below_years: int = Field(gt=0)
    at_least_years: int = Field(default=0, ge=0)


class AllergyTrigger(Frozen):
    type: Literal["allergy"] = "allergy"
    substances: list[AllergyCode] = Field(min_length=1)


Trigger = Annotated[
    ConditionTrigger
    | MedicationTrigger
    | ProcedureTrigger
    | FindingTrigger
    | PregnancyTrigger
    | BreastfeedingTrigger
    | FitzpatrickTrigger
    | AgeTrigger
    | AllergyTrigger,
    Field(discriminator="type"),
]


Reads = Literal["treated_areas", "whole_body", "both"]


class RelaxedForm(Frozen):
    """What a rule becomes when a clinic relaxes it: the more permissive source's reading."""

    kind: Literal["temporary", "precaution"]
    waiting_days: int | None = Field(default=None, gt=0)
    reason: str = Field(min_length=1)
    measures: list[str] = Field(default_factory=list)
    sources: list[Citation] = Field(min_length=1, description="the more permissive source(s)")


class SourceDisagreement(Frozen):
    """Sources disagree about this rule; the default follows the more conservative."""

    summary: str = Field(min_length=1, description="who says what, in one or two sentences")
    relaxed: RelaxedForm


_SITED = (ConditionTrigger, ProcedureTrigger, FindingTrigger)


class Contraindication(Sourced):
    """One screening rule: a trigger, its kind, and what it means for the patient.

    ``waiting_days`` [days] is how long a temporary rule defers treatment after the event ends
    (or from the day of screening while it lasts). ``max_depth_mm`` [mm] caps the needle depth
    for a precaution. ``note`` says where a figure rests on no publication, or on device
    labelling or patient-education material only.
    """

    kind: Literal["absolute", "temporary", "precaution"]
    reads: Reads = Field(
        description="treated_areas: only what lies on an area to be treated; whole_body: "
        "anywhere; both: anywhere, naming the treated areas the answer lies on"
    )
    trigger: Trigger
    reason: str = Field(min_length=1, description="plain-language reason shown to staff")
    waiting_days: int | None = Field(default=None, gt=0)
    measures: list[str] = Field(default_factory=list)
    max_depth_mm: float | None = Field(default=None, gt=0)
    question: str = Field(min_length=1, description="how to ask the patient, when unanswered")
    note: str | None = None
    sources_disagree: SourceDisagreement | None = None

    def relaxed(self) -> Contraindication:
        """This rule in its relaxed form (a clinic's policy may choose it; see screening)."""
        if self.sources_disagree is None:
            raise ValueError(f"rule '{self.id}' has no relaxed form")
        form = self.sources_disagree.relaxed
        trigger = self.trigger
        window = form.waiting_days if form.kind == "temporary" else None
        if window is not None and getattr(trigger, "within_days", None) not in (None, 0):
            trigger = trigger.model_copy(update={"within_days": window})
        if window is not None and getattr(trigger, "younger_than_days", None) is not None:
            trigger = trigger.model_copy(update={"younger_than_days": window})
        data = self.model_dump()
        data.update(
            sources_disagree=None,
            kind=form.kind,
            waiting_days=window,
            reason=form.reason,
            measures=form.measures or self.measures,
            sources=[c.model_dump() for c in form.sources],
            trigger=trigger.model_dump(),
            max_depth_mm=self.max_depth_mm if form.kind == "precaution" else None,
        )
        return Contraindication.model_validate(data)

    @model_validator(mode="after")
    def _relaxed_form_is_a_rule(self) -> Self:
        if self.sources_disagree is not None:
            self.relaxed()  # a relaxed form that is not a valid rule fails when the data load
        return self

    @model_validator(mode="after")
    def _reads_matches_trigger(self) -> Self:
        t = self.trigger
        if isinstance(t, _SITED):
            if t.same_area and self.reads != "treated_areas":
                raise ValueError("a same_area trigger reads the treated_areas")
            if not t.same_area and self.reads == "treated_areas":
                raise ValueError("reads treated_areas needs a same_area trigger")
        elif self.reads != "whole_body":
            raise ValueError(f"a {t.type} trigger has no site: it reads the whole_body")
        return self

    @model_validator(mode="after")
    def _kind_fields(self) -> Self:
        if self.kind == "temporary" and self.waiting_days is None:
            raise ValueError("a temporary contraindication needs waiting_days")
        if self.kind != "temporary" and self.waiting_days is not None:
            raise ValueError("only a temporary contraindication has waiting_days")
        if self.kind == "precaution" and not self.measures:
            raise ValueError("a precaution needs at least one measure")
        if self.kind != "precaution" and self.max_depth_mm is not None:
            raise ValueError("only a precaution may cap the depth (max_depth_mm)")
        window = getattr(self.trigger, "within_days", None)
        if self.kind == "temporary" and window not in (None, 0, self.waiting_days):
            # One number, one meaning: the deferral is the look-back window for temporaries.
            raise ValueError("a temporary rule's trigger window must equal its waiting_days")
        young = getattr(self.trigger, "younger_than_days", None)
        if self.kind == "temporary" and young not in (None, self.waiting_days):
            raise ValueError("a temporary rule's younger_than_days must equal its waiting_days")
        return self
