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
        inst("LT-205", t.TRANSMITTER, "bleacher bottom level", unit="T-102"),
        inst("LIC-205", t.CONTROLLER, "bleacher level controller (keeps a liquid seal to the tank)"),
        inst("LV-205", t.CONTROL_VALVE, "bleached acid to the product tank", stream="S-23"),
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
        # Without a level loop the 4.8 bar bleacher would blow gas through to the atmospheric tank.
        ControlLoop(
            id="LIC-205",
            measured_variable=MeasuredVariable.LEVEL,
            strategy=ControlStrategy.FEEDBACK,
            sensor="LT-205",
            controller="LIC-205",
            final_element="LV-205",
            manipulated_stream="S-23",
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


# =========================================================================================================
# Further reference designs: sulfuric acid, ammonia, methanol and styrene.
#
# Same conventions as the nitric acid plant above: flows and compositions come from a component balance
# done in code below (so they agree with the stated conversions), temperatures, pressures and duties are
# design estimates typical of such plants (not simulation results), and validation, critique and
# provenance are left empty. Each design is reference-clean: ``validate_design`` reports nothing and the
# critique rules raise no error.
# =========================================================================================================

# Molar masses (g/mol) of every component used by the designs below.
REFERENCE_MOLAR_MASS = {
    **MOLAR_MASS,
    "sulfur": 32.06,
    "sulfur dioxide": 64.064,
    "sulfur trioxide": 80.063,
    "sulfuric acid": 98.079,
    "hydrogen": 2.016,
    "methane": 16.043,
    "carbon monoxide": 28.010,
    "carbon dioxide": 44.009,
    "methanol": 32.042,
    "dimethyl ether": 46.069,
    "ethylbenzene": 106.167,
    "styrene": 104.152,
    "benzene": 78.114,
    "toluene": 92.141,
    "ethylene": 28.054,
}


def _apply_reactions(
    flow: dict[str, float], extents: dict[str, float], stoichiometry: dict[str, dict[str, float]]
) -> dict[str, float]:
    """Apply reaction extents (mol/s of reaction as written) to molar flows (mol/s)."""
    out = dict(flow)
    for reaction_id, extent in extents.items():
        for species, coefficient in stoichiometry[reaction_id].items():
            out[species] = out.get(species, 0.0) + coefficient * extent
    assert all(rate > -1e-9 for rate in out.values()), out
    return {species: max(rate, 0.0) for species, rate in out.items() if rate > 1e-12}


def _extents_for(
    flow: dict[str, float], conversions: dict[str, float], reactions: dict[str, dict[str, float]], keys
) -> dict[str, float]:
    """Extents that consume ``conversion`` of each reaction's key reactant as it enters the unit."""
    return {rid: conv * flow[keys[rid]] / -reactions[rid][keys[rid]] for rid, conv in conversions.items()}


def _minus(flow: dict[str, float], part: dict[str, float]) -> dict[str, float]:
    out = {species: flow.get(species, 0.0) - part.get(species, 0.0) for species in flow}
    assert all(rate > -1e-9 for rate in out.values()), out
    return {species: rate for species, rate in out.items() if rate > 1e-12}


def _significant(value: float, digits: int = 5) -> float:
    return float(f"{value:.{digits}g}")


def _process_stream(
    sid: str,
    src: str | None,
    dst: str | None,
    phase: Phase,
    t_degc: float,
    p_bar: float,
    name: str,
    flow: dict[str, float],
    mass_basis: bool = False,
) -> Stream:
    """A stream from molar flows (mol/s): gases in kmol/h with mole fractions, liquids in t/h with mass
    fractions (5 significant digits, so unit balances close to about 1e-4)."""
    if mass_basis:
        mass = {species: rate * REFERENCE_MOLAR_MASS[species] for species, rate in flow.items()}  # g/s
        rate = q(_significant(math.fsum(mass.values()) * 3.6e-3), "t/h")
        composition = Composition(basis=CompositionBasis.MASS, fractions=_fractions(mass))
    else:
        rate = q(_significant(math.fsum(flow.values()) * 3.6), "kmol/h")
        composition = Composition(basis=CompositionBasis.MOLE, fractions=_fractions(flow))
    return Stream(
        id=sid,
        name=name,
        from_unit=src,
        to_unit=dst,
        phase=phase,
        temperature=q(t_degc, "degC"),
        pressure=q(p_bar, "bar"),
        flow=rate,
        composition=composition,
    )


def _water_stream(
    sid: str,
    src: str | None,
    dst: str | None,
    phase: Phase,
    t_degc: float,
    p_bar: float,
    name: str,
    t_h: float,
) -> Stream:
    """Boiler feed water or steam on a utility side (flow given directly in t/h)."""
    return Stream(
        id=sid,
        name=name,
        from_unit=src,
        to_unit=dst,
        phase=phase,
        temperature=q(t_degc, "degC"),
        pressure=q(p_bar, "bar"),
        flow=q(t_h, "t/h"),
        composition=Composition(basis=CompositionBasis.MASS, fractions={H2O: 1.0}),
    )


def _component(name: str, formula: str, cas: str) -> Component:
    return Component(name=name, formula=formula, cas=cas)


def _instrument(
    tag: str, kind: InstrumentType, description: str, unit: str | None = None, stream: str | None = None
) -> Instrument:
    return Instrument(tag=tag, type=kind, description=description, unit_tag=unit, stream_id=stream)


def _feedback(
    loop_id: str,
    variable: MeasuredVariable,
    sensor: str,
    final_element: str,
    setpoint: Quantity,
    description: str = "",
    manipulated_stream: str | None = None,
    master_loop: str | None = None,
) -> ControlLoop:
    return ControlLoop(
        id=loop_id,
        description=description,
        measured_variable=variable,
        strategy=ControlStrategy.FEEDBACK,
        sensor=sensor,
        controller=loop_id,
        final_element=final_element,
        manipulated_stream=manipulated_stream,
        setpoint=setpoint,
        master_loop=master_loop,
    )


def _cascade(
    loop_id: str,
    variable: MeasuredVariable,
    sensor: str,
    secondary: str,
    setpoint: Quantity,
    description: str,
) -> ControlLoop:
    return ControlLoop(
        id=loop_id,
        description=description,
        measured_variable=variable,
        strategy=ControlStrategy.CASCADE,
        sensor=sensor,
        controller=loop_id,
        setpoint=setpoint,
        secondary_loop=secondary,
    )


# --------------------------------------------------------------------------------------------------------
# Sulfuric acid: sulfur burning, double contact / double absorption (3+1), about 1,000 t/d H2SO4.
# --------------------------------------------------------------------------------------------------------

S, SO2, SO3, H2SO4 = "sulfur", "sulfur dioxide", "sulfur trioxide", "sulfuric acid"
SULFURIC_STOICHIOMETRY = {
    "RX-1": {S: -1, O2: -1, SO2: 1},
    **{rid: {SO2: -2, O2: -1, SO3: 2} for rid in ("RX-2", "RX-3", "RX-4", "RX-5")},
    "RX-6": {SO3: -1, H2O: -1, H2SO4: 1},
    "RX-7": {SO3: -1, H2O: -1, H2SO4: 1},
}
SULFURIC_KEYS = {"RX-1": S, "RX-2": SO2, "RX-3": SO2, "RX-4": SO2, "RX-5": SO2, "RX-6": SO3, "RX-7": SO3}
# Per-bed conversion of the SO2 entering each bed: cumulative 63 %, 85 %, 94 % before the intermediate
# absorber, 99.7 % overall after bed 4 (typical 3+1 DCDA with 11.5 vol% SO2 gas).
SULFURIC_CONVERSION = {
    "RX-1": 1.0,
    "RX-2": 0.63,
    "RX-3": (0.85 - 0.63) / (1 - 0.63),
    "RX-4": (0.94 - 0.85) / (1 - 0.85),
    "RX-5": 0.95,
    "RX-6": 0.9995,
    "RX-7": 0.9995,
}
ACID_STRENGTH = 0.985  # mass fraction H2SO4 of the circulating and product acid
# Circulating acid to the drying, intermediate and final towers, t/h (98.5 wt%).
ACID_CIRCULATION = {"S-21": 500.0, "S-23": 1400.0, "S-25": 400.0}


def _acid(t_h: float) -> dict[str, float]:
    """Molar flows (mol/s) of ``t_h`` tonnes per hour of 98.5 wt% acid."""
    grams = t_h * 1e6 / 3600
    return {
        H2SO4: grams * ACID_STRENGTH / REFERENCE_MOLAR_MASS[H2SO4],
        H2O: grams * (1 - ACID_STRENGTH) / REFERENCE_MOLAR_MASS[H2O],
    }


def _sulfuric_balance() -> dict[str, dict[str, float]]:
    react = lambda flow, rid: _apply_reactions(  # noqa: E731 - a one-line local shorthand
        flow,
        _extents_for(flow, {rid: SULFURIC_CONVERSION[rid]}, SULFURIC_STOICHIOMETRY, SULFURIC_KEYS),
        SULFURIC_STOICHIOMETRY,
    )
    sulfur = 13.6e6 / 3600 / REFERENCE_MOLAR_MASS[S]  # 13.6 t/h molten sulfur
    dry_air = _scaled(AIR, sulfur / 0.115)  # 11.5 vol% SO2 in the burner gas
    humidity = 0.0188  # mole fraction of water in ambient air at 25 °C and 60 % relative humidity
    wet_air = _plus(dry_air, {H2O: humidity / (1 - humidity) * math.fsum(dry_air.values())})
    s: dict[str, dict[str, float]] = {"S-1": {S: sulfur}, "S-2": {S: sulfur}, "S-3": wet_air}
    s["S-4"] = s["S-5"] = dry_air
    s["S-6"] = s["S-7"] = react(_plus(s["S-2"], s["S-5"]), "RX-1")
    s["S-8"] = s["S-9"] = react(s["S-7"], "RX-2")
    s["S-10"] = s["S-11"] = react(s["S-9"], "RX-3")
    s["S-12"] = s["S-13"] = s["S-14"] = react(s["S-11"], "RX-4")
    for sid, t_h in ACID_CIRCULATION.items():
        s[sid] = _acid(t_h)
    s["S-22"] = _plus(s["S-21"], {H2O: wet_air[H2O]})  # the drying tower takes up all the moisture
    ipa = react(_plus(s["S-14"], s["S-23"]), "RX-6")
    s["S-15"] = s["S-16"] = s["S-17"] = {k: v for k, v in ipa.items() if k not in (H2SO4, H2O)}
    s["S-24"] = {H2SO4: ipa[H2SO4], H2O: ipa[H2O]}
    s["S-18"] = s["S-19"] = react(s["S-17"], "RX-5")
    fa = react(_plus(s["S-19"], s["S-25"]), "RX-7")
    s["S-20"] = {k: v for k, v in fa.items() if k not in (H2SO4, H2O)}
    s["S-26"] = {H2SO4: fa[H2SO4], H2O: fa[H2O]}
    # Dilution water brings the pump tank back to 98.5 wt%: the product carries the acid made.
    made = s["S-24"][H2SO4] + s["S-26"][H2SO4] - s["S-23"][H2SO4] - s["S-25"][H2SO4]
    product = {
        H2SO4: made,
        H2O: made
        * REFERENCE_MOLAR_MASS[H2SO4]
        * (1 - ACID_STRENGTH)
        / ACID_STRENGTH
        / REFERENCE_MOLAR_MASS[H2O],
    }
    water_in_tank = s["S-22"][H2O] + s["S-24"][H2O] + s["S-26"][H2O]
    water_out = product[H2O] + sum(s[sid][H2O] for sid in ACID_CIRCULATION)
    s["S-27"] = {H2O: water_out - water_in_tank}
    assert s["S-27"][H2O] > 0
    s["S-31"] = s["S-32"] = product
    s["S-28"] = s["S-29"] = s["S-30"] = _plus(product, *(s[sid] for sid in ACID_CIRCULATION))
    return s


def _sulfuric_flowsheet() -> Flowsheet:
    flows = _sulfuric_balance()
    gas, liq = Phase.VAPOR, Phase.LIQUID

    def st(sid, src, dst, phase, t, p, name, liquid=False):
        return _process_stream(sid, src, dst, phase, t, p, name, flows[sid], mass_basis=liquid)

    streams = [
        st("S-1", None, "P-101", liq, 140, 1.1, "molten sulfur from the sulfur pit", True),
        st("S-2", "P-101", "R-101", liq, 140, 12.0, "sulfur to the burner guns", True),
        st("S-3", None, "T-101", gas, 25, 1.0, "ambient air through the intake filter"),
        st("S-4", "T-101", "K-101", gas, 45, 0.97, "dried air"),
        st("S-5", "K-101", "R-101", gas, 95, 1.40, "combustion air"),
        st("S-6", "R-101", "E-101", gas, 1120, 1.35, "burner gas, 11.5 vol% SO2"),
        st("S-7", "E-101", "R-102", gas, 420, 1.32, "gas to converter bed 1"),
        st("S-8", "R-102", "E-102", gas, 615, 1.28, "bed 1 outlet gas"),
        st("S-9", "E-102", "R-103", gas, 440, 1.26, "gas to converter bed 2"),
        st("S-10", "R-103", "E-103", gas, 505, 1.23, "bed 2 outlet gas"),
        st("S-11", "E-103", "R-104", gas, 430, 1.21, "gas to converter bed 3"),
        st("S-12", "R-104", "E-104", gas, 457, 1.18, "bed 3 outlet gas"),
        st("S-13", "E-104", "E-105", gas, 327, 1.16, "gas to the intermediate economizer"),
        st("S-14", "E-105", "T-102", gas, 190, 1.14, "SO3 gas to the intermediate absorber"),
        st("S-15", "T-102", "E-104", gas, 80, 1.11, "gas from the intermediate absorber"),
        st("S-16", "E-104", "E-102", gas, 225, 1.09, "partly reheated return gas"),
        st("S-17", "E-102", "R-105", gas, 420, 1.07, "gas to converter bed 4"),
        st("S-18", "R-105", "E-106", gas, 435, 1.05, "bed 4 outlet gas"),
        st("S-19", "E-106", "T-103", gas, 170, 1.04, "SO3 gas to the final absorber"),
        st("S-20", "T-103", None, gas, 80, 1.02, "tail gas to the stack"),
        st("S-21", "SP-101", "T-101", liq, 75, 4.0, "drying acid 98.5 wt%", True),
        st("S-22", "T-101", "V-101", liq, 80, 1.0, "drying tower acid return", True),
        st("S-23", "SP-101", "T-102", liq, 75, 4.0, "intermediate absorber acid 98.5 wt%", True),
        st("S-24", "T-102", "V-101", liq, 105, 1.1, "intermediate absorber acid return", True),
        st("S-25", "SP-101", "T-103", liq, 75, 4.0, "final absorber acid 98.5 wt%", True),
        st("S-26", "T-103", "V-101", liq, 85, 1.02, "final absorber acid return", True),
        st("S-27", None, "V-101", liq, 30, 3.0, "dilution (process) water", True),
        st("S-28", "V-101", "P-102", liq, 95, 1.013, "acid from the pump tank", True),
        st("S-29", "P-102", "E-107", liq, 95, 5.0, "circulating acid to the acid cooler", True),
        st("S-30", "E-107", "SP-101", liq, 75, 4.5, "cooled circulating acid", True),
        st("S-31", "SP-101", "E-108", liq, 75, 4.5, "product acid draw", True),
        st("S-32", "E-108", None, liq, 40, 4.0, "product sulfuric acid 98.5 wt% to storage", True),
        _water_stream("S-33", None, "E-101", liq, 130, 48.0, "boiler feed water from the economizers", 50.0),
        _water_stream("S-34", "E-101", None, gas, 255, 42.0, "saturated steam to the superheater", 50.0),
    ]
    components = [
        _component(S, "S", "7704-34-9"),
        _component(O2, "O2", "7782-44-7"),
        _component(N2, "N2", "7727-37-9"),
        _component(AR, "Ar", "7440-37-1"),
        _component(H2O, "H2O", "7732-18-5"),
        _component(SO2, "SO2", "7446-09-5"),
        _component(SO3, "SO3", "7446-11-9"),
        _component(H2SO4, "H2SO4", "7664-93-9"),
    ]
    catalyst = "vanadium pentoxide with potassium sulfate promoter on silica (V2O5-K2SO4/SiO2)"
    reactions = [
        Reaction(
            id="RX-1",
            name="sulfur combustion",
            stoichiometry=SULFURIC_STOICHIOMETRY["RX-1"],
            key_reactant=S,
            conversion=SULFURIC_CONVERSION["RX-1"],
            heat_of_reaction=q(-297, "kJ/mol"),
            phase=gas,
        ),
        *(
            Reaction(
                id=rid,
                name=f"SO2 oxidation, converter bed {bed}",
                stoichiometry=SULFURIC_STOICHIOMETRY[rid],
                key_reactant=SO2,
                conversion=round(SULFURIC_CONVERSION[rid], 4),
                heat_of_reaction=q(-198, "kJ/mol"),
                phase=gas,
                catalyst=catalyst + (", caesium-promoted" if bed in (1, 4) else ""),
            )
            for bed, rid in enumerate(("RX-2", "RX-3", "RX-4", "RX-5"), start=1)
        ),
        Reaction(
            id="RX-6",
            name="SO3 absorption in 98.5 wt% acid (intermediate absorber)",
            stoichiometry=SULFURIC_STOICHIOMETRY["RX-6"],
            key_reactant=SO3,
            conversion=SULFURIC_CONVERSION["RX-6"],
            heat_of_reaction=q(-132, "kJ/mol"),
            phase=Phase.VAPOR_LIQUID,
        ),
        Reaction(
            id="RX-7",
            name="SO3 absorption in 98.5 wt% acid (final absorber)",
            stoichiometry=SULFURIC_STOICHIOMETRY["RX-7"],
            key_reactant=SO3,
            conversion=SULFURIC_CONVERSION["RX-7"],
            heat_of_reaction=q(-132, "kJ/mol"),
            phase=Phase.VAPOR_LIQUID,
        ),
    ]
    bed = UnitType.REACTOR_PACKED_BED
    units = [
        Unit(tag="P-101", type=UnitType.PUMP, name="molten sulfur pump", description="Steam-jacketed."),
        Unit(
            tag="T-101",
            type=UnitType.ABSORBER,
            name="air drying tower",
            description="Packed tower; 98.5 wt% acid takes up the air moisture so no acid mist forms later.",
            temperature=q(45, "degC"),
            pressure=q(0.98, "bar"),
        ),
        Unit(
            tag="K-101",
            type=UnitType.BLOWER,
            name="main air blower",
            description="Steam-turbine driven centrifugal blower with inlet guide vanes.",
            pressure=q(1.40, "bar"),
            parameters={"pressure_ratio": q(1.44, "")},
        ),
        Unit(
            tag="R-101",
            type=UnitType.REACTOR_CONVERTER,
            name="sulfur burner",
            description="Refractory-lined horizontal furnace with pressure-atomizing sulfur guns.",
            temperature=q(1120, "degC"),
            pressure=q(1.35, "bar"),
            reaction_ids=["RX-1"],
        ),
        Unit(
            tag="E-101",
            type=UnitType.WASTE_HEAT_BOILER,
            name="waste-heat boiler",
            description="Fire-tube boiler with a hot-gas bypass that sets the bed 1 inlet temperature.",
            temperature=q(420, "degC"),
            pressure=q(1.32, "bar"),
            duty=q(-27, "MW"),
            parameters={"steam_pressure": q(42, "bar")},
        ),
        Unit(
            tag="R-102",
            type=bed,
            name="converter bed 1",
            description="First catalyst bed of the four-bed converter (R-102 to R-105 share one vessel).",
            temperature=q(615, "degC"),
            pressure=q(1.30, "bar"),
            reaction_ids=["RX-2"],
        ),
        Unit(tag="E-102", type=UnitType.HEAT_EXCHANGER, name="hot interpass heat exchanger"),
        Unit(
            tag="R-103",
            type=bed,
            name="converter bed 2",
            temperature=q(505, "degC"),
            pressure=q(1.25, "bar"),
            reaction_ids=["RX-3"],
        ),
        Unit(tag="E-103", type=UnitType.COOLER, name="steam superheater", duty=q(-6.5, "MW")),
        Unit(
            tag="R-104",
            type=bed,
            name="converter bed 3",
            temperature=q(457, "degC"),
            pressure=q(1.20, "bar"),
            reaction_ids=["RX-4"],
        ),
        Unit(tag="E-104", type=UnitType.HEAT_EXCHANGER, name="cold interpass heat exchanger"),
        Unit(
            tag="E-105",
            type=UnitType.COOLER,
            name="economizer before the intermediate absorber",
            duty=q(-7.0, "MW"),
        ),
        Unit(
            tag="T-102",
            type=UnitType.ABSORBER,
            name="intermediate absorption tower",
            description="Packed tower with candle mist eliminators; absorbs SO3 in 98.5 wt% acid.",
            temperature=q(80, "degC"),
            pressure=q(1.12, "bar"),
            reaction_ids=["RX-6"],
        ),
        Unit(
            tag="R-105",
            type=bed,
            name="converter bed 4",
            description="Caesium-promoted catalyst for low inlet temperature and high final conversion.",
            temperature=q(435, "degC"),
            pressure=q(1.06, "bar"),
            reaction_ids=["RX-5"],
        ),
        Unit(
            tag="E-106",
            type=UnitType.COOLER,
            name="economizer before the final absorber",
            duty=q(-12.5, "MW"),
        ),
        Unit(
            tag="T-103",
            type=UnitType.ABSORBER,
            name="final absorption tower",
            temperature=q(80, "degC"),
            pressure=q(1.03, "bar"),
            reaction_ids=["RX-7"],
        ),
        Unit(
            tag="V-101",
            type=UnitType.VESSEL,
            name="common acid pump tank",
            description="Brick-lined pump tank; the three towers drain into it by gravity.",
            temperature=q(95, "degC"),
            pressure=q(1.013, "bar"),
        ),
        Unit(
            tag="P-102",
            type=UnitType.PUMP,
            name="acid circulation pump",
            description="Vertical submerged pump.",
        ),
        Unit(
            tag="E-107",
            type=UnitType.COOLER,
            name="circulating acid cooler",
            description="Anodically protected stainless shell-and-tube cooler; cooling water on the shell.",
            temperature=q(75, "degC"),
            duty=q(-42, "MW"),
        ),
        Unit(tag="SP-101", type=UnitType.SPLITTER, name="acid distribution header"),
        Unit(tag="E-108", type=UnitType.COOLER, name="product acid cooler", temperature=q(40, "degC")),
    ]
    return Flowsheet(components=components, units=units, streams=streams, reactions=reactions)


def _sulfuric_instrumentation() -> Instrumentation:
    t, mv = InstrumentType, MeasuredVariable
    instruments = [
        _instrument("FT-101", t.TRANSMITTER, "dried air flow (venturi)", stream="S-4"),
        _instrument("FIC-101", t.CONTROLLER, "air flow controller"),
        _instrument("FV-101", t.CONTROL_VALVE, "blower inlet guide vanes", unit="K-101"),
        _instrument("FT-102", t.TRANSMITTER, "molten sulfur flow (Coriolis)", stream="S-2"),
        _instrument("FFIC-102", t.CONTROLLER, "sulfur/air ratio controller"),
        _instrument("FV-102", t.CONTROL_VALVE, "sulfur flow control valve (steam-jacketed)", stream="S-2"),
        _instrument("TT-103", t.TRANSMITTER, "burner outlet temperature", unit="R-101"),
        _instrument("TIC-103", t.CONTROLLER, "burner temperature controller, trims the sulfur/air ratio"),
        _instrument("TT-104", t.TRANSMITTER, "bed 1 inlet temperature", stream="S-7"),
        _instrument("TIC-104", t.CONTROLLER, "bed 1 inlet temperature controller"),
        _instrument("TV-104", t.CONTROL_VALVE, "waste-heat boiler hot-gas bypass valve", unit="E-101"),
        _instrument("TT-105", t.TRANSMITTER, "bed 2 inlet temperature", stream="S-9"),
        _instrument("TIC-105", t.CONTROLLER, "bed 2 inlet temperature controller"),
        _instrument("TV-105", t.CONTROL_VALVE, "hot interpass exchanger gas bypass valve", unit="E-102"),
        _instrument("TT-106", t.TRANSMITTER, "bed 3 inlet temperature", stream="S-11"),
        _instrument("TIC-106", t.CONTROLLER, "bed 3 inlet temperature controller"),
        _instrument("TV-106", t.CONTROL_VALVE, "superheater gas bypass valve", unit="E-103"),
        _instrument("TT-107", t.TRANSMITTER, "bed 4 inlet temperature", stream="S-17"),
        _instrument("TIC-107", t.CONTROLLER, "bed 4 inlet temperature controller"),
        _instrument(
            "TV-107", t.CONTROL_VALVE, "cold-side bypass valve of the hot interpass exchanger", unit="E-102"
        ),
        _instrument("LT-108", t.TRANSMITTER, "pump tank level", unit="V-101"),
        _instrument("LIC-108", t.CONTROLLER, "pump tank level controller"),
        _instrument("LV-108", t.CONTROL_VALVE, "product acid draw valve", stream="S-31"),
        _instrument("AT-109", t.ANALYZER, "circulating acid strength (conductivity)", stream="S-30"),
        _instrument("AIC-109", t.CONTROLLER, "acid strength controller"),
        _instrument("AV-109", t.CONTROL_VALVE, "dilution water valve", stream="S-27"),
        _instrument("LT-110", t.TRANSMITTER, "boiler steam drum level", unit="E-101"),
        _instrument("LIC-110", t.CONTROLLER, "drum level controller (three-element, master)"),
        _instrument("FT-111", t.TRANSMITTER, "boiler feed water flow", stream="S-33"),
        _instrument("FIC-111", t.CONTROLLER, "boiler feed water flow controller (slave)"),
        _instrument("FV-111", t.CONTROL_VALVE, "boiler feed water valve", stream="S-33"),
        _instrument("TT-112", t.TRANSMITTER, "circulating acid temperature after the cooler", stream="S-30"),
        _instrument("TIC-112", t.CONTROLLER, "acid cooler outlet temperature controller"),
        _instrument("TV-112", t.CONTROL_VALVE, "acid cooler cooling water valve", unit="E-107"),
        _instrument("FSLL-113", t.SWITCH, "combustion air flow low-low", stream="S-4"),
        _instrument("TSHH-114", t.SWITCH, "burner temperature high-high", unit="R-101"),
        _instrument("LSLL-115", t.SWITCH, "boiler drum level low-low", unit="E-101"),
        _instrument("LSLL-116", t.SWITCH, "pump tank level low-low", unit="V-101"),
        _instrument("XV-117", t.ON_OFF_VALVE, "sulfur shut-off valve", stream="S-2"),
        _instrument("HS-001", t.HAND_SWITCH, "emergency shutdown push button in the control room"),
    ]
    loops = [
        _feedback("FIC-101", mv.FLOW, "FT-101", "FV-101", q(3690, "kmol/h"), "Plant load: dried air flow."),
        ControlLoop(
            id="FFIC-102",
            description="Sulfur follows the air flow at the set ratio; the burner temperature trims the ratio.",
            measured_variable=mv.FLOW,
            strategy=ControlStrategy.RATIO,
            sensor="FT-102",
            controller="FFIC-102",
            final_element="FV-102",
            manipulated_stream="S-2",
            ratio=0.115,  # mol sulfur per mol dried air: 11.5 vol% SO2 in the burner gas
            wild_stream="S-5",
            master_loop="TIC-103",
        ),
        _cascade(
            "TIC-103",
            mv.TEMPERATURE,
            "TT-103",
            "FFIC-102",
            q(1120, "degC"),
            "Burner temperature (gas strength) sets the sulfur/air ratio.",
        ),
        _feedback(
            "TIC-104", mv.TEMPERATURE, "TT-104", "TV-104", q(420, "degC"), "Bed 1 inlet above light-off."
        ),
        _feedback("TIC-105", mv.TEMPERATURE, "TT-105", "TV-105", q(440, "degC")),
        _feedback("TIC-106", mv.TEMPERATURE, "TT-106", "TV-106", q(430, "degC")),
        _feedback("TIC-107", mv.TEMPERATURE, "TT-107", "TV-107", q(420, "degC")),
        _feedback("LIC-108", mv.LEVEL, "LT-108", "LV-108", q(60, "percent"), manipulated_stream="S-31"),
        _feedback(
            "AIC-109",
            mv.ANALYSIS,
            "AT-109",
            "AV-109",
            q(98.5, "percent"),
            "Dilution water holds the circulating acid at 98.5 wt%.",
            manipulated_stream="S-27",
        ),
        _cascade(
            "LIC-110",
            mv.LEVEL,
            "LT-110",
            "FIC-111",
            q(50, "percent"),
            "Three-element drum level control: level resets the feed water flow setpoint.",
        ),
        _feedback(
            "FIC-111",
            mv.FLOW,
            "FT-111",
            "FV-111",
            q(50, "t/h"),
            manipulated_stream="S-33",
            master_loop="LIC-110",
        ),
        _feedback("TIC-112", mv.TEMPERATURE, "TT-112", "TV-112", q(75, "degC")),
    ]
    relief_valves = [
        ReliefValve(
            tag="PSV-118",
            protected_unit="E-101",
            set_pressure=q(47, "barg"),
            discharge_to="atmosphere through a silencer at a safe location",
            scenario="blocked steam outlet",
        ),
    ]
    interlocks = [
        Interlock(
            id="I-101",
            description="No sulfur into a burner without combustion air (sulfur vapour, explosive dust).",
            trigger="FSLL-113",
            condition="dried air flow below 30 % of design",
            trip_setpoint=q(1160, "kmol/h"),
            actions=["close sulfur shut-off valve XV-117", "stop sulfur pump P-101"],
            final_elements=["XV-117", "FV-102"],
            sil=2,
        ),
        Interlock(
            id="I-102",
            trigger="TSHH-114",
            condition="burner temperature above 1200 °C (refractory)",
            trip_setpoint=q(1200, "degC"),
            actions=["close sulfur shut-off valve XV-117"],
            final_elements=["XV-117"],
            sil=1,
        ),
        Interlock(
            id="I-103",
            description="Protects the fire tubes from dry-firing.",
            trigger="LSLL-115",
            condition="steam drum level low-low",
            actions=["close sulfur shut-off valve XV-117", "open the waste-heat boiler bypass TV-104"],
            final_elements=["XV-117", "TV-104"],
            sil=2,
        ),
        Interlock(
            id="I-104",
            trigger="LSLL-116",
            condition="pump tank level low-low",
            actions=["stop acid pump P-102", "close sulfur shut-off valve XV-117"],
            final_elements=["XV-117"],
            sil=1,
        ),
    ]
    esd = EmergencyShutdown(
        id="ESD-1",
        description="Plant trip: sulfur off, blower kept running to purge SO2 to the stack.",
        initiators=["HS-001", "FSLL-113", "TSHH-114", "LSLL-115"],
        actions=["close XV-117 and FV-102", "stop P-101"],
        final_elements=["XV-117", "FV-102"],
    )
    line_specs = [
        LineSpec(
            id="SU1",
            service="molten sulfur, steam jacketed",
            material="carbon steel ASTM A106 Gr. B with 4.5 barg steam jacket",
            pressure_class="ASME B16.5 Class 150",
            design_pressure=q(15, "barg"),
            design_temperature=q(160, "degC"),
            corrosion_allowance=q(3, "mm"),
            stream_ids=["S-1", "S-2"],
        ),
        LineSpec(
            id="G1",
            service="process air and cool process gas (ducts)",
            material="carbon steel plate ASTM A283 Gr. C",
            pressure_class="duct, 0.5 barg design",
            design_pressure=q(0.5, "barg"),
            design_temperature=q(260, "degC"),
            corrosion_allowance=q(3, "mm"),
            stream_ids=["S-3", "S-4", "S-5", "S-14", "S-15", "S-16", "S-19", "S-20"],
        ),
        LineSpec(
            id="G2",
            service="hot SO2/SO3 gas (ducts)",
            material="stainless steel ASTM A240 TP304H; refractory-lined carbon steel for burner gas",
            pressure_class="duct, 0.5 barg design",
            design_pressure=q(0.5, "barg"),
            design_temperature=q(650, "degC"),
            stream_ids=["S-6", "S-7", "S-8", "S-9", "S-10", "S-11", "S-12", "S-13", "S-17", "S-18"],
        ),
        LineSpec(
            id="A1",
            service="hot 98.5 wt% sulfuric acid",
            material="high-silicon austenitic stainless steel (e.g. ASTM A312 S32615) or anodically protected 316L",
            pressure_class="ASME B16.5 Class 150",
            design_pressure=q(7, "barg"),
            design_temperature=q(130, "degC"),
            stream_ids=["S-21", "S-22", "S-23", "S-24", "S-25", "S-26", "S-28", "S-29", "S-30", "S-31"],
        ),
        LineSpec(
            id="A2",
            service="cooled product acid below 45 °C, low velocity",
            material="carbon steel ASTM A106 Gr. B (velocity below 1 m/s)",
            pressure_class="ASME B16.5 Class 150",
            design_pressure=q(7, "barg"),
            design_temperature=q(60, "degC"),
            corrosion_allowance=q(6, "mm"),
            stream_ids=["S-32"],
        ),
        LineSpec(
            id="W1",
            service="dilution water",
            material="stainless steel ASTM A312 TP316L",
            pressure_class="ASME B16.5 Class 150",
            design_pressure=q(6, "barg"),
            design_temperature=q(60, "degC"),
            stream_ids=["S-27"],
        ),
        LineSpec(
            id="ST1",
            service="boiler feed water and 42 bar steam",
            material="carbon steel ASTM A106 Gr. B",
            pressure_class="ASME B16.5 Class 600",
            design_pressure=q(52, "barg"),
            design_temperature=q(280, "degC"),
            corrosion_allowance=q(1.5, "mm"),
            stream_ids=["S-33", "S-34"],
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


def sulfuric_acid_design() -> Design:
    """Sulfuric acid by sulfur burning and double contact / double absorption (reference-clean)."""
    return Design(
        id="example-sulfuric-acid-dcda",
        chemical="sulfuric acid",
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
        process_context=ProcessContext(
            summary="98.5 wt% sulfuric acid, about 1,000 t/d H2SO4, from molten sulfur by the double contact "
            "double absorption (DCDA, 3+1) process.",
            route="Sulfur is burnt with dried air to SO2, SO2 is oxidized to SO3 over vanadium catalyst in four "
            "adiabatic beds, and SO3 is absorbed in 98.5 wt% acid (not water, which would form an acid "
            "mist). Absorbing SO3 after bed 3 shifts the equilibrium so bed 4 reaches 99.7 % overall.",
            reactions=[
                "S + O2 -> SO2, about -297 kJ/mol, in the sulfur burner near 1,100 °C",
                "SO2 + 1/2 O2 <-> SO3, about -99 kJ/mol SO2, equilibrium-limited, V2O5 catalyst 400-620 °C",
                "SO3 + H2O -> H2SO4 in the absorbers, about -132 kJ/mol",
            ],
            conditions=[
                "burner gas 11.5 vol% SO2 and 9.4 vol% O2 at about 0.35 barg",
                "bed inlet temperatures 420-440 °C (above catalyst light-off), bed 1 outlet about 615 °C",
                "absorbing acid 98.5 wt% at 75-80 °C, where the SO3 and H2SO4 vapour pressures are lowest",
            ],
            purification=[
                "air drying with 98.5 wt% acid prevents acid mist downstream",
                "candle mist eliminators at the absorber tops",
            ],
            by_products=["high-pressure steam from the waste-heat boiler, superheater and economizers"],
            recycles=["acid circulates through one common pump tank; dilution water holds its strength"],
            heat_integration=[
                "waste-heat boiler raises 42 bar steam from the 1,120 °C burner gas",
                "hot and cold interpass exchangers reheat the gas returning from the intermediate absorber",
                "superheater after bed 2 and economizers before each absorber recover the rest",
            ],
            safety=[
                "SO2 and SO3 are toxic; sulfuric acid is highly corrosive and reacts violently with water",
                "sulfur trips on low air flow and high burner temperature; boiler trips on low drum level",
                "acid coolers are anodically protected; water leaks into strong acid are detected by "
                "conductivity and temperature",
            ],
        ),
        pfd=Pfd(
            description="Sulfur burner, waste-heat boiler, four-bed converter with interpass heat exchange, "
            "intermediate and final absorbers and a drying tower on one 98.5 wt% acid circuit.",
            flowsheet=_sulfuric_flowsheet(),
        ),
        pid=Pid(
            description="Air flow sets plant load; sulfur follows air on ratio, trimmed by burner temperature "
            "(cascade); bypass valves hold each bed inlet temperature; pump tank level, acid strength and "
            "three-element drum level control; SIL 2 sulfur trips and ESD; relief on the steam drum.",
            instrumentation=_sulfuric_instrumentation(),
        ),
    )


# --------------------------------------------------------------------------------------------------------
# Ammonia: Haber-Bosch synthesis loop (makeup gas from a reforming front end), about 1,000 t/d NH3.
# --------------------------------------------------------------------------------------------------------

H2, CH4 = "hydrogen", "methane"
AMMONIA_STOICHIOMETRY = {"RX-1": {N2: -1, H2: -3, NH3: 2}}
AMMONIA_H2_CONVERSION = 0.28  # per pass, of the hydrogen entering the converter
AMMONIA_PURGE_FRACTION = 0.02  # of the separator overhead, sets about 12 % inerts at the converter inlet
# Makeup gas from the methanator: H2/N2 = 3, methane and argon as inerts.
AMMONIA_MAKEUP = {H2: 0.7410, N2: 0.2470, CH4: 0.0090, AR: 0.0030}
# Liquid ammonia at -10 °C and 185 bar: NH3 in the separator vapour, dissolved gas per mol of liquid NH3.
SEPARATOR_NH3_VAPOUR = 0.022
AMMONIA_DISSOLVED = {H2: 0.004, N2: 0.0015, CH4: 0.004, AR: 0.001}


def _ammonia_balance() -> dict[str, dict[str, float]]:
    makeup = _scaled(AMMONIA_MAKEUP, 5300 / 3.6)  # 5,300 kmol/h
    recycle = {H2: 3000.0, N2: 1000.0, CH4: 300.0, AR: 100.0, NH3: 100.0}  # first guess, mol/s
    for _ in range(400):  # successive substitution around the loop; converges to well below 1e-9
        extent = AMMONIA_H2_CONVERSION * recycle[H2] / 3
        effluent = _apply_reactions(recycle, {"RX-1": extent}, AMMONIA_STOICHIOMETRY)
        chilled = _plus(effluent, makeup)
        liquid_nh3 = chilled[NH3]
        for _ in range(30):
            dissolved = {k: v * liquid_nh3 for k, v in AMMONIA_DISSOLVED.items()}
            gas = _minus({k: chilled[k] for k in AMMONIA_DISSOLVED}, dissolved)
            vapour_nh3 = SEPARATOR_NH3_VAPOUR / (1 - SEPARATOR_NH3_VAPOUR) * math.fsum(gas.values())
            liquid_nh3 = chilled[NH3] - vapour_nh3
        overhead = _plus(gas, {NH3: vapour_nh3})
        recycle = _scaled(overhead, 1 - AMMONIA_PURGE_FRACTION)
    liquid = _plus(dissolved, {NH3: liquid_nh3})
    # Let-down to 20 bar and -12 °C: the dissolved gas flashes off with ammonia at its vapour pressure
    # (about 2.7 bar, so 13.5 mol% NH3 in the flash gas).
    flash_gas = _plus(dissolved, {NH3: 0.135 / (1 - 0.135) * math.fsum(dissolved.values())})
    s = {"S-1": makeup, "S-2": makeup, "S-3": recycle, "S-4": recycle, "S-5": recycle}
    s["S-6"] = s["S-7"] = s["S-8"] = s["S-9"] = effluent
    s["S-10"] = s["S-11"] = chilled
    s["S-12"] = overhead
    s["S-13"] = _scaled(overhead, AMMONIA_PURGE_FRACTION)
    s["S-14"] = liquid
    s["S-15"] = flash_gas
    s["S-16"] = _minus(liquid, flash_gas)
    return s


def _ammonia_flowsheet() -> Flowsheet:
    flows = _ammonia_balance()
    gas, liq, two = Phase.VAPOR, Phase.LIQUID, Phase.VAPOR_LIQUID

    def st(sid, src, dst, phase, t, p, name, liquid=False):
        return _process_stream(sid, src, dst, phase, t, p, name, flows[sid], mass_basis=liquid)

    streams = [
        st("S-1", None, "C-101", gas, 40, 25.0, "makeup synthesis gas from the methanator"),
        st("S-2", "C-101", "M-101", gas, 40, 189.0, "compressed makeup gas (after the aftercooler)"),
        st("S-3", "SP-101", "C-102", gas, -10, 185.0, "recycle gas"),
        st("S-4", "C-102", "E-102", gas, 10, 200.0, "circulator discharge"),
        st("S-5", "E-102", "R-101", gas, 280, 198.0, "preheated converter feed"),
        st("S-6", "R-101", "E-101", gas, 470, 194.0, "converter effluent"),
        st("S-7", "E-101", "E-102", gas, 320, 193.0, "effluent after the waste-heat boiler"),
        st("S-8", "E-102", "E-103", gas, 70, 191.0, "effluent after the feed/effluent exchanger"),
        st("S-9", "E-103", "M-101", two, 38, 189.0, "water-cooled effluent, ammonia partly condensed"),
        st("S-10", "M-101", "E-104", two, 38, 188.0, "effluent with makeup gas to the chiller"),
        st("S-11", "E-104", "V-101", two, -10, 186.0, "chilled loop gas and liquid ammonia"),
        st("S-12", "V-101", "SP-101", gas, -10, 185.0, "separator overhead gas"),
        st("S-13", "SP-101", None, gas, -10, 185.0, "purge gas to hydrogen recovery"),
        st("S-14", "V-101", "V-102", liq, -10, 185.0, "liquid ammonia with dissolved gas", True),
        st("S-15", "V-102", None, gas, -12, 19.5, "let-down flash gas to fuel"),
        st(
            "S-16", "V-102", None, liq, -12, 19.5, "product liquid ammonia to refrigeration and storage", True
        ),
        _water_stream("S-17", None, "E-101", liq, 230, 120.0, "boiler feed water", 58.0),
        _water_stream("S-18", "E-101", None, gas, 318, 110.0, "saturated 110 bar steam", 58.0),
    ]
    components = [
        _component(H2, "H2", "1333-74-0"),
        _component(N2, "N2", "7727-37-9"),
        _component(NH3, "NH3", "7664-41-7"),
        _component(CH4, "CH4", "74-82-8"),
        _component(AR, "Ar", "7440-37-1"),
        _component(H2O, "H2O", "7732-18-5"),
    ]
    reactions = [
        Reaction(
            id="RX-1",
            name="ammonia synthesis",
            stoichiometry=AMMONIA_STOICHIOMETRY["RX-1"],
            key_reactant=H2,
            conversion=AMMONIA_H2_CONVERSION,
            heat_of_reaction=q(-92.4, "kJ/mol"),
            phase=gas,
            catalyst="promoted magnetite iron (Fe3O4 reduced to alpha-Fe, with K2O, Al2O3 and CaO promoters)",
        )
    ]
    units = [
        Unit(
            tag="C-101",
            type=UnitType.COMPRESSOR,
            name="synthesis gas compressor",
            description="Steam-turbine driven two-case centrifugal compressor with inter- and aftercoolers.",
            pressure=q(189, "bar"),
            parameters={"pressure_ratio": q(7.6, "")},
        ),
        Unit(
            tag="C-102",
            type=UnitType.COMPRESSOR,
            name="recycle compressor (circulator)",
            description="Circulator wheel on the synthesis gas compressor shaft.",
            pressure=q(200, "bar"),
            parameters={"pressure_ratio": q(1.08, "")},
        ),
        Unit(tag="E-102", type=UnitType.HEAT_EXCHANGER, name="feed/effluent exchanger"),
        Unit(
            tag="R-101",
            type=UnitType.REACTOR_PACKED_BED,
            name="ammonia converter",
            description="Three radial-flow iron catalyst beds with quench and an internal interchanger "
            "(feed 280 °C heated to 390 °C at the bed 1 inlet); hot spot and outlet about 470 °C.",
            temperature=q(470, "degC"),
            pressure=q(196, "bar"),
            reaction_ids=["RX-1"],
            parameters={"catalyst_volume": q(90, "m**3")},
        ),
        Unit(
            tag="E-101",
            type=UnitType.WASTE_HEAT_BOILER,
            name="synthesis loop waste-heat boiler",
            temperature=q(320, "degC"),
            pressure=q(193, "bar"),
            duty=q(-28, "MW"),
            parameters={"steam_pressure": q(110, "bar")},
        ),
        Unit(
            tag="E-103",
            type=UnitType.COOLER,
            name="loop water cooler",
            temperature=q(38, "degC"),
            duty=q(-45, "MW"),
        ),
        Unit(tag="M-101", type=UnitType.MIXER, name="makeup gas injection"),
        Unit(
            tag="E-104",
            type=UnitType.COOLER,
            name="ammonia chiller",
            description="Kettle chillers on the ammonia refrigeration circuit (evaporating at -18 °C).",
            temperature=q(-10, "degC"),
            duty=q(-24, "MW"),
        ),
        Unit(
            tag="V-101",
            type=UnitType.SEPARATOR,
            name="ammonia separator",
            temperature=q(-10, "degC"),
            pressure=q(185, "bar"),
        ),
        Unit(tag="SP-101", type=UnitType.SPLITTER, name="purge take-off"),
        Unit(
            tag="V-102",
            type=UnitType.FLASH_DRUM,
            name="let-down vessel",
            temperature=q(-12, "degC"),
            pressure=q(19.5, "bar"),
        ),
    ]
    return Flowsheet(components=components, units=units, streams=streams, reactions=reactions)


def _ammonia_instrumentation() -> Instrumentation:
    t, mv = InstrumentType, MeasuredVariable
    instruments = [
        _instrument("PT-101", t.TRANSMITTER, "makeup gas suction pressure", stream="S-1"),
        _instrument("PIC-101", t.CONTROLLER, "suction pressure controller (master)"),
        _instrument("ST-102", t.TRANSMITTER, "compressor train speed", unit="C-101"),
        _instrument("SIC-102", t.CONTROLLER, "turbine speed governor (slave)"),
        _instrument("SV-102", t.CONTROL_VALVE, "turbine steam governor valve", unit="C-101"),
        _instrument("FT-103", t.TRANSMITTER, "makeup gas suction flow", stream="S-1"),
        _instrument("FIC-103", t.CONTROLLER, "anti-surge controller, synthesis gas case"),
        _instrument("FV-103", t.CONTROL_VALVE, "anti-surge kickback valve, synthesis gas case", unit="C-101"),
        _instrument("FT-104", t.TRANSMITTER, "recycle gas flow", stream="S-3"),
        _instrument("FIC-104", t.CONTROLLER, "anti-surge controller, circulator"),
        _instrument("FV-104", t.CONTROL_VALVE, "anti-surge kickback valve, circulator", unit="C-102"),
        _instrument("TT-105", t.TRANSMITTER, "bed 1 inlet temperature", unit="R-101"),
        _instrument("TIC-105", t.CONTROLLER, "bed 1 inlet temperature controller"),
        _instrument("TV-105", t.CONTROL_VALVE, "cold-shot valve to bed 1", unit="R-101"),
        _instrument("TT-106", t.TRANSMITTER, "bed 2 inlet temperature", unit="R-101"),
        _instrument("TIC-106", t.CONTROLLER, "bed 2 inlet temperature controller"),
        _instrument("TV-106", t.CONTROL_VALVE, "quench valve to bed 2", unit="R-101"),
        _instrument("LT-107", t.TRANSMITTER, "separator level", unit="V-101"),
        _instrument("LIC-107", t.CONTROLLER, "separator level controller"),
        _instrument("LV-107", t.CONTROL_VALVE, "liquid ammonia let-down valve", stream="S-14"),
        _instrument("LT-108", t.TRANSMITTER, "let-down vessel level", unit="V-102"),
        _instrument("LIC-108", t.CONTROLLER, "let-down vessel level controller"),
        _instrument("LV-108", t.CONTROL_VALVE, "product ammonia valve", stream="S-16"),
        _instrument("PT-109", t.TRANSMITTER, "let-down vessel pressure", unit="V-102"),
        _instrument("PIC-109", t.CONTROLLER, "let-down vessel pressure controller"),
        _instrument("PV-109", t.CONTROL_VALVE, "flash gas valve", stream="S-15"),
        _instrument("AT-110", t.ANALYZER, "inerts (CH4 + Ar) at the converter inlet", stream="S-5"),
        _instrument("AIC-110", t.CONTROLLER, "inerts controller (master of the purge flow)"),
        _instrument("FT-111", t.TRANSMITTER, "purge gas flow", stream="S-13"),
        _instrument("FIC-111", t.CONTROLLER, "purge gas flow controller (slave)"),
        _instrument("FV-111", t.CONTROL_VALVE, "purge gas valve", stream="S-13"),
        _instrument("TT-112", t.TRANSMITTER, "separator inlet temperature", stream="S-11"),
        _instrument("TIC-112", t.CONTROLLER, "chiller outlet temperature controller"),
        _instrument("TV-112", t.CONTROL_VALVE, "refrigerant level/flow valve of the chiller", unit="E-104"),
        _instrument("LT-113", t.TRANSMITTER, "boiler steam drum level", unit="E-101"),
        _instrument("LIC-113", t.CONTROLLER, "boiler drum level controller"),
        _instrument("LV-113", t.CONTROL_VALVE, "boiler feed water valve", stream="S-17"),
        _instrument("TSHH-118", t.SWITCH, "converter bed temperature high-high", unit="R-101"),
        _instrument("XV-119", t.ON_OFF_VALVE, "makeup gas isolation valve", stream="S-2"),
        _instrument("LSLL-120", t.SWITCH, "separator level low-low (gas blow-by)", unit="V-101"),
        _instrument("XV-121", t.ON_OFF_VALVE, "liquid ammonia shut-off valve", stream="S-14"),
        _instrument("LSHH-122", t.SWITCH, "separator level high-high (liquid carry-over)", unit="V-101"),
        _instrument("PSHH-123", t.SWITCH, "let-down vessel pressure high-high", unit="V-102"),
        _instrument("HS-001", t.HAND_SWITCH, "emergency shutdown push button in the control room"),
    ]
    loops = [
        _cascade(
            "PIC-101",
            mv.PRESSURE,
            "PT-101",
            "SIC-102",
            q(25, "bar"),
            "Front-end pressure sets the compressor speed.",
        ),
        _feedback("SIC-102", mv.SPEED, "ST-102", "SV-102", q(10500, "rpm"), master_loop="PIC-101"),
        _feedback("FIC-103", mv.FLOW, "FT-103", "FV-103", q(5300, "kmol/h"), "Anti-surge: minimum flow."),
        _feedback("FIC-104", mv.FLOW, "FT-104", "FV-104", q(20340, "kmol/h"), "Anti-surge: minimum flow."),
        _feedback("TIC-105", mv.TEMPERATURE, "TT-105", "TV-105", q(390, "degC"), "Cold shot to bed 1."),
        _feedback("TIC-106", mv.TEMPERATURE, "TT-106", "TV-106", q(400, "degC"), "Quench between beds."),
        _feedback("LIC-107", mv.LEVEL, "LT-107", "LV-107", q(50, "percent"), manipulated_stream="S-14"),
        _feedback("LIC-108", mv.LEVEL, "LT-108", "LV-108", q(50, "percent"), manipulated_stream="S-16"),
        _feedback("PIC-109", mv.PRESSURE, "PT-109", "PV-109", q(19.5, "bar"), manipulated_stream="S-15"),
        _cascade(
            "AIC-110",
            mv.ANALYSIS,
            "AT-110",
            "FIC-111",
            q(12.4, "percent"),
            "Inerts at the converter inlet set the purge flow.",
        ),
        _feedback(
            "FIC-111",
            mv.FLOW,
            "FT-111",
            "FV-111",
            q(415, "kmol/h"),
            manipulated_stream="S-13",
            master_loop="AIC-110",
        ),
        _feedback("TIC-112", mv.TEMPERATURE, "TT-112", "TV-112", q(-10, "degC")),
        _feedback("LIC-113", mv.LEVEL, "LT-113", "LV-113", q(50, "percent"), manipulated_stream="S-17"),
    ]
    relief_valves = [
        ReliefValve(
            tag="PSV-114",
            protected_unit="R-101",
            set_pressure=q(215, "barg"),
            discharge_to="synthesis loop flare header",
            scenario="blocked outlet with the circulator running",
        ),
        ReliefValve(
            tag="PSV-115",
            protected_unit="V-101",
            set_pressure=q(210, "barg"),
            discharge_to="synthesis loop flare header",
            scenario="fire case",
        ),
        ReliefValve(
            tag="PSV-116",
            protected_unit="V-102",
            set_pressure=q(25, "barg"),
            discharge_to="ammonia flare",
            scenario="gas blow-by from the separator through LV-107",
            relieving_rate=q(60, "t/h"),
        ),
        ReliefValve(
            tag="PSV-117",
            protected_unit="E-101",
            set_pressure=q(125, "barg"),
            discharge_to="atmosphere through a silencer at a safe location",
            scenario="blocked steam outlet",
        ),
    ]
    interlocks = [
        Interlock(
            id="I-101",
            trigger="TSHH-118",
            condition="any converter bed above 530 °C",
            trip_setpoint=q(530, "degC"),
            actions=["close makeup gas valve XV-119", "trip the synthesis gas compressor"],
            final_elements=["XV-119"],
            sil=2,
        ),
        Interlock(
            id="I-102",
            description="Stops high-pressure gas blowing through into the 20 bar let-down vessel.",
            trigger="LSLL-120",
            condition="separator level low-low",
            actions=["close liquid ammonia shut-off valve XV-121"],
            final_elements=["XV-121", "LV-107"],
            sil=2,
        ),
        Interlock(
            id="I-103",
            trigger="LSHH-122",
            condition="separator level high-high",
            actions=["trip the circulator C-102 before liquid reaches it"],
            sil=1,
        ),
    ]
    esd = EmergencyShutdown(
        id="ESD-1",
        description="Loop trip: makeup gas and liquid ammonia isolated; loop depressured to flare by hand.",
        initiators=["HS-001", "TSHH-118", "LSLL-120", "PSHH-123"],
        actions=["close XV-119 and XV-121", "trip C-101/C-102"],
        final_elements=["XV-119", "XV-121"],
    )
    line_specs = [
        LineSpec(
            id="H1",
            service="makeup synthesis gas, 25 bar",
            material="carbon steel ASTM A106 Gr. B",
            pressure_class="ASME B16.5 Class 300",
            design_pressure=q(30, "barg"),
            design_temperature=q(80, "degC"),
            corrosion_allowance=q(1.5, "mm"),
            stream_ids=["S-1"],
        ),
        LineSpec(
            id="H2",
            service="cold synthesis loop gas and liquid ammonia, 200 bar",
            material="low-temperature carbon steel ASTM A333 Gr. 6 (impact tested to -46 °C)",
            pressure_class="ASME B16.5 Class 2500",
            design_pressure=q(215, "barg"),
            design_temperature=q(100, "degC"),
            corrosion_allowance=q(1.5, "mm"),
            stream_ids=["S-2", "S-3", "S-4", "S-9", "S-10", "S-11", "S-12", "S-13", "S-14"],
        ),
        LineSpec(
            id="H3",
            service="hot hydrogen-rich synthesis gas, 200 bar",
            material="2.25Cr-1Mo ASTM A335 P22, chosen from the API 941 Nelson curves (hydrogen attack)",
            pressure_class="ASME B16.5 Class 2500",
            design_pressure=q(215, "barg"),
            design_temperature=q(500, "degC"),
            stream_ids=["S-5", "S-6", "S-7", "S-8"],
        ),
        LineSpec(
            id="L1",
            service="let-down ammonia and flash gas, 20 bar",
            material="low-temperature carbon steel ASTM A333 Gr. 6",
            pressure_class="ASME B16.5 Class 300",
            design_pressure=q(25, "barg"),
            design_temperature=q(65, "degC"),
            corrosion_allowance=q(1.5, "mm"),
            stream_ids=["S-15", "S-16"],
        ),
        LineSpec(
            id="ST1",
            service="boiler feed water and 110 bar steam",
            material="carbon steel ASTM A106 Gr. C",
            pressure_class="ASME B16.5 Class 1500",
            design_pressure=q(125, "barg"),
            design_temperature=q(340, "degC"),
            corrosion_allowance=q(1.5, "mm"),
            stream_ids=["S-17", "S-18"],
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


def ammonia_design() -> Design:
    """Ammonia synthesis loop (Haber-Bosch) on makeup gas from a reformer (reference-clean)."""
    return Design(
        id="example-ammonia-haber-bosch",
        chemical="ammonia",
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
        process_context=ProcessContext(
            summary="Liquid ammonia, about 1,000 t/d, from 3:1 hydrogen/nitrogen makeup gas in a Haber-Bosch "
            "synthesis loop at about 200 bar over promoted iron catalyst.",
            route="N2 + 3 H2 <-> 2 NH3 is equilibrium-limited, so only about 15 mol% ammonia forms per pass: "
            "the product is condensed out by cooling and refrigeration and the unreacted gas recycled.",
            reactions=["N2 + 3 H2 <-> 2 NH3, -92.4 kJ/mol (per 2 mol NH3), exothermic, fewer moles"],
            conditions=[
                "converter 390-480 °C over magnetite-based iron catalyst, 190-200 bar",
                "separator at -10 °C and 185 bar after water cooling and ammonia refrigeration",
                "about 12 mol% inerts (CH4, Ar) at the converter inlet, held by the purge",
            ],
            purification=["let-down to 20 bar flashes the dissolved gas from the liquid ammonia"],
            by_products=["110 bar steam from the loop waste-heat boiler", "purge gas to hydrogen recovery"],
            recycles=["unconverted gas returns through the circulator; a 2 % purge bleeds the inerts"],
            heat_integration=[
                "converter effluent raises 110 bar steam, then preheats the converter feed",
                "makeup gas joins before the chiller so liquid ammonia scrubs traces of water and CO2",
            ],
            safety=[
                "hydrogen at 200 bar and high temperature: hydrogen attack and embrittlement (API 941 materials)",
                "ammonia is toxic and flammable: detection, relief to flare, low-low level trip on the separator "
                "against gas blow-by into the let-down vessel",
                "bed temperature high-high trips the makeup gas and the compressors",
            ],
        ),
        pfd=Pfd(
            description="Synthesis gas compressor and circulator, radial three-bed converter, waste-heat "
            "boiler, feed/effluent exchanger, water cooler, ammonia chiller, separator, purge and let-down.",
            flowsheet=_ammonia_flowsheet(),
        ),
        pid=Pid(
            description="Compressor suction pressure cascades to turbine speed; anti-surge on both cases; "
            "cold-shot temperature control of the beds; inerts analyser cascades to purge flow; level control "
            "on separator and let-down vessel with a low-low blow-by trip; relief on all pressure vessels.",
            instrumentation=_ammonia_instrumentation(),
        ),
    )


# --------------------------------------------------------------------------------------------------------
# Methanol: low-pressure synthesis over Cu/ZnO/Al2O3 in a boiling-water tubular reactor, about 1,000 t/d.
# --------------------------------------------------------------------------------------------------------

CO, CO2, MEOH, DME = "carbon monoxide", "carbon dioxide", "methanol", "dimethyl ether"
METHANOL_STOICHIOMETRY = {
    "RX-1": {CO: -1, H2: -2, MEOH: 1},
    "RX-2": {CO2: -1, H2: -3, MEOH: 1, H2O: 1},
    "RX-3": {MEOH: -2, DME: 1, H2O: 1},
}
METHANOL_CONVERSION = {"RX-1": 0.65, "RX-2": 0.30}  # per pass, of the CO and CO2 entering the reactor
DME_EXTENT = 0.6  # mol/s of by-product dimethyl ether
METHANOL_PURGE_FRACTION = 0.06
# Makeup gas from the reformer (stoichiometric number (H2 - CO2)/(CO + CO2) about 2.5).
METHANOL_MAKEUP = {H2: 0.720, CO: 0.170, CO2: 0.085, CH4: 0.020, N2: 0.005}
LOOP_GASES = (H2, CO, CO2, CH4, N2)
# Crude methanol at 40 °C and 76 bar: dissolved gas per mol of liquid (methanol + water).
CRUDE_DISSOLVED = {CO2: 0.02, H2: 0.003, CO: 0.001, CH4: 0.002, N2: 0.0003}


def _methanol_balance() -> dict[str, dict[str, float]]:
    makeup = _scaled(METHANOL_MAKEUP, 5750 / 3.6)  # 5,750 kmol/h
    recycle = {H2: 4000.0, CO: 300.0, CO2: 300.0, CH4: 800.0, N2: 100.0}  # first guess, mol/s
    for _ in range(600):  # successive substitution around the loop
        feed = _plus(makeup, recycle)
        extents = {
            "RX-1": METHANOL_CONVERSION["RX-1"] * feed[CO],
            "RX-2": METHANOL_CONVERSION["RX-2"] * feed[CO2],
            "RX-3": DME_EXTENT,
        }
        effluent = _apply_reactions(feed, extents, METHANOL_STOICHIOMETRY)
        liquid_base = effluent[MEOH] + effluent[H2O]
        dissolved = {k: v * liquid_base for k, v in CRUDE_DISSOLVED.items()}
        gas = _minus({k: effluent[k] for k in LOOP_GASES}, dissolved)
        dme_vapour = 0.5 * effluent[DME]
        # Methanol and water vapour at 40 °C over 76 bar: about 0.6 and 0.1 mol%.
        vapour_total = (math.fsum(gas.values()) + dme_vapour) / (1 - 0.006 - 0.001)
        overhead = _plus(gas, {MEOH: 0.006 * vapour_total, H2O: 0.001 * vapour_total, DME: dme_vapour})
        recycle = _scaled(overhead, 1 - METHANOL_PURGE_FRACTION)
    crude = _minus(effluent, overhead)
    # Let-down to 5 bar: the dissolved gas and half the DME flash, with methanol at 7 mol%.
    flashed = _plus(dissolved, {DME: 0.5 * crude[DME]})
    flash_gas = _plus(flashed, {MEOH: 0.07 / 0.93 * math.fsum(flashed.values())})
    stabilized = _minus(crude, flash_gas)
    # Topping column: the remaining DME leaves overhead with twice as many moles of methanol.
    light_ends = {DME: stabilized[DME], MEOH: 2 * stabilized[DME]}
    topped = _minus(stabilized, light_ends)
    # Refining column: 0.1 wt% water in the product, 100 wt ppm methanol in the bottoms.
    bottoms_meoh = 1e-4 * topped[H2O] * REFERENCE_MOLAR_MASS[H2O] / REFERENCE_MOLAR_MASS[MEOH]
    product_meoh = topped[MEOH] - bottoms_meoh
    product_water = 1e-3 / 0.999 * product_meoh * REFERENCE_MOLAR_MASS[MEOH] / REFERENCE_MOLAR_MASS[H2O]
    s = {"S-1": makeup, "S-2": makeup, "S-3": feed, "S-4": feed, "S-5": effluent, "S-6": effluent}
    s["S-7"] = s["S-8"] = effluent
    s["S-9"] = overhead
    s["S-10"] = _scaled(overhead, METHANOL_PURGE_FRACTION)
    s["S-11"] = s["S-12"] = recycle
    s["S-13"] = crude
    s["S-14"] = flash_gas
    s["S-15"] = stabilized
    s["S-16"] = light_ends
    s["S-17"] = topped
    s["S-18"] = s["S-19"] = {MEOH: product_meoh, H2O: product_water}
    s["S-20"] = {MEOH: bottoms_meoh, H2O: topped[H2O] - product_water}
    return s


def _methanol_flowsheet() -> Flowsheet:
    flows = _methanol_balance()
    gas, liq, two = Phase.VAPOR, Phase.LIQUID, Phase.VAPOR_LIQUID

    def st(sid, src, dst, phase, t, p, name, liquid=False):
        return _process_stream(sid, src, dst, phase, t, p, name, flows[sid], mass_basis=liquid)

    streams = [
        st("S-1", None, "C-101", gas, 40, 25.0, "makeup synthesis gas from the reformer"),
        st("S-2", "C-101", "M-101", gas, 45, 81.0, "compressed makeup gas (after the aftercooler)"),
        st("S-3", "M-101", "E-101", gas, 48, 80.5, "loop gas to the feed/effluent exchanger"),
        st("S-4", "E-101", "R-101", gas, 225, 80.0, "preheated reactor feed"),
        st("S-5", "R-101", "E-101", gas, 255, 77.5, "reactor effluent"),
        st("S-6", "E-101", "E-102", two, 105, 77.0, "effluent after the feed/effluent exchanger"),
        st("S-7", "E-102", "E-103", two, 60, 76.7, "effluent after the air cooler"),
        st("S-8", "E-103", "V-101", two, 40, 76.4, "effluent after the trim cooler"),
        st("S-9", "V-101", "SP-101", gas, 40, 76.0, "separator overhead gas"),
        st("S-10", "SP-101", None, gas, 40, 76.0, "purge gas to reformer fuel"),
        st("S-11", "SP-101", "C-102", gas, 40, 76.0, "recycle gas"),
        st("S-12", "C-102", "M-101", gas, 52, 81.0, "recycle compressor discharge"),
        st("S-13", "V-101", "V-102", liq, 40, 76.0, "crude methanol", True),
        st("S-14", "V-102", None, gas, 38, 5.0, "expansion gas to fuel"),
        st("S-15", "V-102", "T-101", liq, 38, 5.0, "stabilized crude methanol", True),
        st("S-16", "T-101", None, gas, 65, 1.4, "light ends (DME, methanol) to fuel"),
        st("S-17", "T-101", "T-102", liq, 85, 1.6, "topped methanol", True),
        st("S-18", "T-102", "E-104", liq, 66, 1.2, "refined methanol from the reflux drum", True),
        st("S-19", "E-104", None, liq, 40, 3.0, "methanol product (IMPCA/grade AA) to storage", True),
        st("S-20", "T-102", None, liq, 120, 1.8, "column bottoms water to treatment", True),
        _water_stream("S-21", None, "R-101", liq, 200, 45.0, "boiler feed water to the reactor shell", 70.0),
        _water_stream(
            "S-22", "R-101", None, gas, 250, 40.0, "saturated 40 bar steam from the steam drum", 70.0
        ),
    ]
    components = [
        _component(H2, "H2", "1333-74-0"),
        _component(CO, "CO", "630-08-0"),
        _component(CO2, "CO2", "124-38-9"),
        _component(CH4, "CH4", "74-82-8"),
        _component(N2, "N2", "7727-37-9"),
        _component(MEOH, "CH3OH", "67-56-1"),
        _component(H2O, "H2O", "7732-18-5"),
        _component(DME, "CH3OCH3", "115-10-6"),
    ]
    catalyst = "copper/zinc oxide/alumina (Cu/ZnO/Al2O3)"
    reactions = [
        Reaction(
            id="RX-1",
            name="methanol from carbon monoxide",
            stoichiometry=METHANOL_STOICHIOMETRY["RX-1"],
            key_reactant=CO,
            conversion=METHANOL_CONVERSION["RX-1"],
            heat_of_reaction=q(-90.7, "kJ/mol"),
            phase=gas,
            catalyst=catalyst,
        ),
        Reaction(
            id="RX-2",
            name="methanol from carbon dioxide",
            stoichiometry=METHANOL_STOICHIOMETRY["RX-2"],
            key_reactant=CO2,
            conversion=METHANOL_CONVERSION["RX-2"],
            heat_of_reaction=q(-49.5, "kJ/mol"),
            phase=gas,
            catalyst=catalyst,
        ),
        Reaction(
            id="RX-3",
            name="dimethyl ether by-product",
            stoichiometry=METHANOL_STOICHIOMETRY["RX-3"],
            key_reactant=MEOH,
            extent=q(DME_EXTENT, "mol/s"),
            heat_of_reaction=q(-23.4, "kJ/mol"),
            phase=gas,
            catalyst=catalyst,
        ),
    ]
    units = [
        Unit(
            tag="C-101",
            type=UnitType.COMPRESSOR,
            name="makeup gas compressor",
            description="Steam-turbine driven centrifugal compressor with intercooler and aftercooler.",
            pressure=q(81, "bar"),
            parameters={"pressure_ratio": q(3.24, "")},
        ),
        Unit(tag="M-101", type=UnitType.MIXER, name="makeup/recycle junction"),
        Unit(tag="E-101", type=UnitType.HEAT_EXCHANGER, name="feed/effluent exchanger"),
        Unit(
            tag="R-101",
            type=UnitType.REACTOR_PACKED_BED,
            name="methanol converter",
            description="Tubular reactor, catalyst in the tubes, boiling water on the shell: the steam drum "
            "pressure sets the reaction temperature (about 250 °C at 40 bar).",
            temperature=q(255, "degC"),
            pressure=q(78, "bar"),
            duty=q(-38, "MW"),
            reaction_ids=["RX-1", "RX-2", "RX-3"],
            parameters={"steam_pressure": q(40, "bar")},
        ),
        Unit(tag="E-102", type=UnitType.AIR_COOLER, name="loop air cooler", temperature=q(60, "degC")),
        Unit(tag="E-103", type=UnitType.COOLER, name="loop trim cooler", temperature=q(40, "degC")),
        Unit(
            tag="V-101",
            type=UnitType.FLASH_DRUM,
            name="high-pressure methanol separator",
            temperature=q(40, "degC"),
            pressure=q(76, "bar"),
        ),
        Unit(tag="SP-101", type=UnitType.SPLITTER, name="purge take-off"),
        Unit(
            tag="C-102",
            type=UnitType.COMPRESSOR,
            name="recycle compressor",
            pressure=q(81, "bar"),
            parameters={"pressure_ratio": q(1.07, "")},
        ),
        Unit(
            tag="V-102",
            type=UnitType.FLASH_DRUM,
            name="let-down (expansion) vessel",
            temperature=q(38, "degC"),
            pressure=q(5, "bar"),
        ),
        Unit(
            tag="T-101",
            type=UnitType.DISTILLATION_COLUMN,
            name="topping (light ends) column",
            description="Removes dissolved gas, DME and other light ends; steam reboiler, partial condenser.",
            pressure=q(1.5, "bar"),
            parameters={"trays": q(40, ""), "reboiler_duty": q(9, "MW")},
        ),
        Unit(
            tag="T-102",
            type=UnitType.DISTILLATION_COLUMN,
            name="refining column",
            description="Pure methanol overhead, water bottoms; fusel oil side draw (not modelled).",
            pressure=q(1.4, "bar"),
            parameters={"trays": q(80, ""), "reflux_ratio": q(1.8, ""), "reboiler_duty": q(33, "MW")},
        ),
        Unit(tag="E-104", type=UnitType.COOLER, name="product methanol cooler", temperature=q(40, "degC")),
    ]
    return Flowsheet(components=components, units=units, streams=streams, reactions=reactions)


def _methanol_instrumentation() -> Instrumentation:
    t, mv = InstrumentType, MeasuredVariable
    instruments = [
        _instrument("PT-101", t.TRANSMITTER, "makeup gas suction pressure", stream="S-1"),
        _instrument("PIC-101", t.CONTROLLER, "makeup compressor suction pressure controller"),
        _instrument("SV-101", t.CONTROL_VALVE, "turbine steam governor valve", unit="C-101"),
        _instrument("FT-102", t.TRANSMITTER, "makeup gas flow", stream="S-1"),
        _instrument("FIC-102", t.CONTROLLER, "anti-surge controller, makeup compressor"),
        _instrument("FV-102", t.CONTROL_VALVE, "anti-surge recycle valve, makeup compressor", unit="C-101"),
        _instrument("FT-103", t.TRANSMITTER, "recycle gas flow", stream="S-11"),
        _instrument("FIC-103", t.CONTROLLER, "anti-surge controller, recycle compressor"),
        _instrument("FV-103", t.CONTROL_VALVE, "anti-surge recycle valve, recycle compressor", unit="C-102"),
        _instrument("TT-104", t.TRANSMITTER, "reactor outlet temperature", stream="S-5"),
        _instrument("TIC-104", t.CONTROLLER, "reactor temperature controller (master)"),
        _instrument("PT-105", t.TRANSMITTER, "steam drum pressure", unit="R-101"),
        _instrument("PIC-105", t.CONTROLLER, "steam drum pressure controller (slave)"),
        _instrument("PV-105", t.CONTROL_VALVE, "steam export valve", stream="S-22"),
        _instrument("LT-106", t.TRANSMITTER, "steam drum level", unit="R-101"),
        _instrument("LIC-106", t.CONTROLLER, "steam drum level controller"),
        _instrument("LV-106", t.CONTROL_VALVE, "boiler feed water valve", stream="S-21"),
        _instrument("LT-107", t.TRANSMITTER, "separator level", unit="V-101"),
        _instrument("LIC-107", t.CONTROLLER, "separator level controller"),
        _instrument("LV-107", t.CONTROL_VALVE, "crude methanol let-down valve", stream="S-13"),
        _instrument("FT-108", t.TRANSMITTER, "purge gas flow", stream="S-10"),
        _instrument("FIC-108", t.CONTROLLER, "purge flow controller (slave of loop pressure)"),
        _instrument("FV-108", t.CONTROL_VALVE, "purge gas valve", stream="S-10"),
        _instrument("PT-109", t.TRANSMITTER, "loop pressure at the separator", unit="V-101"),
        _instrument("PIC-109", t.CONTROLLER, "loop pressure controller (master of the purge)"),
        _instrument("LT-110", t.TRANSMITTER, "expansion vessel level", unit="V-102"),
        _instrument("LIC-110", t.CONTROLLER, "expansion vessel level controller"),
        _instrument("LV-110", t.CONTROL_VALVE, "crude methanol to the topping column", stream="S-15"),
        _instrument("PT-111", t.TRANSMITTER, "expansion vessel pressure", unit="V-102"),
        _instrument("PIC-111", t.CONTROLLER, "expansion vessel pressure controller"),
        _instrument("PV-111", t.CONTROL_VALVE, "expansion gas valve", stream="S-14"),
        _instrument("LT-112", t.TRANSMITTER, "topping column sump level", unit="T-101"),
        _instrument("LIC-112", t.CONTROLLER, "topping column sump level controller"),
        _instrument("LV-112", t.CONTROL_VALVE, "topped methanol valve", stream="S-17"),
        _instrument("LT-113", t.TRANSMITTER, "refining column sump level", unit="T-102"),
        _instrument("LIC-113", t.CONTROLLER, "refining column sump level controller"),
        _instrument("LV-113", t.CONTROL_VALVE, "bottoms water valve", stream="S-20"),
        _instrument("TT-114", t.TRANSMITTER, "refining column control tray temperature", unit="T-102"),
        _instrument("TIC-114", t.CONTROLLER, "refining column tray temperature controller"),
        _instrument("TV-114", t.CONTROL_VALVE, "reboiler steam valve", unit="T-102"),
        _instrument("AT-115", t.ANALYZER, "water in product methanol", stream="S-19"),
        _instrument("TT-116", t.TRANSMITTER, "topping column bottom temperature", unit="T-101"),
        _instrument("TIC-116", t.CONTROLLER, "topping column temperature controller"),
        _instrument("TV-116", t.CONTROL_VALVE, "topping column reboiler steam valve", unit="T-101"),
        _instrument("TSHH-120", t.SWITCH, "reactor outlet temperature high-high", stream="S-5"),
        _instrument("XV-121", t.ON_OFF_VALVE, "makeup gas isolation valve", stream="S-2"),
        _instrument("LSLL-122", t.SWITCH, "separator level low-low (gas blow-by)", unit="V-101"),
        _instrument("XV-123", t.ON_OFF_VALVE, "crude methanol shut-off valve", stream="S-13"),
        _instrument("LSLL-124", t.SWITCH, "steam drum level low-low", unit="R-101"),
        _instrument("HS-001", t.HAND_SWITCH, "emergency shutdown push button in the control room"),
    ]
    loops = [
        _feedback("PIC-101", mv.PRESSURE, "PT-101", "SV-101", q(25, "bar"), "Front-end pressure sets speed."),
        _feedback("FIC-102", mv.FLOW, "FT-102", "FV-102", q(5750, "kmol/h"), "Anti-surge: minimum flow."),
        _feedback("FIC-103", mv.FLOW, "FT-103", "FV-103", q(20100, "kmol/h"), "Anti-surge: minimum flow."),
        _cascade(
            "TIC-104",
            mv.TEMPERATURE,
            "TT-104",
            "PIC-105",
            q(255, "degC"),
            "Reactor temperature resets the steam drum pressure, i.e. the boiling temperature on the shell.",
        ),
        _feedback(
            "PIC-105",
            mv.PRESSURE,
            "PT-105",
            "PV-105",
            q(40, "bar"),
            manipulated_stream="S-22",
            master_loop="TIC-104",
        ),
        _feedback("LIC-106", mv.LEVEL, "LT-106", "LV-106", q(50, "percent"), manipulated_stream="S-21"),
        _feedback("LIC-107", mv.LEVEL, "LT-107", "LV-107", q(50, "percent"), manipulated_stream="S-13"),
        _cascade(
            "PIC-109",
            mv.PRESSURE,
            "PT-109",
            "FIC-108",
            q(76, "bar"),
            "Loop pressure (inerts and excess hydrogen build-up) sets the purge flow.",
        ),
        _feedback(
            "FIC-108",
            mv.FLOW,
            "FT-108",
            "FV-108",
            q(1283, "kmol/h"),
            manipulated_stream="S-10",
            master_loop="PIC-109",
        ),
        _feedback("LIC-110", mv.LEVEL, "LT-110", "LV-110", q(50, "percent"), manipulated_stream="S-15"),
        _feedback("PIC-111", mv.PRESSURE, "PT-111", "PV-111", q(5, "bar"), manipulated_stream="S-14"),
        _feedback("LIC-112", mv.LEVEL, "LT-112", "LV-112", q(50, "percent"), manipulated_stream="S-17"),
        _feedback("LIC-113", mv.LEVEL, "LT-113", "LV-113", q(50, "percent"), manipulated_stream="S-20"),
        _feedback("TIC-114", mv.TEMPERATURE, "TT-114", "TV-114", q(75, "degC")),
        _feedback("TIC-116", mv.TEMPERATURE, "TT-116", "TV-116", q(85, "degC")),
    ]
    relief_valves = [
        ReliefValve(
            tag="PSV-130",
            protected_unit="R-101",
            set_pressure=q(88, "barg"),
            discharge_to="flare header",
            scenario="blocked outlet, tube side",
        ),
        ReliefValve(
            tag="PSV-131",
            protected_unit="R-101",
            set_pressure=q(46, "barg"),
            discharge_to="atmosphere through a silencer (steam drum, shell side)",
            scenario="tube rupture / blocked steam outlet",
        ),
        ReliefValve(
            tag="PSV-132",
            protected_unit="V-101",
            set_pressure=q(86, "barg"),
            discharge_to="flare header",
            scenario="fire case",
        ),
        ReliefValve(
            tag="PSV-133",
            protected_unit="V-102",
            set_pressure=q(8, "barg"),
            discharge_to="flare header",
            scenario="gas blow-by from the separator through LV-107",
        ),
        ReliefValve(
            tag="PSV-134",
            protected_unit="T-101",
            set_pressure=q(3.5, "barg"),
            discharge_to="flare header",
            scenario="cooling water failure",
        ),
        ReliefValve(
            tag="PSV-135",
            protected_unit="T-102",
            set_pressure=q(3.5, "barg"),
            discharge_to="flare header",
            scenario="cooling water failure",
        ),
    ]
    interlocks = [
        Interlock(
            id="I-101",
            trigger="TSHH-120",
            condition="reactor outlet above 290 °C (catalyst sintering, runaway)",
            trip_setpoint=q(290, "degC"),
            actions=[
                "close makeup gas valve XV-121",
                "depressure the steam drum to lower the shell temperature",
            ],
            final_elements=["XV-121"],
            sil=2,
        ),
        Interlock(
            id="I-102",
            trigger="LSLL-122",
            condition="separator level low-low",
            actions=["close crude methanol shut-off valve XV-123"],
            final_elements=["XV-123", "LV-107"],
            sil=2,
        ),
        Interlock(
            id="I-103",
            trigger="LSLL-124",
            condition="steam drum level low-low (loss of reactor cooling)",
            actions=["close makeup gas valve XV-121"],
            final_elements=["XV-121"],
            sil=2,
        ),
    ]
    esd = EmergencyShutdown(
        id="ESD-1",
        description="Loop trip: makeup gas isolated, compressors tripped, crude methanol isolated.",
        initiators=["HS-001", "TSHH-120", "LSLL-122", "LSLL-124"],
        actions=["close XV-121 and XV-123", "trip C-101 and C-102"],
        final_elements=["XV-121", "XV-123"],
    )
    line_specs = [
        LineSpec(
            id="G1",
            service="synthesis gas, 25 bar",
            material="carbon steel ASTM A106 Gr. B",
            pressure_class="ASME B16.5 Class 300",
            design_pressure=q(30, "barg"),
            design_temperature=q(80, "degC"),
            corrosion_allowance=q(1.5, "mm"),
            stream_ids=["S-1"],
        ),
        LineSpec(
            id="G2",
            service="synthesis loop gas and crude methanol, 80 bar",
            material="carbon steel ASTM A106 Gr. B (killed, low-carbon; CO partial pressure below the "
            "carbonyl limit at these temperatures)",
            pressure_class="ASME B16.5 Class 600",
            design_pressure=q(88, "barg"),
            design_temperature=q(290, "degC"),
            corrosion_allowance=q(3, "mm"),
            stream_ids=[
                "S-2",
                "S-3",
                "S-4",
                "S-5",
                "S-6",
                "S-7",
                "S-8",
                "S-9",
                "S-10",
                "S-11",
                "S-12",
                "S-13",
            ],
        ),
        LineSpec(
            id="M1",
            service="crude and refined methanol, flash and light-end gas, low pressure",
            material="carbon steel ASTM A106 Gr. B",
            pressure_class="ASME B16.5 Class 150",
            design_pressure=q(8, "barg"),
            design_temperature=q(150, "degC"),
            corrosion_allowance=q(3, "mm"),
            stream_ids=["S-14", "S-15", "S-16", "S-17", "S-18", "S-19", "S-20"],
        ),
        LineSpec(
            id="ST1",
            service="boiler feed water and 40 bar steam",
            material="carbon steel ASTM A106 Gr. B",
            pressure_class="ASME B16.5 Class 600",
            design_pressure=q(50, "barg"),
            design_temperature=q(270, "degC"),
            corrosion_allowance=q(1.5, "mm"),
            stream_ids=["S-21", "S-22"],
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


def methanol_design() -> Design:
    """Low-pressure methanol synthesis loop with two-column distillation (reference-clean)."""
    return Design(
        id="example-methanol-low-pressure",
        chemical="methanol",
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
        process_context=ProcessContext(
            summary="Grade AA methanol, about 1,000 t/d, from reformer synthesis gas in a low-pressure loop "
            "(about 80 bar) over Cu/ZnO/Al2O3, with topping and refining distillation.",
            route="CO and CO2 are hydrogenated to methanol in a boiling-water tubular reactor; conversion per "
            "pass is equilibrium-limited, so crude methanol is condensed out and the gas recycled.",
            reactions=[
                "CO + 2 H2 <-> CH3OH, -90.7 kJ/mol",
                "CO2 + 3 H2 <-> CH3OH + H2O, -49.5 kJ/mol",
                "CO2 + H2 <-> CO + H2O (reverse water-gas shift) relates the two; DME is a minor by-product",
            ],
            conditions=[
                "reactor 225-260 °C (copper catalyst sinters above about 300 °C), 78-80 bar",
                "separator at 40 °C; loop recycle ratio about 3.5",
            ],
            purification=[
                "let-down to 5 bar releases dissolved gas",
                "topping column removes DME and light ends; refining column gives 99.85 wt% methanol",
            ],
            by_products=["purge gas to reformer fuel", "40 bar steam", "water with traces of methanol"],
            recycles=["unconverted synthesis gas; a 6 % purge bleeds methane, nitrogen and excess hydrogen"],
            heat_integration=[
                "reaction heat raises 40 bar steam on the reactor shell",
                "feed/effluent exchanger preheats the reactor feed",
            ],
            safety=[
                "hydrogen and carbon monoxide (toxic) at 80 bar; methanol is toxic and flammable",
                "runaway risk: steam drum pressure sets the reactor temperature; trips on high outlet "
                "temperature and low steam drum level",
                "low-low separator level trip against gas blow-by into the 5 bar expansion vessel",
            ],
        ),
        pfd=Pfd(
            description="Makeup compressor, boiling-water reactor with feed/effluent exchanger, coolers, "
            "high-pressure separator, purge, recycle compressor, expansion vessel, topping and refining columns.",
            flowsheet=_methanol_flowsheet(),
        ),
        pid=Pid(
            description="Reactor temperature cascades to steam drum pressure; loop pressure cascades to the purge "
            "flow; anti-surge on both compressors; level control of separator, expansion vessel and column "
            "sumps; relief on all pressure vessels; SIL 2 trips on temperature and levels.",
            instrumentation=_methanol_instrumentation(),
        ),
    )


# --------------------------------------------------------------------------------------------------------
# Styrene: adiabatic ethylbenzene dehydrogenation under vacuum with steam dilution, about 25 t/h.
# --------------------------------------------------------------------------------------------------------

EB, SM, BZ, TOL, C2H4 = "ethylbenzene", "styrene", "benzene", "toluene", "ethylene"
STYRENE_STOICHIOMETRY = {
    **{rid: {EB: -1, SM: 1, H2: 1} for rid in ("RX-1", "RX-4")},
    **{rid: {EB: -1, BZ: 1, C2H4: 1} for rid in ("RX-2", "RX-5")},
    **{rid: {EB: -1, H2: -1, TOL: 1, CH4: 1} for rid in ("RX-3", "RX-6")},
}
# Per-bed conversion of the ethylbenzene entering each reactor (about 63 % per pass, 93 % selectivity).
STYRENE_CONVERSION = {"RX-1": 0.35, "RX-2": 0.015, "RX-3": 0.015, "RX-4": 0.38, "RX-5": 0.01, "RX-6": 0.02}
STEAM_TO_OIL = 1.3  # kg steam per kg ethylbenzene at the reactor inlet
PRIMARY_STEAM_SHARE = 0.10  # of the steam, vaporized with the ethylbenzene
# Vent gas of the three-phase separator at 40 °C and 0.40 bar: mole fractions of the condensables.
VENT_CONDENSABLES = {H2O: 0.185, BZ: 0.012, TOL: 0.004, EB: 0.029, SM: 0.026}
LIGHT_GASES = (H2, CH4, C2H4)


def _styrene_balance() -> dict[str, dict[str, float]]:
    fresh = {EB: 75.0}  # mol/s, about 28.7 t/h
    react = lambda flow, rids: _apply_reactions(  # noqa: E731 - a one-line local shorthand
        flow, {rid: STYRENE_CONVERSION[rid] * flow[EB] for rid in rids}, STYRENE_STOICHIOMETRY
    )
    recycle = {EB: 40.0, SM: 1.0}
    for _ in range(200):
        oil = _plus(fresh, recycle)
        steam = STEAM_TO_OIL * (oil[EB] * REFERENCE_MOLAR_MASS[EB] + oil[SM] * REFERENCE_MOLAR_MASS[SM])
        steam /= REFERENCE_MOLAR_MASS[H2O]
        primary, main = {H2O: PRIMARY_STEAM_SHARE * steam}, {H2O: (1 - PRIMARY_STEAM_SHARE) * steam}
        feed = _plus(oil, primary, main)
        first = react(feed, ("RX-1", "RX-2", "RX-3"))
        second = react(first, ("RX-4", "RX-5", "RX-6"))
        lights = {k: second[k] for k in LIGHT_GASES}
        vent_total = math.fsum(lights.values()) / (1 - math.fsum(VENT_CONDENSABLES.values()))
        vent = _plus(lights, {k: y * vent_total for k, y in VENT_CONDENSABLES.items()})
        condensed = _minus(second, vent)
        organic = {k: v for k, v in condensed.items() if k != H2O}
        water = {H2O: condensed[H2O]}
        # Benzene/toluene column: light aromatics overhead with 0.2 % of the ethylbenzene.
        bt_top = {BZ: organic[BZ], TOL: organic[TOL], EB: 0.002 * organic[EB]}
        bt_bottoms = _minus(organic, bt_top)
        # EB/SM splitter: 3 % of the styrene goes overhead; 800 mol ppm ethylbenzene in the product.
        product = {SM: 0.97 * bt_bottoms[SM], EB: 8e-4 * 0.97 * bt_bottoms[SM]}
        recycle = _minus(bt_bottoms, product)
    s = {"S-1": fresh, "S-2": oil, "S-3": primary, "S-4": _plus(oil, primary), "S-5": _plus(oil, primary)}
    s["S-6"] = s["S-7"] = s["S-8"] = main
    s["S-9"] = feed
    s["S-10"] = s["S-11"] = first
    s["S-12"] = s["S-13"] = s["S-14"] = s["S-15"] = second
    s["S-16"] = s["S-17"] = vent
    s["S-19"] = s["S-20"] = organic
    s["S-21"] = s["S-22"] = water
    s["S-23"] = bt_top
    s["S-24"] = bt_bottoms
    s["S-25"] = s["S-26"] = recycle
    s["S-27"] = s["S-28"] = s["S-29"] = product
    return s


def _styrene_flowsheet() -> Flowsheet:
    flows = _styrene_balance()
    gas, liq, two = Phase.VAPOR, Phase.LIQUID, Phase.VAPOR_LIQUID

    def st(sid, src, dst, phase, t, p, name, liquid=False):
        return _process_stream(sid, src, dst, phase, t, p, name, flows[sid], mass_basis=liquid)

    streams = [
        st("S-1", None, "M-101", liq, 25, 3.0, "fresh ethylbenzene", True),
        st("S-2", "M-101", "E-101", liq, 60, 2.8, "fresh and recycle ethylbenzene", True),
        st("S-3", None, "E-101", gas, 150, 4.0, "primary (dilution) steam", True),
        st("S-4", "E-101", "E-102", gas, 120, 1.25, "vaporized ethylbenzene and primary steam"),
        st("S-5", "E-102", "M-102", gas, 540, 1.05, "preheated ethylbenzene and steam"),
        st("S-6", None, "H-101", gas, 150, 4.0, "main steam", True),
        st("S-7", "H-101", "E-103", gas, 900, 1.40, "superheated main steam"),
        st("S-8", "E-103", "M-102", gas, 780, 1.20, "main steam after the interstage reheater"),
        st("S-9", "M-102", "R-101", gas, 630, 0.95, "reactor 1 feed"),
        st("S-10", "R-101", "E-103", gas, 565, 0.80, "reactor 1 effluent"),
        st("S-11", "E-103", "R-102", gas, 630, 0.75, "reheated feed to reactor 2"),
        st("S-12", "R-102", "E-102", gas, 585, 0.60, "reactor 2 effluent"),
        st("S-13", "E-102", "E-104", gas, 330, 0.55, "effluent after the feed/effluent exchanger"),
        st("S-14", "E-104", "E-105", gas, 160, 0.50, "effluent after the steam generator"),
        st("S-15", "E-105", "V-101", two, 40, 0.40, "condensed effluent (hydrocarbon, water, vent gas)"),
        st("S-16", "V-101", "C-101", gas, 40, 0.40, "vent gas"),
        st("S-17", "C-101", None, gas, 110, 1.30, "compressed vent gas to aromatics recovery and fuel"),
        st("S-19", "V-101", "P-101", liq, 40, 0.40, "crude styrene (hydrocarbon phase)", True),
        st("S-20", "P-101", "T-101", liq, 40, 3.0, "crude styrene to the benzene/toluene column", True),
        st("S-21", "V-101", "P-102", liq, 40, 0.40, "process condensate (water phase)", True),
        st("S-22", "P-102", None, liq, 40, 4.0, "process condensate to the condensate stripper", True),
        st("S-23", "T-101", None, liq, 45, 1.2, "benzene/toluene by-product", True),
        st("S-24", "T-101", "T-102", liq, 105, 0.45, "ethylbenzene and styrene to the splitter", True),
        st("S-25", "T-102", "P-103", liq, 50, 0.10, "recycle ethylbenzene from the reflux drum", True),
        st("S-26", "P-103", "M-101", liq, 50, 3.0, "recycle ethylbenzene", True),
        st("S-27", "T-102", "P-104", liq, 95, 0.25, "splitter bottoms styrene", True),
        st("S-28", "P-104", "E-106", liq, 95, 4.0, "styrene to the product cooler", True),
        st(
            "S-29",
            "E-106",
            None,
            liq,
            20,
            3.5,
            "styrene monomer 99.9 wt% (inhibited with TBC) to storage",
            True,
        ),
        _water_stream("S-30", None, "E-104", liq, 105, 5.5, "boiler feed water", 30.0),
        _water_stream("S-31", "E-104", None, gas, 148, 4.5, "low-pressure steam", 30.0),
    ]
    components = [
        _component(EB, "C8H10", "100-41-4"),
        _component(SM, "C8H8", "100-42-5"),
        _component(H2, "H2", "1333-74-0"),
        _component(BZ, "C6H6", "71-43-2"),
        _component(C2H4, "C2H4", "74-85-1"),
        _component(TOL, "C7H8", "108-88-3"),
        _component(CH4, "CH4", "74-82-8"),
        _component(H2O, "H2O", "7732-18-5"),
    ]
    catalyst = "potassium-promoted iron oxide (Fe2O3-K2CO3 with Ce and Mo promoters)"
    names = {
        "RX-1": ("ethylbenzene dehydrogenation to styrene, reactor 1", 124.9),
        "RX-2": ("dealkylation to benzene and ethylene, reactor 1", 105.5),
        "RX-3": ("hydrodealkylation to toluene and methane, reactor 1", -54.6),
        "RX-4": ("ethylbenzene dehydrogenation to styrene, reactor 2", 124.9),
        "RX-5": ("dealkylation to benzene and ethylene, reactor 2", 105.5),
        "RX-6": ("hydrodealkylation to toluene and methane, reactor 2", -54.6),
    }
    reactions = [
        Reaction(
            id=rid,
            name=name,
            stoichiometry=STYRENE_STOICHIOMETRY[rid],
            key_reactant=EB,
            conversion=STYRENE_CONVERSION[rid],
            heat_of_reaction=q(dh, "kJ/mol"),
            phase=gas,
            catalyst=catalyst,
        )
        for rid, (name, dh) in names.items()
    ]
    units = [
        Unit(tag="M-101", type=UnitType.MIXER, name="fresh/recycle ethylbenzene junction"),
        Unit(
            tag="E-101",
            type=UnitType.EVAPORATOR,
            name="ethylbenzene vaporizer",
            description="Kettle vaporizer; ethylbenzene boils with primary steam to keep the temperature low.",
            temperature=q(120, "degC"),
            pressure=q(1.3, "bar"),
            duty=q(6.5, "MW"),
        ),
        Unit(tag="E-102", type=UnitType.HEAT_EXCHANGER, name="feed/effluent exchanger"),
        Unit(
            tag="H-101",
            type=UnitType.FIRED_HEATER,
            name="steam superheater",
            description="Fired with vent gas and fuel gas.",
            temperature=q(900, "degC"),
            duty=q(30, "MW"),
        ),
        Unit(tag="M-102", type=UnitType.MIXER, name="steam/ethylbenzene mixing nozzle"),
        Unit(
            tag="R-101",
            type=UnitType.REACTOR_PACKED_BED,
            name="dehydrogenation reactor 1",
            description="Adiabatic radial-flow bed; the endothermic reaction cools the gas by about 65 K.",
            temperature=q(630, "degC"),
            pressure=q(0.9, "bar"),
            reaction_ids=["RX-1", "RX-2", "RX-3"],
        ),
        Unit(tag="E-103", type=UnitType.HEAT_EXCHANGER, name="interstage reheater (superheated steam)"),
        Unit(
            tag="R-102",
            type=UnitType.REACTOR_PACKED_BED,
            name="dehydrogenation reactor 2",
            temperature=q(630, "degC"),
            pressure=q(0.7, "bar"),
            reaction_ids=["RX-4", "RX-5", "RX-6"],
        ),
        Unit(
            tag="E-104",
            type=UnitType.WASTE_HEAT_BOILER,
            name="low-pressure steam generator",
            temperature=q(160, "degC"),
            pressure=q(0.5, "bar"),
            duty=q(-20, "MW"),
            parameters={"steam_pressure": q(4.5, "bar")},
        ),
        Unit(tag="E-105", type=UnitType.CONDENSER, name="effluent condenser", temperature=q(40, "degC")),
        Unit(
            tag="V-101",
            type=UnitType.DECANTER,
            name="three-phase separator",
            description="Separates vent gas, crude styrene and process condensate.",
            temperature=q(40, "degC"),
            pressure=q(0.40, "bar"),
        ),
        Unit(
            tag="C-101",
            type=UnitType.COMPRESSOR,
            name="vent gas compressor",
            description="Liquid-ring compressor; sets the reactor system vacuum.",
            pressure=q(1.3, "bar"),
        ),
        Unit(tag="P-101", type=UnitType.PUMP, name="crude styrene pump"),
        Unit(tag="P-102", type=UnitType.PUMP, name="process condensate pump"),
        Unit(
            tag="T-101",
            type=UnitType.DISTILLATION_COLUMN,
            name="benzene/toluene column",
            pressure=q(1.2, "bar"),
            parameters={"trays": q(30, "")},
        ),
        Unit(
            tag="T-102",
            type=UnitType.DISTILLATION_COLUMN,
            name="ethylbenzene/styrene splitter",
            description="Structured packing under vacuum keeps the bottoms below about 100 °C to limit "
            "styrene polymerization; inhibitor dosed to the feed.",
            pressure=q(0.15, "bar"),
            parameters={"theoretical_stages": q(80, ""), "reflux_ratio": q(6.5, "")},
        ),
        Unit(tag="P-103", type=UnitType.PUMP, name="recycle ethylbenzene pump"),
        Unit(tag="P-104", type=UnitType.PUMP, name="styrene bottoms pump"),
        Unit(
            tag="E-106",
            type=UnitType.COOLER,
            name="styrene product cooler (chilled water)",
            temperature=q(20, "degC"),
        ),
    ]
    return Flowsheet(components=components, units=units, streams=streams, reactions=reactions)


def _styrene_instrumentation() -> Instrumentation:
    t, mv = InstrumentType, MeasuredVariable
    instruments = [
        _instrument("FT-101", t.TRANSMITTER, "fresh ethylbenzene flow", stream="S-1"),
        _instrument("FIC-101", t.CONTROLLER, "fresh ethylbenzene flow controller"),
        _instrument("FV-101", t.CONTROL_VALVE, "fresh ethylbenzene valve", stream="S-1"),
        _instrument("FT-102", t.TRANSMITTER, "main steam flow", stream="S-6"),
        _instrument("FFIC-102", t.CONTROLLER, "steam/oil ratio controller"),
        _instrument("FV-102", t.CONTROL_VALVE, "main steam valve", stream="S-6"),
        _instrument("TT-103", t.TRANSMITTER, "reactor 1 inlet temperature", stream="S-9"),
        _instrument("TIC-103", t.CONTROLLER, "reactor 1 inlet temperature controller (master)"),
        _instrument("FT-104", t.TRANSMITTER, "superheater fuel gas flow", unit="H-101"),
        _instrument("FIC-104", t.CONTROLLER, "superheater fuel gas flow controller (slave)"),
        _instrument("FV-104", t.CONTROL_VALVE, "superheater fuel gas valve", unit="H-101"),
        _instrument("TT-105", t.TRANSMITTER, "reactor 2 inlet temperature", stream="S-11"),
        _instrument("TIC-105", t.CONTROLLER, "reactor 2 inlet temperature controller"),
        _instrument("TV-105", t.CONTROL_VALVE, "interstage reheater steam bypass valve", unit="E-103"),
        _instrument("LT-106", t.TRANSMITTER, "vaporizer level", unit="E-101"),
        _instrument("LIC-106", t.CONTROLLER, "vaporizer level controller"),
        _instrument("LV-106", t.CONTROL_VALVE, "ethylbenzene to the vaporizer", stream="S-2"),
        _instrument("PT-107", t.TRANSMITTER, "separator (reactor system) pressure", stream="S-16"),
        _instrument("PIC-107", t.CONTROLLER, "reactor vacuum controller"),
        _instrument("PV-107", t.CONTROL_VALVE, "vent gas compressor spillback valve", unit="C-101"),
        _instrument("LT-108", t.TRANSMITTER, "separator hydrocarbon level", unit="V-101"),
        _instrument("LIC-108", t.CONTROLLER, "separator hydrocarbon level controller"),
        _instrument("LV-108", t.CONTROL_VALVE, "crude styrene valve", stream="S-20"),
        _instrument("LT-109", t.TRANSMITTER, "separator water/hydrocarbon interface", unit="V-101"),
        _instrument("LIC-109", t.CONTROLLER, "interface level controller"),
        _instrument("LV-109", t.CONTROL_VALVE, "process condensate valve", stream="S-22"),
        _instrument("LT-110", t.TRANSMITTER, "benzene/toluene column sump level", unit="T-101"),
        _instrument("LIC-110", t.CONTROLLER, "benzene/toluene column sump level controller"),
        _instrument("LV-110", t.CONTROL_VALVE, "splitter feed valve", stream="S-24"),
        _instrument("LT-111", t.TRANSMITTER, "splitter sump level", unit="T-102"),
        _instrument("LIC-111", t.CONTROLLER, "splitter sump level controller"),
        _instrument("LV-111", t.CONTROL_VALVE, "styrene product valve", stream="S-28"),
        _instrument("PT-112", t.TRANSMITTER, "splitter top pressure", unit="T-102"),
        _instrument("PIC-112", t.CONTROLLER, "splitter vacuum controller"),
        _instrument("PV-112", t.CONTROL_VALVE, "vacuum system bleed valve", unit="T-102"),
        _instrument("TT-113", t.TRANSMITTER, "splitter sensitive tray temperature", unit="T-102"),
        _instrument("TIC-113", t.CONTROLLER, "splitter tray temperature controller"),
        _instrument("TV-113", t.CONTROL_VALVE, "splitter reboiler steam valve", unit="T-102"),
        _instrument("LT-114", t.TRANSMITTER, "steam generator drum level", unit="E-104"),
        _instrument("LIC-114", t.CONTROLLER, "steam generator drum level controller"),
        _instrument("LV-114", t.CONTROL_VALVE, "boiler feed water valve", stream="S-30"),
        _instrument("FT-115", t.TRANSMITTER, "recycle ethylbenzene flow", stream="S-26"),
        _instrument("FIC-115", t.CONTROLLER, "recycle ethylbenzene flow controller"),
        _instrument("FV-115", t.CONTROL_VALVE, "recycle ethylbenzene valve", stream="S-26"),
        _instrument("TT-116", t.TRANSMITTER, "benzene/toluene column tray temperature", unit="T-101"),
        _instrument("TIC-116", t.CONTROLLER, "benzene/toluene column tray temperature controller"),
        _instrument("TV-116", t.CONTROL_VALVE, "benzene/toluene column reboiler steam valve", unit="T-101"),
        _instrument("FSLL-120", t.SWITCH, "main steam flow low-low (coking risk)", stream="S-6"),
        _instrument("XV-121", t.ON_OFF_VALVE, "ethylbenzene feed shut-off valve", stream="S-1"),
        _instrument("TSHH-122", t.SWITCH, "reactor 1 inlet temperature high-high", stream="S-9"),
        _instrument("XV-123", t.ON_OFF_VALVE, "superheater fuel gas shut-off valve", unit="H-101"),
        _instrument("PSHH-124", t.SWITCH, "steam generator pressure high-high", unit="E-104"),
        _instrument("HS-001", t.HAND_SWITCH, "emergency shutdown push button in the control room"),
    ]
    loops = [
        _feedback(
            "FIC-101", mv.FLOW, "FT-101", "FV-101", q(28.7, "t/h"), "Plant load.", manipulated_stream="S-1"
        ),
        ControlLoop(
            id="FFIC-102",
            description="Main steam follows the ethylbenzene feed at the steam/oil ratio.",
            measured_variable=mv.FLOW,
            strategy=ControlStrategy.RATIO,
            sensor="FT-102",
            controller="FFIC-102",
            final_element="FV-102",
            manipulated_stream="S-6",
            ratio=1.17,  # kg main steam per kg ethylbenzene (90 % of a steam/oil ratio of 1.3)
            wild_stream="S-2",
        ),
        _cascade(
            "TIC-103",
            mv.TEMPERATURE,
            "TT-103",
            "FIC-104",
            q(630, "degC"),
            "Reactor 1 inlet temperature resets the superheater firing.",
        ),
        _feedback("FIC-104", mv.FLOW, "FT-104", "FV-104", q(2900, "kg/h"), master_loop="TIC-103"),
        _feedback("TIC-105", mv.TEMPERATURE, "TT-105", "TV-105", q(630, "degC")),
        _feedback("LIC-106", mv.LEVEL, "LT-106", "LV-106", q(50, "percent"), manipulated_stream="S-2"),
        _feedback("PIC-107", mv.PRESSURE, "PT-107", "PV-107", q(0.40, "bar"), "Vacuum at the separator."),
        _feedback("LIC-108", mv.LEVEL, "LT-108", "LV-108", q(50, "percent"), manipulated_stream="S-20"),
        _feedback("LIC-109", mv.LEVEL, "LT-109", "LV-109", q(40, "percent"), manipulated_stream="S-22"),
        _feedback("LIC-110", mv.LEVEL, "LT-110", "LV-110", q(50, "percent"), manipulated_stream="S-24"),
        _feedback("LIC-111", mv.LEVEL, "LT-111", "LV-111", q(50, "percent"), manipulated_stream="S-28"),
        _feedback("PIC-112", mv.PRESSURE, "PT-112", "PV-112", q(0.10, "bar")),
        _feedback("TIC-113", mv.TEMPERATURE, "TT-113", "TV-113", q(85, "degC")),
        _feedback("LIC-114", mv.LEVEL, "LT-114", "LV-114", q(50, "percent"), manipulated_stream="S-30"),
        _feedback("FIC-115", mv.FLOW, "FT-115", "FV-115", q(15.6, "t/h"), manipulated_stream="S-26"),
        _feedback("TIC-116", mv.TEMPERATURE, "TT-116", "TV-116", q(125, "degC")),
    ]
    relief_valves = [
        ReliefValve(
            tag="PSV-130",
            protected_unit="E-104",
            set_pressure=q(5.5, "barg"),
            discharge_to="atmosphere through a silencer at a safe location",
            scenario="blocked steam outlet",
        ),
        ReliefValve(
            tag="PSV-131",
            protected_unit="T-101",
            set_pressure=q(3.5, "barg"),
            discharge_to="flare header",
            scenario="fire case / cooling failure",
        ),
    ]
    interlocks = [
        Interlock(
            id="I-101",
            description="Ethylbenzene without dilution steam cokes the catalyst within minutes.",
            trigger="FSLL-120",
            condition="main steam flow below 60 % of design",
            trip_setpoint=q(60, "percent"),
            actions=["close ethylbenzene feed XV-121", "keep steam to the reactors"],
            final_elements=["XV-121", "FV-101"],
            sil=2,
        ),
        Interlock(
            id="I-102",
            trigger="TSHH-122",
            condition="reactor 1 inlet above 660 °C",
            trip_setpoint=q(660, "degC"),
            actions=["close superheater fuel gas valve XV-123"],
            final_elements=["XV-123"],
            sil=1,
        ),
    ]
    esd = EmergencyShutdown(
        id="ESD-1",
        description="Plant trip: ethylbenzene and fuel gas off, steam kept on to purge the reactors.",
        initiators=["HS-001", "FSLL-120", "TSHH-122", "PSHH-124"],
        actions=["close XV-121 and XV-123"],
        final_elements=["XV-121", "XV-123"],
    )
    line_specs = [
        LineSpec(
            id="HC1",
            service="ethylbenzene, styrene and aromatics, liquid",
            material="carbon steel ASTM A106 Gr. B",
            pressure_class="ASME B16.5 Class 150",
            design_pressure=q(10, "barg"),
            design_temperature=q(150, "degC"),
            corrosion_allowance=q(1.5, "mm"),
            stream_ids=["S-1", "S-2", "S-19", "S-20", "S-23", "S-24", "S-25", "S-26", "S-27", "S-28", "S-29"],
        ),
        LineSpec(
            id="HG1",
            service="hot hydrocarbon/steam vapour under vacuum",
            material="stainless steel ASTM A312 TP304H (to 650 °C)",
            pressure_class="ASME B16.5 Class 150, full vacuum rated",
            design_pressure=q(3.5, "barg"),
            design_temperature=q(680, "degC"),
            stream_ids=["S-4", "S-5", "S-9", "S-10", "S-11", "S-12", "S-13"],
        ),
        LineSpec(
            id="SS1",
            service="superheated dilution steam",
            material="alloy 800HT (UNS N08811)",
            pressure_class="ASME B16.5 Class 150",
            design_pressure=q(3.5, "barg"),
            design_temperature=q(930, "degC"),
            stream_ids=["S-7", "S-8"],
        ),
        LineSpec(
            id="CG1",
            service="cooled effluent, vent gas and process condensate",
            material="carbon steel ASTM A106 Gr. B",
            pressure_class="ASME B16.5 Class 150, full vacuum rated",
            design_pressure=q(3.5, "barg"),
            design_temperature=q(200, "degC"),
            corrosion_allowance=q(3, "mm"),
            stream_ids=["S-14", "S-15", "S-16", "S-17", "S-21", "S-22"],
        ),
        LineSpec(
            id="ST1",
            service="low-pressure steam and boiler feed water",
            material="carbon steel ASTM A106 Gr. B",
            pressure_class="ASME B16.5 Class 150",
            design_pressure=q(7, "barg"),
            design_temperature=q(200, "degC"),
            corrosion_allowance=q(1.5, "mm"),
            stream_ids=["S-3", "S-6", "S-30", "S-31"],
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


def styrene_design() -> Design:
    """Styrene by adiabatic ethylbenzene dehydrogenation with steam (reference-clean)."""
    return Design(
        id="example-styrene-eb-dehydrogenation",
        chemical="styrene",
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
        process_context=ProcessContext(
            summary="Styrene monomer, about 25 t/h (200 kt/a), by catalytic dehydrogenation of ethylbenzene "
            "with superheated steam in two adiabatic radial reactors under vacuum.",
            route="EB <-> SM + H2 is endothermic and equilibrium-limited with a mole increase, so it runs hot "
            "(about 630 °C), at low pressure and diluted with steam, which also supplies the heat, keeps "
            "the potassium-promoted iron catalyst free of coke, and reheats the gas between the beds.",
            reactions=[
                "C6H5C2H5 <-> C6H5CH=CH2 + H2, +124.9 kJ/mol",
                "C6H5C2H5 -> C6H6 + C2H4 (dealkylation), +105.5 kJ/mol",
                "C6H5C2H5 + H2 -> C6H5CH3 + CH4, -54.6 kJ/mol",
            ],
            conditions=[
                "reactor inlets 630 °C, 0.95 and 0.75 bar absolute; about 63 % conversion per pass",
                "steam/oil ratio 1.3 kg/kg; steam superheated to 900 °C",
                "splitter under vacuum (0.1-0.25 bar), bottoms below 100 °C",
            ],
            purification=[
                "three-phase separation of vent gas, crude styrene and condensate",
                "benzene/toluene column, then the ethylbenzene/styrene splitter (close boilers, 80 stages)",
            ],
            by_products=["benzene and toluene", "hydrogen-rich vent gas used as fuel", "low-pressure steam"],
            recycles=["unconverted ethylbenzene from the splitter overhead"],
            heat_integration=[
                "feed/effluent exchanger preheats ethylbenzene and primary steam to 540 °C",
                "superheated main steam reheats the gas between the reactors",
                "effluent raises low-pressure steam before the condenser",
            ],
            safety=[
                "styrene polymerizes exothermically: inhibitor (TBC) in storage, low column temperatures",
                "benzene is carcinogenic; hydrocarbons flammable; vacuum equipment must exclude air",
                "loss of dilution steam trips the ethylbenzene feed",
            ],
        ),
        pfd=Pfd(
            description="Vaporizer, feed/effluent exchanger, fired steam superheater, two adiabatic reactors "
            "with interstage reheat, steam generator, condenser, three-phase separator, vent gas compressor, "
            "benzene/toluene column and EB/SM splitter.",
            flowsheet=_styrene_flowsheet(),
        ),
        pid=Pid(
            description="Steam follows ethylbenzene on ratio; reactor 1 inlet temperature cascades to "
            "superheater fuel; reheater bypass holds reactor 2 inlet; vacuum, level and column temperature "
            "control; steam-loss trip of the feed; relief on the steam generator and the B/T column.",
            instrumentation=_styrene_instrumentation(),
        ),
    )


def reference_designs() -> dict[str, Design]:
    """The five hand-built reference designs by chemical, fresh copies each call."""
    return {
        "nitric acid": nitric_acid_design(),
        "sulfuric acid": sulfuric_acid_design(),
        "ammonia": ammonia_design(),
        "methanol": methanol_design(),
        "styrene": styrene_design(),
    }
