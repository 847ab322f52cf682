"""A hand-built reference design: nitric acid by the Ostwald process (dual-pressure plant).

Ammonia is vaporized and mixed with compressed air (about 10 vol% NH3, safely below the lower flammability
limit of roughly 15 vol%), burnt over a Pt-Rh gauze at about 890 °C and 5 bar to nitric oxide, cooled in a
waste-heat boiler raising 40 bar steam and in the tail-gas heater, then in a cooler-condenser where NO
oxidizes and weak acid condenses. A NOx compressor lifts the gas to about 11 bar for the absorption tower,
where NO2 is absorbed in water to about 60 wt% acid; a bleacher strips dissolved NOx from the product with
secondary air, which returns to the NOx compressor suction. The tail gas is reheated and expanded in a
turbine that helps drive the compressors.

Stream flows and compositions come from a simple component balance on a basis of 12 t/h ammonia
(about 1,000 t/d of 100 % HNO3), done below so that the numbers agree with the stated conversions and
extents. Temperatures, pressures and duties are design estimates typical of such plants, not simulation
results; the validation report is left empty for the simulator, and there is no critique or provenance: those
come from the critique service and the knowledge graph, not from a hand-built reference.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from autochem.domain.design import Design, Pfd, Pid, ProcessContext
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
from autochem.domain.instrumentation import (
    ControlLoop,
    ControlStrategy,
    EmergencyShutdown,
    Instrument,
    Instrumentation,
    InstrumentType,
    Interlock,
    LineSpec,
    MeasuredVariable,
    ReliefValve,
)
from autochem.domain.units import Quantity

NH3, O2, N2, AR, H2O = "ammonia", "oxygen", "nitrogen", "argon", "water"
NO, NO2, N2O, HNO3 = "nitric oxide", "nitrogen dioxide", "nitrous oxide", "nitric acid"

# Molar masses, g/mol.
MOLAR_MASS = {
    NH3: 17.031,
    O2: 31.998,
    N2: 28.014,
    AR: 39.948,
    H2O: 18.015,
    NO: 30.006,
    NO2: 46.005,
    N2O: 44.013,
    HNO3: 63.012,
}
# Dry air, mole fractions; argon also stands for the 0.04 % CO2 and traces.
AIR = {N2: 0.7808, O2: 0.2095, AR: 0.0097}

STOICHIOMETRY = {
    "RX-1": {NH3: -4, O2: -5, NO: 4, H2O: 6},
    "RX-2": {NH3: -4, O2: -3, N2: 2, H2O: 6},
    "RX-3": {NH3: -4, O2: -4, N2O: 2, H2O: 6},
    "RX-4": {NO: -2, O2: -1, NO2: 2},
    "RX-5": {NO2: -3, H2O: -1, HNO3: 2, NO: 1},
    "RX-6": {NO: -2, O2: -1, NO2: 2},
    "RX-7": {NO2: -3, H2O: -1, HNO3: 2, NO: 1},
}
# Share of the ammonia fed to the gauze going to NO, N2 and N2O (selectivity ~95.5 %, ~0.2 % slip).
GAUZE_CONVERSION = {"RX-1": 0.955, "RX-2": 0.030, "RX-3": 0.013}


def q(value: float, unit: str) -> Quantity:
    return Quantity(value=value, unit=unit)


def _plus(*flows: dict[str, float]) -> dict[str, float]:
    total: dict[str, float] = {}
    for flow in flows:
        for species, rate in flow.items():
            total[species] = total.get(species, 0.0) + rate
    return total


def _scaled(flow: dict[str, float], factor: float) -> dict[str, float]:
    return {species: rate * factor for species, rate in flow.items()}


def _react(flow: dict[str, float], extents: dict[str, float]) -> dict[str, float]:
    """Apply reaction extents (mol/s of reaction as written) to molar flows (mol/s)."""
    out = dict(flow)
    for reaction_id, extent in extents.items():
        for species, coefficient in STOICHIOMETRY[reaction_id].items():
            out[species] = out.get(species, 0.0) + coefficient * extent
    assert all(rate > -1e-9 for rate in out.values()), out
    return {species: max(rate, 0.0) for species, rate in out.items() if rate > 1e-12}


def _fractions(weights: dict[str, float]) -> dict[str, float]:
    """Normalized fractions rounded to 6 decimals (sums to 1 within 1e-5)."""
    total = math.fsum(weights.values())
    return {species: round(w / total, 6) for species, w in weights.items() if w / total >= 5e-7}


def _gas(flow: dict[str, float]) -> tuple[Quantity, Composition]:
    """Molar flow in kmol/h and mole fractions."""
    total = math.fsum(flow.values())
    return q(round(total * 3.6, 1), "kmol/h"), Composition(
        basis=CompositionBasis.MOLE, fractions=_fractions(flow)
    )


def _liquid(flow: dict[str, float]) -> tuple[Quantity, Composition]:
    """Mass flow in t/h and mass fractions."""
    mass = {species: rate * MOLAR_MASS[species] for species, rate in flow.items()}  # g/s
    total = math.fsum(mass.values())
    return q(round(total * 3.6e-3, 2), "t/h"), Composition(
        basis=CompositionBasis.MASS, fractions=_fractions(mass)
    )


def _balance() -> dict[str, dict[str, float]]:
    """Molar flows (mol/s) of the process streams."""
    nh3 = 12.0e6 / 3600 / MOLAR_MASS[NH3]  # 12 t/h
    primary_air = _scaled(AIR, 9 * nh3)  # 10.0 vol% NH3 in the mixed gas
    secondary_air = _scaled(AIR, 0.15 * 9 * nh3)
    s = {"S-1": {NH3: nh3}, "S-2": {NH3: nh3}}
    s["S-3"] = s["S-4"] = s["S-5"] = _plus(primary_air, secondary_air)
    s["S-6"], s["S-7"] = primary_air, secondary_air
    s["S-8"] = _plus(s["S-2"], primary_air)
    gauze = {rid: conversion * nh3 / 4 for rid, conversion in GAUZE_CONVERSION.items()}
    s["S-9"] = s["S-10"] = s["S-11"] = _react(s["S-8"], gauze)
    # Cooler-condenser: about half the NO oxidizes; part of the NO2 forms weak acid with condensing water.
    s["S-12"] = _react(s["S-11"], {"RX-4": 45.0, "RX-5": 24.0})
    dry = {k: v for k, v in s["S-12"].items() if k not in (H2O, HNO3)}
    y_water = 0.1235 / 4.7  # vapour pressure of water at 50 °C over the separator pressure
    water_vapour = y_water / (1 - y_water) * math.fsum(dry.values())
    s["S-13"] = _plus(dry, {H2O: water_vapour})
    s["S-14"] = s["S-15"] = {HNO3: s["S-12"][HNO3], H2O: s["S-12"][H2O] - water_vapour}
    stripped = {NO2: 2.0, H2O: 1.0}  # dissolved NOx and water the bleacher air takes up
    s["S-22"] = _plus(secondary_air, stripped)
    s["S-16"] = s["S-17"] = s["S-18"] = _plus(s["S-13"], s["S-22"])
    # Absorber: solve the two extents that leave 0.20 mol/s NO and 0.13 mol/s NO2 in the tail gas (about
    # 200 ppm NOx) while 2.0 mol/s NO2 stays dissolved in the raw acid.
    gas_in = s["S-18"]
    no_out, no2_out = 0.20, 0.13 + stripped[NO2]
    absorption = ((gas_in[NO] - no_out) + (gas_in[NO2] - no2_out)) / 2  # RX-7 extent
    oxidation = (gas_in[NO] - no_out + absorption) / 2  # RX-6 extent
    reacted = _react(_plus(gas_in, s["S-15"]), {"RX-6": oxidation, "RX-7": absorption})
    tail_dry = {k: v for k, v in reacted.items() if k not in (H2O, HNO3)}
    tail_dry[NO2] = no2_out - stripped[NO2]
    y_tail = 0.04246 / 10.8  # vapour pressure of water at 30 °C over the absorber pressure
    tail_water = y_tail / (1 - y_tail) * math.fsum(tail_dry.values())
    s["S-20"] = s["S-26"] = s["S-27"] = _plus(tail_dry, {H2O: tail_water})
    # Process water: enough for 60 wt% product after the bleacher.
    acid = reacted[HNO3]
    product_water = acid * MOLAR_MASS[HNO3] * (0.40 / 0.60) / MOLAR_MASS[H2O]
    raw_water = product_water + stripped[H2O]
    process_water = raw_water + tail_water - reacted[H2O]
    assert process_water > 0
    s["S-19"] = {H2O: process_water}
    s["S-21"] = {HNO3: acid, H2O: raw_water, NO2: stripped[NO2]}
    s["S-23"] = s["S-24"] = s["S-25"] = {HNO3: acid, H2O: product_water}
    s["_extents"] = {"RX-6": oxidation, "RX-7": absorption}
    return s


def _flowsheet() -> Flowsheet:
    flows = _balance()
    extents = flows.pop("_extents")

    def stream(
        sid: str,
        src: str | None,
        dst: str | None,
        phase: Phase,
        t: Quantity,
        p: Quantity,
        name: str,
        liquid: bool = False,
    ) -> Stream:
        flow, composition = (_liquid if liquid else _gas)(flows[sid])
        return Stream(
            id=sid,
            name=name,
            from_unit=src,
            to_unit=dst,
            phase=phase,
            temperature=t,
            pressure=p,
            flow=flow,
            composition=composition,
        )

    gas, liq, two = Phase.VAPOR, Phase.LIQUID, Phase.VAPOR_LIQUID

    # Air streams are given in Nm3/h, the way air compressors are specified.
    def air(sid: str, src: str | None, dst: str, t: Quantity, p: Quantity, name: str) -> Stream:
        mol_s = math.fsum(flows[sid].values())
        st = stream(sid, src, dst, gas, t, p, name)
        nm3_per_mol = 1 / q(1, "Nm3").magnitude_in("mol")
        return st.model_copy(update={"flow": q(round(mol_s * 3600 * nm3_per_mol, -1), "Nm3/h")})

    steam_flow = q(43.0, "t/h")
    streams = [
        stream("S-1", None, "E-101", liq, q(25, "degC"), q(12, "bar"), "liquid ammonia from storage", True),
        stream("S-2", "E-101", "M-101", gas, q(20, "degC"), q(6.5, "bar"), "ammonia vapour"),
        air("S-3", None, "F-101", q(25, "degC"), q(1.013, "bar"), "atmospheric air"),
        air("S-4", "F-101", "C-101", q(25, "degC"), q(1.0, "bar"), "filtered air"),
        air("S-5", "C-101", "SP-101", q(230, "degC"), q(5.3, "bar"), "compressed air"),
        air("S-6", "SP-101", "M-101", q(230, "degC"), q(5.3, "bar"), "primary air"),
        air("S-7", "SP-101", "T-102", q(230, "degC"), q(5.3, "bar"), "secondary (bleach) air"),
        stream("S-8", "M-101", "R-101", gas, q(215, "degC"), q(5.2, "bar"), "ammonia-air mixture"),
        stream("S-9", "R-101", "E-102", gas, q(890, "degC"), q(5.0, "bar"), "nitrous gas from the gauze"),
        stream("S-10", "E-102", "E-103", gas, q(400, "degC"), q(4.9, "bar"), "nitrous gas after the boiler"),
        stream(
            "S-11", "E-103", "E-104", gas, q(200, "degC"), q(4.8, "bar"), "nitrous gas to cooler-condenser"
        ),
        stream("S-12", "E-104", "V-101", two, q(50, "degC"), q(4.7, "bar"), "cooled gas and weak acid"),
        stream("S-13", "V-101", "M-102", gas, q(50, "degC"), q(4.7, "bar"), "nitrous gas"),
        stream("S-14", "V-101", "P-101A", liq, q(50, "degC"), q(4.7, "bar"), "weak acid condensate", True),
        stream("S-15", "P-101A", "T-101", liq, q(50, "degC"), q(12.5, "bar"), "weak acid to absorber", True),
        stream("S-16", "M-102", "C-102", gas, q(50, "degC"), q(4.6, "bar"), "nitrous gas to NOx compressor"),
        stream("S-17", "C-102", "E-105", gas, q(165, "degC"), q(11.0, "bar"), "compressed nitrous gas"),
        stream("S-18", "E-105", "T-101", gas, q(45, "degC"), q(10.9, "bar"), "cooled nitrous gas"),
        stream("S-19", None, "T-101", liq, q(30, "degC"), q(12.0, "bar"), "process water", True),
        stream("S-20", "T-101", "E-103", gas, q(30, "degC"), q(10.6, "bar"), "tail gas"),
        stream("S-21", "T-101", "T-102", liq, q(45, "degC"), q(10.8, "bar"), "raw (red) acid", True),
        stream("S-22", "T-102", "M-102", gas, q(45, "degC"), q(4.8, "bar"), "bleacher off-gas (recycle)"),
        stream("S-23", "T-102", "TK-101", liq, q(40, "degC"), q(4.8, "bar"), "bleached acid", True),
        stream("S-24", "TK-101", "P-102", liq, q(35, "degC"), q(1.013, "bar"), "acid from storage", True),
        stream("S-25", "P-102", None, liq, q(35, "degC"), q(4.0, "bar"), "product nitric acid 60 wt%", True),
        stream("S-26", "E-103", "KT-101", gas, q(290, "degC"), q(10.4, "bar"), "reheated tail gas"),
        stream("S-27", "KT-101", None, gas, q(60, "degC"), q(1.05, "bar"), "expanded tail gas to stack"),
        Stream(
            id="S-30",
            name="boiler feed water",
            from_unit=None,
            to_unit="E-102",
            phase=liq,
            temperature=q(105, "degC"),
            pressure=q(45, "bar"),
            flow=steam_flow,
            composition=Composition(basis=CompositionBasis.MASS, fractions={H2O: 1.0}),
        ),
        Stream(
            id="S-31",
            name="superheated export steam",
            from_unit="E-102",
            to_unit=None,
            phase=gas,
            temperature=q(400, "degC"),
            pressure=q(40, "bar"),
            flow=steam_flow,
            composition=Composition(basis=CompositionBasis.MASS, fractions={H2O: 1.0}),
        ),
    ]
    components = [
        Component(name=NH3, formula="NH3", cas="7664-41-7"),
        Component(name=O2, formula="O2", cas="7782-44-7"),
        Component(name=N2, formula="N2", cas="7727-37-9"),
        Component(name=AR, formula="Ar", cas="7440-37-1"),
        Component(name=H2O, formula="H2O", cas="7732-18-5"),
        Component(name=NO, formula="NO", cas="10102-43-9"),
        Component(name=NO2, formula="NO2", cas="10102-44-0"),
        Component(name=N2O, formula="N2O", cas="10024-97-2"),
        Component(name=HNO3, formula="HNO3", cas="7697-37-2"),
    ]
    gauze = "platinum-rhodium gauze (about 90/10 Pt/Rh)"
    reactions = [
        Reaction(
            id="RX-1",
            name="ammonia oxidation to nitric oxide",
            stoichiometry=STOICHIOMETRY["RX-1"],
            key_reactant=NH3,
            conversion=GAUZE_CONVERSION["RX-1"],
            heat_of_reaction=q(-906, "kJ/mol"),
            phase=gas,
            catalyst=gauze,
        ),
        Reaction(
            id="RX-2",
            name="ammonia oxidation to nitrogen (loss)",
            stoichiometry=STOICHIOMETRY["RX-2"],
            key_reactant=NH3,
            conversion=GAUZE_CONVERSION["RX-2"],
            heat_of_reaction=q(-1267, "kJ/mol"),
            phase=gas,
            catalyst=gauze,
        ),
        Reaction(
            id="RX-3",
            name="ammonia oxidation to nitrous oxide (loss)",
            stoichiometry=STOICHIOMETRY["RX-3"],
            key_reactant=NH3,
            conversion=GAUZE_CONVERSION["RX-3"],
            heat_of_reaction=q(-1105, "kJ/mol"),
            phase=gas,
            catalyst=gauze,
        ),
        Reaction(
            id="RX-4",
            name="nitric oxide oxidation in the cooler-condenser",
            stoichiometry=STOICHIOMETRY["RX-4"],
            key_reactant=NO,
            extent=q(45.0, "mol/s"),
            heat_of_reaction=q(-114, "kJ/mol"),
            phase=gas,
        ),
        Reaction(
            id="RX-5",
            name="weak acid formation in the cooler-condenser",
            stoichiometry=STOICHIOMETRY["RX-5"],
            key_reactant=NO2,
            extent=q(24.0, "mol/s"),
            heat_of_reaction=q(-136, "kJ/mol"),
            phase=two,
        ),
        Reaction(
            id="RX-6",
            name="nitric oxide oxidation in the absorber",
            stoichiometry=STOICHIOMETRY["RX-6"],
            key_reactant=NO,
            extent=q(round(extents["RX-6"], 3), "mol/s"),
            heat_of_reaction=q(-114, "kJ/mol"),
            phase=gas,
        ),
        Reaction(
            id="RX-7",
            name="NO2 absorption to nitric acid",
            stoichiometry=STOICHIOMETRY["RX-7"],
            key_reactant=NO2,
            extent=q(round(extents["RX-7"], 3), "mol/s"),
            heat_of_reaction=q(-136, "kJ/mol"),
            phase=two,
        ),
    ]
    units = [
        Unit(
            tag="E-101",
            type=UnitType.EVAPORATOR,
            name="ammonia vaporizer",
            temperature=q(14, "degC"),
            pressure=q(7.0, "bar"),
            duty=q(4.0, "MW"),
        ),
        Unit(tag="F-101", type=UnitType.FILTER, name="air intake filter"),
        Unit(
            tag="C-101",
            type=UnitType.COMPRESSOR,
            name="air compressor",
            pressure=q(5.3, "bar"),
            parameters={"pressure_ratio": q(5.3, "")},
        ),
        Unit(
            tag="SP-101",
            type=UnitType.SPLITTER,
            name="primary/secondary air split",
            parameters={"secondary_air_fraction": q(13.0, "percent")},
        ),
        Unit(
            tag="M-101",
            type=UnitType.MIXER,
            name="ammonia-air mixer",
            temperature=q(215, "degC"),
            pressure=q(5.2, "bar"),
        ),
        Unit(
            tag="R-101",
            type=UnitType.REACTOR_CONVERTER,
            name="ammonia burner (gauze converter)",
            description="Pt-Rh gauze pack; the burner head sits directly on the waste-heat boiler.",
            temperature=q(890, "degC"),
            pressure=q(5.0, "bar"),
            reaction_ids=["RX-1", "RX-2", "RX-3"],
        ),
        Unit(
            tag="E-102",
            type=UnitType.WASTE_HEAT_BOILER,
            name="waste-heat boiler and superheater",
            temperature=q(400, "degC"),
            pressure=q(4.9, "bar"),
            duty=q(-33, "MW"),
            parameters={"steam_pressure": q(40, "bar")},
        ),
        Unit(
            tag="E-103",
            type=UnitType.HEAT_EXCHANGER,
            name="tail-gas heater",
            description="Hot nitrous gas heats the tail gas before the expander.",
        ),
        Unit(
            tag="E-104",
            type=UnitType.CONDENSER,
            name="cooler-condenser",
            temperature=q(50, "degC"),
            pressure=q(4.7, "bar"),
            reaction_ids=["RX-4", "RX-5"],
        ),
        Unit(
            tag="V-101",
            type=UnitType.SEPARATOR,
            name="weak acid separator",
            temperature=q(50, "degC"),
            pressure=q(4.7, "bar"),
        ),
        Unit(tag="P-101A", type=UnitType.PUMP, name="weak acid pump"),
        Unit(tag="M-102", type=UnitType.MIXER, name="NOx compressor suction header"),
        Unit(
            tag="C-102",
            type=UnitType.COMPRESSOR,
            name="NOx compressor",
            pressure=q(11.0, "bar"),
            parameters={"pressure_ratio": q(2.4, "")},
        ),
        Unit(tag="E-105", type=UnitType.COOLER, name="NOx gas cooler", temperature=q(45, "degC")),
        Unit(
            tag="T-101",
            type=UnitType.ABSORBER,
            name="absorption tower",
            description="Sieve-tray tower with cooling coils; water enters at the top, weak acid part way up.",
            temperature=q(30, "degC"),
            pressure=q(10.8, "bar"),
            reaction_ids=["RX-6", "RX-7"],
        ),
        Unit(tag="T-102", type=UnitType.STRIPPER, name="bleacher", pressure=q(4.8, "bar")),
        Unit(tag="TK-101", type=UnitType.TANK, name="product acid storage", pressure=q(1.013, "bar")),
        Unit(tag="P-102", type=UnitType.PUMP, name="product acid pump"),
        Unit(
            tag="KT-101",
            type=UnitType.EXPANDER,
            name="tail-gas expander",
            parameters={"pressure_ratio": q(9.9, "")},
        ),
    ]
    return Flowsheet(components=components, units=units, streams=streams, reactions=reactions)


def _instrumentation() -> Instrumentation:
    def inst(
        tag: str, kind: InstrumentType, description: str, unit: str | None = None, stream: str | None = None
    ) -> Instrument:
        return Instrument(tag=tag, type=kind, description=description, unit_tag=unit, stream_id=stream)

    t = InstrumentType
    instruments = [
        inst("FT-101", t.TRANSMITTER, "ammonia vapour flow", stream="S-2"),
        inst("FFIC-101", t.CONTROLLER, "ammonia/air ratio controller"),
        inst("FV-101", t.CONTROL_VALVE, "ammonia flow control valve", stream="S-2"),
        inst("TT-102", t.TRANSMITTER, "gauze temperature (thermocouples below the gauze)", unit="R-101"),
        inst("TIC-102", t.CONTROLLER, "gauze temperature controller"),
        inst("FT-103", t.TRANSMITTER, "primary air flow", stream="S-6"),
        inst("TT-105", t.TRANSMITTER, "cooler-condenser outlet temperature", stream="S-12"),
        inst("TIC-105", t.CONTROLLER, "cooler-condenser outlet temperature controller"),
        inst("TV-105", t.CONTROL_VALVE, "cooling water valve of the cooler-condenser", unit="E-104"),
        inst("LT-106", t.TRANSMITTER, "weak acid separator level", unit="V-101"),
        inst("LIC-106", t.CONTROLLER, "weak acid separator level controller"),
        inst("LV-106", t.CONTROL_VALVE, "weak acid to absorber", stream="S-15"),
        inst(
            "FFSHH-107",
            t.SWITCH,
            "ammonia/air ratio high-high (independent SIS flow transmitters)",
            unit="M-101",
        ),
        inst("TSHH-108", t.SWITCH, "gauze temperature high-high", unit="R-101"),
        inst("XV-109", t.ON_OFF_VALVE, "ammonia shut-off valve", stream="S-2"),
        inst("HS-001", t.HAND_SWITCH, "emergency shutdown push button in the control room"),
        inst("LT-201", t.TRANSMITTER, "absorber bottom level", unit="T-101"),
        inst("LIC-201", t.CONTROLLER, "absorber bottom level controller"),
        inst("LV-201", t.CONTROL_VALVE, "raw acid let-down to the bleacher", stream="S-21"),
        inst("PT-202", t.TRANSMITTER, "absorber top pressure", unit="T-101"),
        inst("PIC-202", t.CONTROLLER, "absorber pressure controller"),
        inst("PV-202", t.CONTROL_VALVE, "tail gas pressure control valve", stream="S-20"),
        inst("FT-203", t.TRANSMITTER, "process water flow", stream="S-19"),
        inst("FIC-203", t.CONTROLLER, "process water flow controller, fed forward from ammonia flow"),
        inst("FV-203", t.CONTROL_VALVE, "process water control valve", stream="S-19"),
        inst("AT-204", t.ANALYZER, "product acid strength (density-based)", stream="S-23"),
        inst("PSHH-206", t.SWITCH, "absorber pressure high-high", unit="T-101"),
    ]
    loops = [
        ControlLoop(
            id="FFIC-101",
            description="Ammonia flow follows the primary air flow at the set ratio; "
            "the ratio is trimmed by the gauze temperature controller.",
            measured_variable=MeasuredVariable.FLOW,
            strategy=ControlStrategy.RATIO,
            sensor="FT-101",
            controller="FFIC-101",
            final_element="FV-101",
            manipulated_stream="S-2",
            ratio=0.111,
            wild_stream="S-6",
            master_loop="TIC-102",
        ),
        ControlLoop(
            id="TIC-102",
            description="Gauze temperature sets the ammonia/air ratio.",
            measured_variable=MeasuredVariable.TEMPERATURE,
            strategy=ControlStrategy.CASCADE,
            sensor="TT-102",
            controller="TIC-102",
            setpoint=q(890, "degC"),
            secondary_loop="FFIC-101",
        ),
        ControlLoop(
            id="TIC-105",
            measured_variable=MeasuredVariable.TEMPERATURE,
            strategy=ControlStrategy.FEEDBACK,
            sensor="TT-105",
            controller="TIC-105",
            final_element="TV-105",
            setpoint=q(50, "degC"),
        ),
        ControlLoop(
            id="LIC-106",
            measured_variable=MeasuredVariable.LEVEL,
            strategy=ControlStrategy.FEEDBACK,
            sensor="LT-106",
            controller="LIC-106",
            final_element="LV-106",
            manipulated_stream="S-15",
            setpoint=q(50, "percent"),
        ),
        ControlLoop(
            id="LIC-201",
            measured_variable=MeasuredVariable.LEVEL,
            strategy=ControlStrategy.FEEDBACK,
            sensor="LT-201",
            controller="LIC-201",
            final_element="LV-201",
            manipulated_stream="S-21",
            setpoint=q(50, "percent"),
        ),
        ControlLoop(
            id="PIC-202",
            measured_variable=MeasuredVariable.PRESSURE,
            strategy=ControlStrategy.FEEDBACK,
            sensor="PT-202",
            controller="PIC-202",
            final_element="PV-202",
            manipulated_stream="S-20",
            setpoint=q(10.6, "bar"),
        ),
        ControlLoop(
            id="FIC-203",
            description="Process water is set in proportion to the ammonia feed so that "
            "product strength holds through load changes.",
            measured_variable=MeasuredVariable.FLOW,
            strategy=ControlStrategy.FEEDFORWARD,
            sensor="FT-203",
            controller="FIC-203",
            final_element="FV-203",
            manipulated_stream="S-19",
            setpoint=q(15.7, "t/h"),
            disturbance_measurement="FT-101",
        ),
    ]
    relief_valves = [
        ReliefValve(
            tag="PSV-112",
            protected_unit="E-101",
            set_pressure=q(16, "barg"),
            discharge_to="ammonia relief header to the ammonia scrubber",
            scenario="fire case",
        ),
        ReliefValve(
            tag="PSV-113",
            protected_unit="E-102",
            set_pressure=q(46, "barg"),
            discharge_to="atmosphere through a silencer at a safe location",
            scenario="blocked steam outlet",
        ),
        ReliefValve(
            tag="PSV-207",
            protected_unit="T-101",
            set_pressure=q(13, "barg"),
            discharge_to="tail gas vent stack",
            scenario="blocked tail gas outlet",
        ),
    ]
    interlocks = [
        Interlock(
            id="I-101",
            description="Keeps the mixed gas below the flammable range of ammonia in air.",
            trigger="FFSHH-107",
            condition="ammonia in the mixed gas at or above 11.5 vol% (NH3/air ratio high-high)",
            trip_setpoint=q(11.5, "percent"),
            actions=[
                "close ammonia shut-off valve XV-109",
                "close ammonia control valve FV-101",
                "keep air flowing to purge the converter",
            ],
            final_elements=["XV-109", "FV-101"],
            sil=2,
        ),
        Interlock(
            id="I-102",
            trigger="TSHH-108",
            condition="gauze temperature above 950 °C",
            trip_setpoint=q(950, "degC"),
            actions=["close ammonia shut-off valve XV-109"],
            final_elements=["XV-109"],
            sil=1,
        ),
    ]
    esd = EmergencyShutdown(
        id="ESD-1",
        description="Plant trip: stop ammonia, keep air purging.",
        initiators=["HS-001", "FFSHH-107", "TSHH-108", "PSHH-206"],
        actions=["close XV-109 and FV-101", "trip the NOx compressor C-102"],
        final_elements=["XV-109", "FV-101"],
    )
    ss304l = "austenitic stainless steel, low carbon (ASTM A312 TP304L)"
    line_specs = [
        LineSpec(
            id="A1",
            service="anhydrous ammonia, liquid and vapour",
            material="carbon steel ASTM A106 Gr. B",
            pressure_class="ASME B16.5 Class 300",
            design_pressure=q(20, "barg"),
            design_temperature=q(65, "degC"),
            corrosion_allowance=q(1.5, "mm"),
            stream_ids=["S-1", "S-2"],
        ),
        LineSpec(
            id="B1",
            service="process air",
            material="carbon steel ASTM A106 Gr. B",
            pressure_class="ASME B16.5 Class 150",
            design_pressure=q(8, "barg"),
            design_temperature=q(260, "degC"),
            corrosion_allowance=q(1.5, "mm"),
            stream_ids=["S-4", "S-5", "S-6", "S-7"],
        ),
        LineSpec(
            id="C1",
            service="hot dry nitrous gas",
            material="austenitic stainless steel (ASTM A312 TP321H)",
            pressure_class="ASME B16.5 Class 150",
            design_pressure=q(8, "barg"),
            design_temperature=q(450, "degC"),
            stream_ids=["S-10", "S-11"],
        ),
        LineSpec(
            id="D1",
            service="wet nitrous gas and nitric acid, low pressure",
            material=ss304l,
            pressure_class="ASME B16.5 Class 150",
            design_pressure=q(8, "barg"),
            design_temperature=q(120, "degC"),
            stream_ids=["S-12", "S-13", "S-14", "S-16", "S-22", "S-23", "S-24", "S-25", "S-27"],
        ),
        LineSpec(
            id="D2",
            service="nitrous gas, nitric acid and process water, high pressure",
            material=ss304l,
            pressure_class="ASME B16.5 Class 300",
            design_pressure=q(15, "barg"),
            design_temperature=q(320, "degC"),
            stream_ids=["S-15", "S-17", "S-18", "S-19", "S-20", "S-21", "S-26"],
        ),
        LineSpec(
            id="E1",
            service="boiler feed water and 40 bar steam",
            material="carbon steel ASTM A106 Gr. B",
            pressure_class="ASME B16.5 Class 600",
            design_pressure=q(50, "barg"),
            design_temperature=q(425, "degC"),
            corrosion_allowance=q(1.5, "mm"),
            stream_ids=["S-30", "S-31"],
        ),
    ]
    return Instrumentation(
        instruments=instruments,
        control_loops=loops,
        relief_valves=relief_valves,
        interlocks=interlocks,
        esd_systems=[esd],
        line_specs=line_specs,
    )


def _context() -> ProcessContext:
    return ProcessContext(
        summary="Nitric acid of about 60 wt% from ammonia by catalytic oxidation over platinum-rhodium gauze "
        "(Ostwald process) in a dual-pressure plant: combustion near 5 bar, absorption near 11 bar.",
        route="Ammonia oxidation to NO, NO oxidation to NO2, absorption of NO2 in water. Chosen because it is "
        "the only industrial route; dual pressure gives high gauze efficiency at medium pressure and "
        "strong acid with low tail-gas NOx at high pressure.",
        reactions=[
            "4 NH3 + 5 O2 -> 4 NO + 6 H2O, strongly exothermic (about -906 kJ per 4 mol NH3), over Pt-Rh gauze",
            "side reactions to N2 and N2O cost a few per cent of the ammonia",
            "2 NO + O2 -> 2 NO2, slow and homogeneous; favoured by low temperature and high pressure",
            "3 NO2 + H2O -> 2 HNO3 + NO in the absorber; the released NO is re-oxidized up the tower",
        ],
        conditions=[
            "gauze at about 890 °C and 5 bar, contact time around a millisecond",
            "about 10 vol% ammonia in the mixed gas",
            "absorption at about 11 bar with cooled trays (around 30 °C)",
        ],
        purification=[
            "bleaching: secondary air strips dissolved NOx from the raw acid",
            "air intake filtering protects the gauze from poisons and dust",
        ],
        by_products=[
            "nitrogen and nitrous oxide from gauze side reactions; N2O is a potent greenhouse gas",
            "export steam from the waste-heat boiler",
        ],
        recycles=[
            "bleacher off-gas returns to the NOx compressor suction",
            "weak acid from the cooler-condenser is fed to the absorber at matching strength",
        ],
        heat_integration=[
            "waste-heat boiler and superheater raise 40 bar steam from the burner gas",
            "tail-gas heater warms tail gas with hot process gas before the expander",
            "the tail-gas expander and a steam turbine drive the air and NOx compressors",
        ],
        safety=[
            "ammonia/air ratio trip keeps the mixture below the lower flammability limit (about 15 vol%)",
            "ammonia is toxic: detection, relief to a scrubber, double isolation",
            "NOx is toxic; nitric acid is corrosive and a strong oxidizer: stainless steel (304L) service",
        ],
    )


def nitric_acid_design() -> Design:
    """A reference-clean flowsheet and P&ID (``validate_design`` reports nothing). A fresh copy per call."""
    flowsheet = _flowsheet()
    return Design(
        id="example-nitric-acid-ostwald",
        chemical="nitric acid",
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
        process_context=_context(),
        pfd=Pfd(
            description="Dual-pressure Ostwald plant, 12 t/h ammonia, about 1,000 t/d HNO3 (100 % basis).",
            flowsheet=flowsheet,
        ),
        pid=Pid(
            description="Ratio control of ammonia to air trimmed by gauze temperature (cascade); level, "
            "pressure and feedforward water control on the absorption section; SIL 2 ratio "
            "trip and ESD; relief on vaporizer, boiler and absorber.",
            instrumentation=_instrumentation(),
        ),
    )
