"""The structured PFD: components, equipment units, streams and reactions.

Checks that need only one object (a tag's shape, a composition summing to one, a reaction having a reactant)
are pydantic validators here. Checks across objects (a stream's unit exists, a reaction's species are
components) are in :mod:`autochem.domain.validation`, which reports all of them as issues instead of
stopping at the first.
"""

from __future__ import annotations

import math
import re
from enum import StrEnum
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from autochem.domain.base import DomainModel, EquipmentTagStr, Identifier
from autochem.domain.units import (
    FlowRate,
    HeatDuty,
    MolarEnergy,
    MolarFlow,
    Pressure,
    Quantity,
    Temperature,
)

# Mole/mass fractions of a composition must add up to one within this absolute tolerance: enough for
# fractions written to three or four decimals, tight enough to catch a forgotten component.
COMPOSITION_SUM_TOLERANCE = 1e-3


class UnitType(StrEnum):
    # reactors
    REACTOR_CSTR = "reactor_cstr"
    REACTOR_PFR = "reactor_pfr"
    REACTOR_PACKED_BED = "reactor_packed_bed"  # fixed-bed catalytic
    REACTOR_FLUIDIZED_BED = "reactor_fluidized_bed"
    REACTOR_BATCH = "reactor_batch"
    REACTOR_CONVERTER = "reactor_converter"  # gauze converter, burner, combustor
    # heat transfer
    HEAT_EXCHANGER = "heat_exchanger"  # process/process shell-and-tube or plate
    HEATER = "heater"
    COOLER = "cooler"
    CONDENSER = "condenser"
    REBOILER = "reboiler"
    AIR_COOLER = "air_cooler"
    FIRED_HEATER = "fired_heater"  # furnace
    WASTE_HEAT_BOILER = "waste_heat_boiler"
    EVAPORATOR = "evaporator"  # includes vaporizers
    # columns
    DISTILLATION_COLUMN = "distillation_column"
    ABSORBER = "absorber"
    STRIPPER = "stripper"
    EXTRACTOR = "extractor"
    # separators
    FLASH_DRUM = "flash_drum"
    SEPARATOR = "separator"
    DECANTER = "decanter"
    CYCLONE = "cyclone"
    FILTER = "filter"
    CENTRIFUGE = "centrifuge"
    CRYSTALLIZER = "crystallizer"
    DRYER = "dryer"
    # movers
    PUMP = "pump"
    COMPRESSOR = "compressor"
    BLOWER = "blower"
    TURBINE = "turbine"
    EXPANDER = "expander"
    # flow network
    MIXER = "mixer"
    SPLITTER = "splitter"
    VALVE = "valve"
    # storage
    TANK = "tank"
    VESSEL = "vessel"
    OTHER = "other"


_REACTORS = (
    UnitType.REACTOR_CSTR,
    UnitType.REACTOR_PFR,
    UnitType.REACTOR_PACKED_BED,
    UnitType.REACTOR_FLUIDIZED_BED,
    UnitType.REACTOR_BATCH,
    UnitType.REACTOR_CONVERTER,
)
REACTOR_TYPES = frozenset(_REACTORS)

# Tag prefixes customary for each equipment class. Conventions differ between companies (Turton uses C for
# compressors and T for towers, others K and C), so each class accepts the common alternatives.
UNIT_TAG_PREFIXES: dict[UnitType, frozenset[str]] = {
    **{t: frozenset({"R"}) for t in _REACTORS},
    UnitType.HEAT_EXCHANGER: frozenset({"E", "HX"}),
    UnitType.HEATER: frozenset({"E", "H"}),
    UnitType.COOLER: frozenset({"E"}),
    UnitType.CONDENSER: frozenset({"E"}),
    UnitType.REBOILER: frozenset({"E"}),
    UnitType.AIR_COOLER: frozenset({"E", "AC"}),
    UnitType.FIRED_HEATER: frozenset({"H", "F", "B"}),
    UnitType.WASTE_HEAT_BOILER: frozenset({"E", "B"}),
    UnitType.EVAPORATOR: frozenset({"E", "EV"}),
    UnitType.DISTILLATION_COLUMN: frozenset({"T", "C"}),
    UnitType.ABSORBER: frozenset({"T", "C"}),
    UnitType.STRIPPER: frozenset({"T", "C"}),
    UnitType.EXTRACTOR: frozenset({"T", "C", "X"}),
    UnitType.FLASH_DRUM: frozenset({"V", "D"}),
    UnitType.SEPARATOR: frozenset({"V", "D", "S"}),
    UnitType.DECANTER: frozenset({"V", "D", "S"}),
    UnitType.CYCLONE: frozenset({"S", "CY"}),
    UnitType.FILTER: frozenset({"F", "FL", "S"}),
    UnitType.CENTRIFUGE: frozenset({"CF", "S"}),
    UnitType.CRYSTALLIZER: frozenset({"CR", "X"}),
    UnitType.DRYER: frozenset({"DR", "D"}),
    UnitType.PUMP: frozenset({"P"}),
    UnitType.COMPRESSOR: frozenset({"C", "K"}),
    UnitType.BLOWER: frozenset({"B", "K", "C"}),
    UnitType.TURBINE: frozenset({"D", "KT", "ST", "GT", "T"}),
    UnitType.EXPANDER: frozenset({"D", "KT", "EX", "X"}),
    UnitType.MIXER: frozenset({"M", "MX"}),
    UnitType.SPLITTER: frozenset({"S", "SP"}),
    UnitType.VALVE: frozenset({"V", "VL", "CV"}),
    UnitType.TANK: frozenset({"TK", "V"}),
    UnitType.VESSEL: frozenset({"V", "D"}),
}


class Phase(StrEnum):
    VAPOR = "vapor"
    LIQUID = "liquid"
    SOLID = "solid"
    VAPOR_LIQUID = "vapor_liquid"
    LIQUID_LIQUID = "liquid_liquid"
    SOLID_LIQUID = "solid_liquid"  # slurry
    SOLID_VAPOR = "solid_vapor"  # dust-laden gas
    SUPERCRITICAL = "supercritical"


class CompositionBasis(StrEnum):
    MASS = "mass"
    MOLE = "mole"


_CAS_RE = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")
# A chemical formula as drafted: element symbols, counts, groups, hydrate dots, an optional charge.
_FORMULA_RE = re.compile(r"^[A-Z(\[][A-Za-z0-9()\[\]·.]*(?:[+-]\d*|\d*[+-])?$")


def cas_checksum_ok(cas: str) -> bool:
    """CAS registry numbers end in a check digit: sum of each other digit times its position from the right."""
    match = _CAS_RE.match(cas)
    if match is None:
        return False
    digits = (match[1] + match[2])[::-1]
    return sum(i * int(d) for i, d in enumerate(digits, start=1)) % 10 == int(match[3])


class Component(DomainModel):
    path_key = "name"

    name: Identifier
    formula: str | None = None
    cas: str | None = None

    @field_validator("formula")
    @classmethod
    def _formula_shape(cls, formula: str | None) -> str | None:
        if formula is not None and not _FORMULA_RE.match(formula):
            raise ValueError(f"{formula!r} does not look like a chemical formula (e.g. HNO3, N2O4, Ca(OH)2)")
        return formula

    @field_validator("cas")
    @classmethod
    def _cas_number(cls, cas: str | None) -> str | None:
        if cas is not None and not cas_checksum_ok(cas):
            raise ValueError(f"{cas!r} is not a CAS registry number (NNNNNNN-NN-N with a valid check digit)")
        return cas


class Unit(DomainModel):
    """One piece of equipment on the PFD."""

    path_key = "tag"

    tag: EquipmentTagStr
    type: UnitType
    name: str | None = None
    description: str = ""
    temperature: Temperature | None = None
    pressure: Pressure | None = None
    duty: HeatDuty | None = Field(None, description="Heat duty; positive when heat is added to the process.")
    parameters: dict[Identifier, Quantity] = Field(
        default_factory=dict, description="Other sizing/operating figures: volume, residence time, stages ..."
    )
    reaction_ids: list[Identifier] = Field(default_factory=list, description="Reactions this unit hosts.")


Fraction = Annotated[float, Field(ge=0.0, le=1.0)]


class Composition(DomainModel):
    basis: CompositionBasis
    fractions: dict[Identifier, Fraction] = Field(min_length=1)

    @field_validator("fractions")
    @classmethod
    def _sums_to_one(cls, fractions: dict[str, float]) -> dict[str, float]:
        total = math.fsum(fractions.values())
        if abs(total - 1.0) > COMPOSITION_SUM_TOLERANCE:
            raise ValueError(f"fractions sum to {total:.6g}, not 1 (tolerance {COMPOSITION_SUM_TOLERANCE})")
        return fractions


class Stream(DomainModel):
    """A material stream. ``from_unit`` None: a feed; ``to_unit`` None: a product leaving the battery limits."""

    path_key = "id"

    id: Identifier
    name: str | None = None
    description: str = ""
    from_unit: Identifier | None = None
    to_unit: Identifier | None = None
    phase: Phase | None = None
    temperature: Temperature | None = None
    pressure: Pressure | None = None
    flow: FlowRate | None = Field(
        None, description="Mass, molar or volumetric flow (told apart by its unit)."
    )
    composition: Composition | None = None


class Reaction(DomainModel):
    """A reaction: stoichiometric coefficients (negative for reactants) and how far it goes.

    ``conversion`` is the fraction of the key reactant entering the host unit that this reaction consumes;
    ``extent`` is the reaction rate as a molar flow of the reaction as written. At most one is given.
    ``heat_of_reaction`` is per mole of reaction as written (negative: exothermic).
    """

    path_key = "id"

    id: Identifier
    name: str | None = None
    stoichiometry: dict[Identifier, float] = Field(min_length=2)
    key_reactant: Identifier
    conversion: Fraction | None = None
    extent: MolarFlow | None = None
    heat_of_reaction: MolarEnergy | None = None
    phase: Phase | None = None
    catalyst: str | None = None

    @field_validator("stoichiometry")
    @classmethod
    def _reactants_and_products(cls, stoichiometry: dict[str, float]) -> dict[str, float]:
        zero = [s for s, c in stoichiometry.items() if c == 0]
        if zero:
            raise ValueError(f"zero coefficients for {zero}: leave inert species out")
        if not any(c < 0 for c in stoichiometry.values()) or not any(c > 0 for c in stoichiometry.values()):
            raise ValueError("needs at least one reactant (negative) and one product (positive)")
        return stoichiometry

    @model_validator(mode="after")
    def _key_reactant_and_extent(self) -> Reaction:
        if self.stoichiometry.get(self.key_reactant, 0.0) >= 0:
            raise ValueError(f"key_reactant {self.key_reactant!r} is not a reactant of this reaction")
        if self.conversion is not None and self.extent is not None:
            raise ValueError("give conversion or extent, not both")
        return self

    def equation(self) -> str:
        """E.g. ``4 NH3 + 5 O2 -> 4 NO + 6 H2O`` (species as named in the stoichiometry)."""

        def side(sign: int) -> str:
            terms = []
            for species, coefficient in self.stoichiometry.items():
                if coefficient * sign > 0:
                    magnitude = abs(coefficient)
                    terms.append(species if magnitude == 1 else f"{magnitude:g} {species}")
            return " + ".join(terms)

        return f"{side(-1)} -> {side(1)}"


class Flowsheet(DomainModel):
    components: list[Component] = Field(default_factory=list)
    units: list[Unit] = Field(default_factory=list)
    streams: list[Stream] = Field(default_factory=list)
    reactions: list[Reaction] = Field(default_factory=list)
