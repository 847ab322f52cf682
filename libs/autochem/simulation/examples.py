"""Small hand-written flowsheets for the simulator: an ammonia synthesis loop (feeds → mixer → heater →
reactor → cooler → flash) whose balance can be checked by hand, and a 15-unit variant with a recycle and a
purge (the timing case of ``python -m autochem.simulation``)."""

from __future__ import annotations

from autochem.domain.flowsheet import (
    Component,
    Composition,
    CompositionBasis,
    Flowsheet,
    Phase,
    Reaction,
    Stream,
    Unit,
    UnitType,
)
from autochem.domain.units import Quantity

H2, N2, NH3, AR = "hydrogen", "nitrogen", "ammonia", "argon"


def q(value: float, unit: str) -> Quantity:
    return Quantity(value=value, unit=unit)


def mole(**fractions: float) -> Composition:
    return Composition(
        basis=CompositionBasis.MOLE, fractions={k.replace("_", " "): v for k, v in fractions.items()}
    )


def base_flowsheet(conversion: float = 0.25) -> Flowsheet:
    """100 mol/s H2 and 33.333 mol/s N2 at 150 bar; 25 % of the N2 reacts to NH3."""
    gas, two = Phase.VAPOR, Phase.VAPOR_LIQUID
    streams = [
        Stream(
            id="S-1",
            from_unit=None,
            to_unit="M-101",
            phase=gas,
            temperature=q(25, "degC"),
            pressure=q(150, "bar"),
            flow=q(100.0, "mol/s"),
            composition=mole(hydrogen=1.0),
        ),
        Stream(
            id="S-2",
            from_unit=None,
            to_unit="M-101",
            phase=gas,
            temperature=q(25, "degC"),
            pressure=q(150, "bar"),
            flow=q(100.0 / 3, "mol/s"),
            composition=mole(nitrogen=1.0),
        ),
        Stream(id="S-3", from_unit="M-101", to_unit="E-101", phase=gas),
        Stream(id="S-4", from_unit="E-101", to_unit="R-101", phase=gas, temperature=q(400, "degC")),
        Stream(id="S-5", from_unit="R-101", to_unit="E-102", phase=gas, temperature=q(450, "degC")),
        Stream(id="S-6", from_unit="E-102", to_unit="V-101", phase=two, temperature=q(-20, "degC")),
        Stream(id="S-7", from_unit="V-101", to_unit=None, phase=gas),
        Stream(id="S-8", from_unit="V-101", to_unit=None, phase=Phase.LIQUID),
    ]
    units = [
        Unit(tag="M-101", type=UnitType.MIXER),
        Unit(tag="E-101", type=UnitType.HEATER),
        Unit(tag="R-101", type=UnitType.REACTOR_PFR, temperature=q(450, "degC"), reaction_ids=["RX-1"]),
        Unit(tag="E-102", type=UnitType.COOLER),
        Unit(tag="V-101", type=UnitType.FLASH_DRUM, temperature=q(-20, "degC"), pressure=q(150, "bar")),
    ]
    components = [
        Component(name=H2, formula="H2", cas="1333-74-0"),
        Component(name=N2, formula="N2", cas="7727-37-9"),
        Component(name=NH3, formula="NH3", cas="7664-41-7"),
    ]
    reactions = [
        Reaction(
            id="RX-1",
            stoichiometry={N2: -1, H2: -3, NH3: 2},
            key_reactant=N2,
            conversion=conversion,
            heat_of_reaction=q(-92, "kJ/mol"),
            phase=gas,
        )
    ]
    return Flowsheet(components=components, units=units, streams=streams, reactions=reactions)


def fifteen_unit_flowsheet() -> Flowsheet:
    """The base loop grown to 15 units: feed pumps/compressors, a preheat train, a recycle of the flash gas
    through a splitter (purge) and a recycle compressor, and a let-down valve on the liquid."""
    gas, liq = Phase.VAPOR, Phase.LIQUID
    streams = [
        Stream(
            id="F-1",
            to_unit="C-101",
            phase=gas,
            temperature=q(25, "degC"),
            pressure=q(30, "bar"),
            flow=q(100.0, "mol/s"),
            composition=mole(hydrogen=0.995, argon=0.005),
        ),
        Stream(
            id="F-2",
            to_unit="C-102",
            phase=gas,
            temperature=q(25, "degC"),
            pressure=q(30, "bar"),
            flow=q(100.0 / 3, "mol/s"),
            composition=mole(nitrogen=1.0),
        ),
        Stream(id="S-1", from_unit="C-101", to_unit="E-100", phase=gas, pressure=q(150, "bar")),
        Stream(id="S-2", from_unit="C-102", to_unit="E-109", phase=gas, pressure=q(150, "bar")),
        Stream(id="S-1c", from_unit="E-100", to_unit="M-101", phase=gas, temperature=q(40, "degC")),
        Stream(id="S-2c", from_unit="E-109", to_unit="M-101", phase=gas, temperature=q(40, "degC")),
        Stream(id="S-3", from_unit="M-101", to_unit="M-102", phase=gas),
        Stream(
            id="R-3",
            from_unit="C-103",
            to_unit="M-102",
            phase=gas,
            pressure=q(150, "bar"),
            flow=q(95.0, "mol/s"),
            composition=mole(hydrogen=0.7, nitrogen=0.25, argon=0.05),
        ),
        Stream(id="S-4", from_unit="M-102", to_unit="E-101", phase=gas),
        Stream(id="S-5", from_unit="E-101", to_unit="E-103", phase=gas, temperature=q(250, "degC")),
        Stream(id="S-6", from_unit="E-103", to_unit="R-101", phase=gas, temperature=q(400, "degC")),
        Stream(id="S-7", from_unit="R-101", to_unit="E-102", phase=gas, temperature=q(450, "degC")),
        Stream(id="S-8", from_unit="E-102", to_unit="E-104", phase=gas, temperature=q(150, "degC")),
        Stream(
            id="S-9", from_unit="E-104", to_unit="V-101", phase=Phase.VAPOR_LIQUID, temperature=q(-20, "degC")
        ),
        Stream(id="S-10", from_unit="V-101", to_unit="SP-101", phase=gas),
        Stream(id="S-11", from_unit="V-101", to_unit="V-102", phase=liq),
        Stream(
            id="S-12",
            from_unit="SP-101",
            to_unit="C-103",
            phase=gas,
            flow=q(95.0, "mol/s"),
            composition=mole(hydrogen=0.7, nitrogen=0.25, argon=0.05),
        ),
        Stream(
            id="S-13",
            from_unit="SP-101",
            to_unit=None,
            phase=gas,
            flow=q(5.0, "mol/s"),
            composition=mole(hydrogen=0.7, nitrogen=0.25, argon=0.05),
        ),
        Stream(id="S-14", from_unit="V-102", to_unit=None, pressure=q(20, "bar")),
    ]
    units = [
        Unit(tag="C-101", type=UnitType.COMPRESSOR),
        Unit(tag="C-102", type=UnitType.COMPRESSOR),
        Unit(tag="E-100", type=UnitType.COOLER),
        Unit(tag="E-109", type=UnitType.COOLER),
        Unit(tag="M-101", type=UnitType.MIXER),
        Unit(tag="M-102", type=UnitType.MIXER),
        Unit(tag="E-101", type=UnitType.HEATER),
        Unit(tag="E-103", type=UnitType.FIRED_HEATER),
        Unit(
            tag="R-101", type=UnitType.REACTOR_PACKED_BED, temperature=q(450, "degC"), reaction_ids=["RX-1"]
        ),
        Unit(tag="E-102", type=UnitType.WASTE_HEAT_BOILER),
        Unit(tag="E-104", type=UnitType.COOLER),
        Unit(tag="V-101", type=UnitType.FLASH_DRUM, temperature=q(-20, "degC"), pressure=q(150, "bar")),
        Unit(tag="SP-101", type=UnitType.SPLITTER),
        Unit(tag="C-103", type=UnitType.COMPRESSOR, pressure=q(150, "bar")),
        Unit(tag="V-102", type=UnitType.VALVE),
    ]
    components = [
        Component(name=H2, formula="H2", cas="1333-74-0"),
        Component(name=N2, formula="N2", cas="7727-37-9"),
        Component(name=NH3, formula="NH3", cas="7664-41-7"),
        Component(name=AR, formula="Ar", cas="7440-37-1"),
    ]
    reactions = [
        Reaction(
            id="RX-1", stoichiometry={N2: -1, H2: -3, NH3: 2}, key_reactant=N2, conversion=0.25, phase=gas
        )
    ]
    return Flowsheet(components=components, units=units, streams=streams, reactions=reactions)
