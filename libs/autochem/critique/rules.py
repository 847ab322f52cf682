"""Deterministic engineering rules over a draft design.

Each rule is a small function ``rule(view) -> Iterable[Issue]`` registered once in :data:`RULES` with the
codes it may emit. Rules read a :class:`DesignView` (indexes over the design built once) and never raise on
odd content: what they cannot judge (a missing pressure, a formula they cannot read) they skip, because the
referential validator and the simulator report those gaps in their own terms.

Severity policy: ERROR when the design is wrong or unsafe as drawn (the designer must fix it before it goes
on); WARNING when it is probably wrong or incomplete but a competent engineer could have a reason; INFO for
notes that need a human look (shared relief protection). Thresholds are engineering judgement, stated where
they are defined.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from autochem.domain.design import Design
from autochem.domain.flowsheet import REACTOR_TYPES, Flowsheet, Phase, Reaction, Stream, Unit, UnitType
from autochem.domain.instrumentation import (
    FINAL_ELEMENT_TYPES,
    INSTRUMENT_TYPE_FITS_TAG,
    ControlLoop,
    Instrument,
    Instrumentation,
    InstrumentType,
    MeasuredVariable,
)
from autochem.domain.issues import Issue, Severity
from autochem.domain.tags import EquipmentTag, IsaTag
from autochem.domain.units import Quantity
from autochem.domain.validation import element_counts, validate_design

FLOWSHEET = "pfd.flowsheet"
INSTRUMENTATION = "pid.instrumentation"
ATM_BAR = 1.01325

# ASME VIII / PED practice: vessels operating above about 0.5 barg are pressure vessels needing relief.
RELIEF_THRESHOLD_BARG = 0.5
# Plausibility bounds of any stated condition: LDPE tubular reactors reach about 3,000 bar; nothing in a
# chemical plant's process streams runs above about 2,000 °C (burners and plasma aside).
MAX_PRESSURE_BAR = 3500.0
MAX_TEMPERATURE_DEGC = 2000.0
# Measurement tolerance when comparing stated temperatures/pressures of a unit's inlets and outlets.
TEMPERATURE_TOLERANCE_K = 1.0
PRESSURE_TOLERANCE_REL = 0.005
# Streams whose pressure falls by more than this factor pass a let-down valve: a separate pressure system.
LETDOWN_RATIO = 1.5
# A vessel draining by gravity into a level-controlled vessel within this pressure difference needs no
# level control of its own (towers draining to a pump tank); a larger difference means gas blow-by risk.
GRAVITY_DRAIN_MAX_DP_BAR = 0.3
# Unit mass balance: above WARNING a hand-drafted balance is sloppy; above ERROR a stream is missing/wrong.
MASS_IMBALANCE_WARNING = 0.02
MASS_IMBALANCE_ERROR = 0.10

PRESSURE_VESSEL_TYPES = frozenset(
    {
        *REACTOR_TYPES,
        UnitType.DISTILLATION_COLUMN,
        UnitType.ABSORBER,
        UnitType.STRIPPER,
        UnitType.EXTRACTOR,
        UnitType.FLASH_DRUM,
        UnitType.SEPARATOR,
        UnitType.DECANTER,
        UnitType.VESSEL,
        UnitType.WASTE_HEAT_BOILER,
        UnitType.EVAPORATOR,
    }
)
# Units that hold a liquid level when a liquid leaves them (storage tanks float by design: not included).
LIQUID_HOLDUP_TYPES = frozenset(
    {
        UnitType.DISTILLATION_COLUMN,
        UnitType.ABSORBER,
        UnitType.STRIPPER,
        UnitType.EXTRACTOR,
        UnitType.FLASH_DRUM,
        UnitType.SEPARATOR,
        UnitType.DECANTER,
        UnitType.VESSEL,
        UnitType.REBOILER,
        UnitType.EVAPORATOR,
        UnitType.CRYSTALLIZER,
    }
)
LIQUID_PHASES = frozenset({Phase.LIQUID, Phase.LIQUID_LIQUID, Phase.SOLID_LIQUID})
COOLING_TYPES = frozenset(
    {UnitType.COOLER, UnitType.CONDENSER, UnitType.AIR_COOLER, UnitType.WASTE_HEAT_BOILER}
)
HEATING_TYPES = frozenset({UnitType.HEATER, UnitType.FIRED_HEATER})
COMPRESSION_TYPES = frozenset({UnitType.COMPRESSOR, UnitType.BLOWER})
EXPANSION_TYPES = frozenset({UnitType.TURBINE, UnitType.EXPANDER})
SEPARATION_TYPES = frozenset({UnitType.FLASH_DRUM, UnitType.SEPARATOR, UnitType.DECANTER})
# Machines and valves change pressure: a pressure system (for relief) ends at them. A process/process
# exchanger joins two pressure systems that the flowsheet cannot tell apart, so it ends them too.
PRESSURE_BOUNDARY_TYPES = frozenset(
    {*COMPRESSION_TYPES, *EXPANSION_TYPES, UnitType.PUMP, UnitType.VALVE, UnitType.HEAT_EXCHANGER}
)
# Units a compressor's suction/discharge system passes through when looking for its control loops.
PASS_THROUGH_TYPES = frozenset(
    {
        UnitType.MIXER,
        UnitType.SPLITTER,
        UnitType.FILTER,
        UnitType.HEAT_EXCHANGER,
        UnitType.COOLER,
        UnitType.HEATER,
        UnitType.AIR_COOLER,
        UnitType.CONDENSER,
    }
)

# Standard atomic weights (g/mol) of the elements process designs use; unknown elements skip the unit.
ATOMIC_WEIGHT = {
    "H": 1.008, "He": 4.003, "C": 12.011, "N": 14.007, "O": 15.999, "F": 18.998, "Na": 22.990,
    "Mg": 24.305, "Al": 26.982, "Si": 28.085, "P": 30.974, "S": 32.06, "Cl": 35.45, "Ar": 39.948,
    "K": 39.098, "Ca": 40.078, "Ti": 47.867, "Cr": 51.996, "Mn": 54.938, "Fe": 55.845, "Ni": 58.693,
    "Cu": 63.546, "Zn": 65.38, "Br": 79.904, "Ag": 107.868, "Sn": 118.71, "I": 126.904, "Pt": 195.08,
}  # fmt: skip


@dataclass(frozen=True)
class KnownChemistry:
    """An industrial reaction recognized by its species (formulas): catalyst window and heat sign.

    The windows are the ranges operating plants use, widened a little: outside them the catalyst either
    does not light off or sinters/deactivates, so a stated reactor temperature there is an error.
    """

    name: str
    reactants: frozenset[str]
    products: frozenset[str]
    temperature_degc: tuple[float, float]
    exothermic: bool
    pressure_bar: tuple[float, float] | None = None


def _formula_key(formula: str | None) -> str | None:
    counts = element_counts(formula) if formula else None
    if not counts:
        return None
    return "".join(f"{element}{counts[element]}" for element in sorted(counts))


def _keys(*formulas: str) -> frozenset[str]:
    return frozenset(k for f in formulas if (k := _formula_key(f)) is not None)


KNOWN_CHEMISTRIES = (
    KnownChemistry("ammonia synthesis (iron)", _keys("N2", "H2"), _keys("NH3"), (340, 550), True, (80, 350)),
    KnownChemistry("SO2 oxidation (vanadium)", _keys("SO2", "O2"), _keys("SO3"), (360, 650), True),
    KnownChemistry("methanol synthesis from CO (copper)", _keys("CO", "H2"), _keys("CH4O"), (190, 300), True, (35, 120)),
    KnownChemistry("methanol synthesis from CO2 (copper)", _keys("CO2", "H2"), _keys("CH4O"), (190, 300), True, (35, 120)),
    KnownChemistry("ammonia oxidation (Pt-Rh gauze)", _keys("NH3", "O2"), _keys("NO"), (780, 960), True),
    KnownChemistry("ethylene epoxidation (silver)", _keys("C2H4", "O2"), _keys("C2H4O"), (200, 300), True),
    KnownChemistry("ethylbenzene dehydrogenation (iron oxide)", _keys("C8H10"), _keys("C8H8", "H2"), (540, 680), False),
    KnownChemistry("steam methane reforming (nickel)", _keys("CH4", "H2O"), _keys("CO", "H2"), (500, 1000), False),
)  # fmt: skip


def _issue(severity: Severity, path: str, code: str, message: str, suggestion: str = "") -> Issue:
    return Issue(severity=severity, path=path, code=code, message=message, suggestion=suggestion)


def _degc(quantity: Quantity | None) -> float | None:
    try:
        return quantity.magnitude_in("degC") if quantity is not None else None
    except Exception:  # a unit of the wrong dimension; the model validators report it
        return None


def _bar(quantity: Quantity | None) -> float | None:
    try:
        return quantity.magnitude_in("bar") if quantity is not None else None
    except Exception:
        return None


def unit_path(tag: str) -> str:
    return f"{FLOWSHEET}.units[{tag}]"


def stream_path(sid: str) -> str:
    return f"{FLOWSHEET}.streams[{sid}]"


@dataclass
class DesignView:
    """Indexes over one design, built once and shared by the rules."""

    design: Design
    flowsheet: Flowsheet = field(init=False)
    instrumentation: Instrumentation = field(init=False)

    def __post_init__(self) -> None:
        pfd, pid = self.design.pfd, self.design.pid
        self.flowsheet = pfd.flowsheet if pfd is not None else Flowsheet()
        self.instrumentation = pid.instrumentation if pid is not None else Instrumentation()

    @cached_property
    def units(self) -> dict[str, Unit]:
        return {u.tag: u for u in reversed(self.flowsheet.units)}  # the first of duplicates wins

    @cached_property
    def streams(self) -> dict[str, Stream]:
        return {s.id: s for s in reversed(self.flowsheet.streams)}

    @cached_property
    def reactions(self) -> dict[str, Reaction]:
        return {r.id: r for r in reversed(self.flowsheet.reactions)}

    @cached_property
    def instruments(self) -> dict[str, Instrument]:
        return {i.tag: i for i in reversed(self.instrumentation.instruments)}

    @cached_property
    def loops(self) -> dict[str, ControlLoop]:
        return {loop.id: loop for loop in reversed(self.instrumentation.control_loops)}

    @cached_property
    def inlets(self) -> dict[str, list[Stream]]:
        index: dict[str, list[Stream]] = {tag: [] for tag in self.units}
        for s in self.flowsheet.streams:
            if s.to_unit in index:
                index[s.to_unit].append(s)
        return index

    @cached_property
    def outlets(self) -> dict[str, list[Stream]]:
        index: dict[str, list[Stream]] = {tag: [] for tag in self.units}
        for s in self.flowsheet.streams:
            if s.from_unit in index:
                index[s.from_unit].append(s)
        return index

    @cached_property
    def formula_keys(self) -> dict[str, str | None]:
        return {c.name: _formula_key(c.formula) for c in self.flowsheet.components}

    @cached_property
    def molar_masses(self) -> dict[str, float | None]:
        masses: dict[str, float | None] = {}
        for component in self.flowsheet.components:
            counts = element_counts(component.formula) if component.formula else None
            if not counts or any(e not in ATOMIC_WEIGHT for e in counts):
                masses[component.name] = None
            else:
                masses[component.name] = sum(ATOMIC_WEIGHT[e] * n for e, n in counts.items())
        return masses

    def unit_pressure_bar(self, tag: str) -> float | None:
        """The highest stated pressure the unit holds: its own, or that of any stream leaving it (a boiler's
        steam side counts)."""
        unit = self.units[tag]
        candidates = [_bar(unit.pressure), *(_bar(s.pressure) for s in self.outlets[tag])]
        known = [p for p in candidates if p is not None]
        return max(known) if known else None

    def instruments_at(self, location: str) -> list[Instrument]:
        return [i for i in self.instrumentation.instruments if i.location == location]

    def loop_instruments(self, loop: ControlLoop) -> list[Instrument]:
        tags = (loop.sensor, loop.controller, loop.final_element)
        return [self.instruments[t] for t in tags if t is not None and t in self.instruments]

    def loop_touches(self, loop: ControlLoop, locations: set[str]) -> bool:
        """Whether the loop's sensor or final element sits at one of ``locations`` (unit tags/stream ids),
        or it manipulates or ratios to one of those streams."""
        for tag in (loop.sensor, loop.final_element):
            instrument = self.instruments.get(tag) if tag else None
            if instrument is not None and instrument.location in locations:
                return True
        return bool({loop.manipulated_stream, loop.wild_stream} & locations)

    def stream_mass_flow(self, stream: Stream) -> float | None:
        """kg/s, or None when the flow cannot be put on a mass basis (volumetric, or unknown formulas)."""
        flow = stream.flow
        if flow is None:
            return None
        try:
            if flow.dimensionality == Quantity(value=1, unit="kg/s").dimensionality:
                return flow.magnitude_in("kg/s")
            if flow.dimensionality != Quantity(value=1, unit="mol/s").dimensionality:
                return None
            molar = flow.magnitude_in("mol/s")
        except Exception:
            return None
        composition = stream.composition
        if composition is None:
            return None
        masses = [self.molar_masses.get(name) for name in composition.fractions]
        if any(m is None for m in masses):
            return None
        fractions = list(composition.fractions.values())
        if composition.basis.value == "mole":
            return molar * sum(x * m for x, m in zip(fractions, masses, strict=True)) / 1000
        inverse = sum(w / m for w, m in zip(fractions, masses, strict=True) if m)
        return molar / inverse / 1000 if inverse > 0 else None


# ----------------------------------------------------------------------------------------------- rules


def _well_formed(design: Design) -> Design:
    """The design without units/instruments whose tags do not parse: the validator assumes valid tags
    (models enforce them), and the malformed ones are reported by :func:`tag_grammar_rule`."""
    update = {}
    if design.pfd is not None:
        flowsheet = design.pfd.flowsheet
        units = [u for u in flowsheet.units if _parses(EquipmentTag.parse, u.tag)]
        if len(units) != len(flowsheet.units):
            update["pfd"] = design.pfd.model_copy(
                update={"flowsheet": flowsheet.model_copy(update={"units": units})}
            )
    if design.pid is not None:
        instrumentation = design.pid.instrumentation
        instruments = [i for i in instrumentation.instruments if _parses(IsaTag.parse, i.tag)]
        if len(instruments) != len(instrumentation.instruments):
            fixed = instrumentation.model_copy(update={"instruments": instruments})
            update["pid"] = design.pid.model_copy(update={"instrumentation": fixed})
    return design.model_copy(update=update) if update else design


def _parses(parse: Callable[[str], object], text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


def referential_rule(view: DesignView) -> Iterator[Issue]:
    """Broken references and inconsistencies, exactly as the domain validator reports them."""
    yield from validate_design(_well_formed(view.design))


def tag_grammar_rule(view: DesignView) -> Iterator[Issue]:
    """Tags re-checked against the grammars: a design assembled without validation (or edited in place
    with validation bypassed) must not slip a malformed tag through."""
    for unit in view.flowsheet.units:
        try:
            EquipmentTag.parse(unit.tag)
        except ValueError as exc:
            yield _issue(Severity.ERROR, f"{unit_path(unit.tag)}.tag", "equipment_tag_invalid", str(exc))
    tagged = [("instruments", i.tag) for i in view.instrumentation.instruments]
    tagged += [("relief_valves", r.tag) for r in view.instrumentation.relief_valves]
    for collection, tag in tagged:
        try:
            IsaTag.parse(tag)
        except ValueError as exc:
            yield _issue(
                Severity.ERROR,
                f"{INSTRUMENTATION}.{collection}[{tag}].tag",
                "isa_tag_invalid",
                str(exc),
                "use ISA-5.1 letters: first letter = measured variable, then readout/output letters (TIC-101)",
            )


def _isa(tag: str) -> IsaTag | None:
    try:
        return IsaTag.parse(tag)
    except ValueError:
        return None


def isa_function_rule(view: DesignView) -> Iterator[Issue]:
    """ISA function letters against what each instrument does: relief devices carry the safety modifier,
    and one loop's sensor, controller and final element share its loop number (ISA-5.1 loop identity)."""
    for valve in view.instrumentation.relief_valves:
        isa = _isa(valve.tag)
        if isa is not None and not isa.is_safety_device:
            yield _issue(
                Severity.ERROR,
                f"{INSTRUMENTATION}.relief_valves[{valve.tag}].tag",
                "relief_tag_not_safety_device",
                f"{valve.tag} is listed as a relief device but its letters do not say so",
                "tag relief valves PSV/TSV and rupture discs PSE",
            )
    for instrument in view.instrumentation.instruments:
        isa = _isa(instrument.tag)
        # validation warns on any mismatch; a valve that is not tagged as one is an error (it would be
        # wired and specified as the wrong device).
        if (
            isa is not None
            and instrument.type in FINAL_ELEMENT_TYPES
            and not INSTRUMENT_TYPE_FITS_TAG[instrument.type](isa)
        ):
            yield _issue(
                Severity.ERROR,
                f"{INSTRUMENTATION}.instruments[{instrument.tag}].tag",
                "isa_final_element_tag_mismatch",
                f"{instrument.tag} is a {instrument.type.value} but its ISA letters name no valve/actuator",
                "final control elements end in V (valve) or Z (actuator): FV-101, XV-109",
            )
    for loop in view.instrumentation.control_loops:
        numbers = {
            tag: isa.loop_number
            for tag in (loop.sensor, loop.controller, loop.final_element)
            if tag and (isa := _isa(tag)) is not None
        }
        if len(set(numbers.values())) > 1:
            yield _issue(
                Severity.WARNING,
                f"{INSTRUMENTATION}.control_loops[{loop.id}]",
                "loop_tag_number_mismatch",
                f"loop {loop.id} mixes loop numbers: " + ", ".join(f"{t}" for t in numbers),
                "give a loop's transmitter, controller and valve one loop number (FT-101, FIC-101, FV-101)",
            )


def loop_structure_rule(view: DesignView) -> Iterator[Issue]:
    """Every loop ends in a final control element: directly, or through its cascade secondary chain. The
    element must be an actuator (not a sensor), and the sensor must not also be the final element."""
    for loop in view.instrumentation.control_loops:
        at = f"{INSTRUMENTATION}.control_loops[{loop.id}]"
        seen: set[str] = set()
        current: ControlLoop | None = loop
        while current is not None and current.final_element is None and current.id not in seen:
            seen.add(current.id)
            current = view.loops.get(current.secondary_loop) if current.secondary_loop else None
        if current is None or current.final_element is None:
            yield _issue(
                Severity.ERROR,
                at,
                "loop_no_final_element",
                f"loop {loop.id} never reaches a final control element (cascade chain broken or circular)",
                "end the cascade in a secondary loop with a control valve",
            )
        if loop.final_element is not None and loop.final_element == loop.sensor:
            yield _issue(
                Severity.ERROR,
                f"{at}.final_element",
                "loop_sensor_is_final_element",
                f"loop {loop.id} uses {loop.sensor} as both sensor and final element",
            )
        element = view.instruments.get(loop.final_element) if loop.final_element else None
        if (
            element is not None
            and element.type not in FINAL_ELEMENT_TYPES
            and element.type is not InstrumentType.OTHER
        ):
            isa = _isa(element.tag)
            if isa is None or not isa.is_final_element:
                continue  # validation already reports loop_final_element_not_actuator
            yield _issue(
                Severity.WARNING,
                f"{INSTRUMENTATION}.instruments[{element.tag}].type",
                "loop_final_element_type",
                f"{element.tag} drives loop {loop.id} but is declared a {element.type.value}",
                "declare final elements as control_valve, on_off_valve or actuator",
            )


def connectivity_rule(view: DesignView) -> Iterator[Issue]:
    """Material goes somewhere: a unit with feeds but no outlet, or outlets but no feed, breaks the
    balance (fully unconnected units are reported by the validator)."""
    for tag, unit in view.units.items():
        inlets, outlets = view.inlets[tag], view.outlets[tag]
        if inlets and not outlets:
            yield _issue(
                Severity.ERROR,
                unit_path(tag),
                "unit_no_outlet",
                f"material enters {tag} ({unit.type.value}) but no stream leaves it",
                "add the outlet stream(s), or mark a product leaving the battery limits (to_unit empty)",
            )
        if outlets and not inlets and unit.type not in (UnitType.TANK,):
            yield _issue(
                Severity.ERROR,
                unit_path(tag),
                "unit_no_inlet",
                f"streams leave {tag} ({unit.type.value}) but none enters it",
                "add the feed stream(s) of the unit",
            )


def _is_product_component(name: str, chemical: str) -> bool:
    name, chemical = name.strip().lower(), chemical.strip().lower()
    return name == chemical or chemical.startswith(name + " ") or name.startswith(chemical + " ")


def battery_limits_rule(view: DesignView) -> Iterator[Issue]:
    """The plant has a feed, and a product stream whose main component is the design's chemical."""
    if view.design.pfd is None or not view.flowsheet.streams:
        return
    if not any(s.from_unit is None for s in view.flowsheet.streams):
        yield _issue(
            Severity.ERROR, f"{FLOWSHEET}.streams", "flowsheet_no_feed", "no stream enters the battery limits"
        )
    chemical = view.design.chemical
    product_names = [c.name for c in view.flowsheet.components if _is_product_component(c.name, chemical)]
    if not product_names:
        yield _issue(
            Severity.ERROR,
            f"{FLOWSHEET}.components",
            "product_not_a_component",
            f"the design's chemical {chemical!r} is not a component of the flowsheet",
            "add the product as a component and put it in the product stream's composition",
        )
        return
    for stream in view.flowsheet.streams:
        if stream.to_unit is not None or stream.composition is None:
            continue
        fractions = stream.composition.fractions
        main = max(fractions.values())
        if any(fractions.get(n, 0.0) >= min(0.5, main) for n in product_names):
            return
    yield _issue(
        Severity.ERROR,
        f"{FLOWSHEET}.streams",
        "product_stream_missing",
        f"no stream leaving the battery limits carries {chemical} as its main component",
        "route the product to a stream with an empty to_unit (to storage) and give its composition",
    )


def conditions_bounds_rule(view: DesignView) -> Iterator[Issue]:
    """Stated temperatures and pressures are physical: absolute pressure above zero, temperature above
    absolute zero and below about 2,000 °C, pressure below about 3,500 bar."""
    located = [(unit_path(u.tag), u.temperature, u.pressure) for u in view.flowsheet.units]
    located += [(stream_path(s.id), s.temperature, s.pressure) for s in view.flowsheet.streams]
    for path, temperature, pressure in located:
        t = _degc(temperature)
        if t is not None and t <= -273.15:
            yield _issue(
                Severity.ERROR,
                f"{path}.temperature",
                "temperature_below_absolute_zero",
                f"{temperature} is at or below 0 K",
            )
        elif t is not None and t > MAX_TEMPERATURE_DEGC:
            yield _issue(
                Severity.ERROR,
                f"{path}.temperature",
                "temperature_implausible",
                f"{temperature} is above {MAX_TEMPERATURE_DEGC:g} °C",
                "check the unit (K vs degC) and the value",
            )
        p = _bar(pressure)
        if p is not None and p <= 0:
            yield _issue(
                Severity.ERROR,
                f"{path}.pressure",
                "pressure_not_positive",
                f"absolute pressure {pressure} is not above zero",
                "state absolute pressures (bar, bara) or gauge ones with barg",
            )
        elif p is not None and p > MAX_PRESSURE_BAR:
            yield _issue(
                Severity.WARNING,
                f"{path}.pressure",
                "pressure_implausible",
                f"{pressure} is above {MAX_PRESSURE_BAR:g} bar",
            )


def _pressures(streams: Iterable[Stream]) -> list[float]:
    return [p for s in streams if (p := _bar(s.pressure)) is not None]


def _temperatures(streams: Iterable[Stream]) -> list[float]:
    return [t for s in streams if (t := _degc(s.temperature)) is not None]


def machine_pressure_rule(view: DesignView) -> Iterator[Issue]:
    """Pumps, compressors and blowers raise pressure; turbines and expanders lower it."""
    for tag, unit in view.units.items():
        p_in, p_out = _pressures(view.inlets[tag]), _pressures(view.outlets[tag])
        if not p_in or not p_out:
            continue
        raised = max(p_out) > max(p_in) * (1 + PRESSURE_TOLERANCE_REL)
        if unit.type is UnitType.PUMP and not raised:
            yield _issue(
                Severity.ERROR,
                unit_path(tag),
                "pump_pressure_not_raised",
                f"pump {tag} discharges at {max(p_out):g} bar, not above its suction at {max(p_in):g} bar",
                "a pump's discharge pressure exceeds its suction pressure",
            )
        elif unit.type in COMPRESSION_TYPES and not raised:
            yield _issue(
                Severity.ERROR,
                unit_path(tag),
                "compressor_pressure_not_raised",
                f"{unit.type.value} {tag} discharges at {max(p_out):g} bar, not above its suction at "
                f"{max(p_in):g} bar",
            )
        elif unit.type in EXPANSION_TYPES and min(p_out) >= min(p_in):
            yield _issue(
                Severity.ERROR,
                unit_path(tag),
                "expander_pressure_not_lowered",
                f"{unit.type.value} {tag} does not lower the pressure ({min(p_in):g} -> {min(p_out):g} bar)",
            )


def heat_direction_rule(view: DesignView) -> Iterator[Issue]:
    """Coolers (condensers, air coolers, waste-heat boilers) cannot make anything hotter than their hottest
    feed and take heat out; heaters cannot make anything colder than their coldest feed and add heat."""
    for tag, unit in view.units.items():
        t_in, t_out = _temperatures(view.inlets[tag]), _temperatures(view.outlets[tag])
        own = _degc(unit.temperature)
        duty = unit.duty.value if unit.duty is not None else None
        if unit.type in COOLING_TYPES:
            hottest_out = max([*t_out, *([own] if own is not None else [])], default=None)
            if t_in and hottest_out is not None and hottest_out > max(t_in) + TEMPERATURE_TOLERANCE_K:
                yield _issue(
                    Severity.ERROR,
                    unit_path(tag),
                    "cooler_heats",
                    f"{unit.type.value} {tag} delivers {hottest_out:g} °C from feeds at most {max(t_in):g} °C",
                    "a cooler's outlet is colder than its inlet; check the temperatures or the unit type",
                )
            elif duty is not None and duty > 0:
                yield _issue(
                    Severity.ERROR,
                    f"{unit_path(tag)}.duty",
                    "cooler_heats",
                    f"{unit.type.value} {tag} has a positive duty (heat added)",
                    "duties are positive when heat is added: a cooler's duty is negative",
                )
        elif unit.type in HEATING_TYPES:
            coldest_out = min([*t_out, *([own] if own is not None else [])], default=None)
            if t_in and coldest_out is not None and coldest_out < min(t_in) - TEMPERATURE_TOLERANCE_K:
                yield _issue(
                    Severity.ERROR,
                    unit_path(tag),
                    "heater_cools",
                    f"{unit.type.value} {tag} delivers {coldest_out:g} °C from feeds at least {min(t_in):g} °C",
                )
            elif duty is not None and duty < 0:
                yield _issue(
                    Severity.ERROR,
                    f"{unit_path(tag)}.duty",
                    "heater_cools",
                    f"{unit.type.value} {tag} has a negative duty (heat removed)",
                )


def separator_conditions_rule(view: DesignView) -> Iterator[Issue]:
    """A flash drum, separator or decanter without a heater cannot run hotter or at higher pressure than
    its feed (an adiabatic flash cools)."""
    for tag, unit in view.units.items():
        if unit.type not in SEPARATION_TYPES:
            continue
        t_in, p_in = _temperatures(view.inlets[tag]), _pressures(view.inlets[tag])
        t_out = _temperatures(view.outlets[tag]) + ([t] if (t := _degc(unit.temperature)) is not None else [])
        p_out = _pressures(view.outlets[tag]) + ([p] if (p := _bar(unit.pressure)) is not None else [])
        if t_in and t_out and max(t_out) > max(t_in) + TEMPERATURE_TOLERANCE_K:
            yield _issue(
                Severity.ERROR,
                unit_path(tag),
                "separator_hotter_than_feed",
                f"{unit.type.value} {tag} runs at {max(t_out):g} °C, above its feed at {max(t_in):g} °C",
                "an adiabatic flash cools its feed; add a heater upstream if heat is needed",
            )
        if p_in and p_out and max(p_out) > max(p_in) * (1 + PRESSURE_TOLERANCE_REL):
            yield _issue(
                Severity.ERROR,
                unit_path(tag),
                "separator_pressure_above_feed",
                f"{unit.type.value} {tag} is at {max(p_out):g} bar, above its feed at {max(p_in):g} bar",
            )


def _hosted_reactions(view: DesignView, unit: Unit) -> list[Reaction]:
    return [view.reactions[r] for r in unit.reaction_ids if r in view.reactions]


def _chemistry_of(view: DesignView, reaction: Reaction) -> KnownChemistry | None:
    keys = view.formula_keys
    reactants = {keys.get(s) for s, c in reaction.stoichiometry.items() if c < 0} - {None}
    products = {keys.get(s) for s, c in reaction.stoichiometry.items() if c > 0} - {None}
    for chemistry in KNOWN_CHEMISTRIES:
        if chemistry.reactants <= reactants and chemistry.products <= products:
            return chemistry
    return None


def reactor_window_rule(view: DesignView) -> Iterator[Issue]:
    """Catalytic reactors of known chemistries run inside their catalyst's temperature window (stated
    reactor temperature, else its hottest outlet) and, where one is customary, pressure range."""
    for tag, unit in view.units.items():
        if unit.type not in REACTOR_TYPES:
            continue
        own = _degc(unit.temperature)
        temperature = own if own is not None else max(_temperatures(view.outlets[tag]), default=None)
        pressure = _bar(unit.pressure)
        for reaction in _hosted_reactions(view, unit):
            chemistry = _chemistry_of(view, reaction)
            if chemistry is None:
                continue
            low, high = chemistry.temperature_degc
            if temperature is not None and not low <= temperature <= high:
                yield _issue(
                    Severity.ERROR,
                    f"{unit_path(tag)}.temperature",
                    "reactor_temperature_outside_catalyst_window",
                    f"{tag} runs {reaction.id} ({chemistry.name}) at {temperature:g} °C; the catalyst works "
                    f"between about {low:g} and {high:g} °C",
                    f"set the reactor temperature within {low:g}-{high:g} °C",
                )
            if chemistry.pressure_bar is not None and pressure is not None:
                p_low, p_high = chemistry.pressure_bar
                if not p_low <= pressure <= p_high:
                    yield _issue(
                        Severity.WARNING,
                        f"{unit_path(tag)}.pressure",
                        "reactor_pressure_atypical",
                        f"{tag} runs {chemistry.name} at {pressure:g} bar; plants use {p_low:g}-{p_high:g} bar",
                    )


def _pressure_system(view: DesignView, start: str) -> set[str]:
    """Units sharing ``start``'s pressure system: joined by streams with no machine, valve, process
    exchanger or large let-down in between (ASME VIII UG-133(c): such vessels may share a relief device)."""
    system, queue = {start}, deque([start])
    while queue:
        tag = queue.popleft()
        if view.units[tag].type in PRESSURE_BOUNDARY_TYPES and tag != start:
            continue
        for stream in [*view.inlets[tag], *view.outlets[tag]]:
            other = stream.to_unit if stream.from_unit == tag else stream.from_unit
            if other is None or other not in view.units or other in system:
                continue
            if view.units[other].type in PRESSURE_BOUNDARY_TYPES:
                continue
            p_here, p_there = view.unit_pressure_bar(tag), view.unit_pressure_bar(other)
            if p_here and p_there and max(p_here, p_there) / min(p_here, p_there) > LETDOWN_RATIO:
                continue
            system.add(other)
            queue.append(other)
    return system


def relief_rule(view: DesignView) -> Iterator[Issue]:
    """Pressure vessels above about 0.5 barg have a relief device, their own or one on equipment in the
    same pressure system (then an INFO asks to confirm there is no isolation valve in between)."""
    protected = {r.protected_unit for r in view.instrumentation.relief_valves}
    for tag, unit in view.units.items():
        if unit.type not in PRESSURE_VESSEL_TYPES or tag in protected:
            continue
        pressure = view.unit_pressure_bar(tag)
        if pressure is None or pressure - ATM_BAR <= RELIEF_THRESHOLD_BARG:
            continue
        sharing = sorted((_pressure_system(view, tag) - {tag}) & protected)
        if sharing:
            yield _issue(
                Severity.INFO,
                unit_path(tag),
                "relief_shared_with_connected_equipment",
                f"{tag} ({pressure:g} bar) has no relief device of its own; it relies on the one on "
                f"{', '.join(sharing)} in the same pressure system",
                "confirm no isolation valve can separate it from that relief device",
            )
        else:
            yield _issue(
                Severity.ERROR,
                unit_path(tag),
                "pressure_vessel_without_relief",
                f"{unit.type.value} {tag} operates at {pressure:g} bar absolute with no relief device",
                f"add a PSV on {tag} sized for its governing case (blocked outlet, fire)",
            )


def _kj_per_mol(quantity: Quantity) -> float | None:
    try:
        return quantity.magnitude_in("kJ/mol")
    except Exception:  # a unit of the wrong dimension; the model validators report it
        return None


def _is_exothermic(view: DesignView, unit: Unit) -> bool:
    """Net heat release of the hosted reactions, weighting each by its conversion (or 1); a reaction
    without a heat of reaction counts by its known chemistry."""
    net, known = 0.0, False
    for reaction in _hosted_reactions(view, unit):
        weight = reaction.conversion if reaction.conversion is not None else 1.0
        if reaction.heat_of_reaction is not None:
            heat = _kj_per_mol(reaction.heat_of_reaction)
            if heat is None:
                continue
            net += weight * heat / abs(reaction.stoichiometry[reaction.key_reactant])
            known = True
        elif (chemistry := _chemistry_of(view, reaction)) is not None:
            net += weight * (-100.0 if chemistry.exothermic else 100.0)
            known = True
    return known and net < 0


def exothermic_control_rule(view: DesignView) -> Iterator[Issue]:
    """An exothermic reactor has temperature control: a temperature loop measuring at the reactor or on a
    stream entering or leaving it (runaway protection starts with the basic control layer)."""
    for tag, unit in view.units.items():
        if unit.type not in REACTOR_TYPES or not _is_exothermic(view, unit):
            continue
        locations = {tag} | {s.id for s in view.inlets[tag]} | {s.id for s in view.outlets[tag]}
        controlled = any(
            loop.measured_variable is MeasuredVariable.TEMPERATURE
            and (sensor := view.instruments.get(loop.sensor)) is not None
            and sensor.location in locations
            for loop in view.instrumentation.control_loops
        )
        if not controlled:
            yield _issue(
                Severity.ERROR,
                unit_path(tag),
                "exothermic_reactor_without_temperature_control",
                f"exothermic reactor {tag} has no temperature control loop",
                "add a TIC on the reactor acting on its cooling (coolant, quench, steam pressure or feed)",
            )


def _machine_system(view: DesignView, start: str, max_hops: int = 3) -> set[str]:
    """Streams and units of a compressor's suction and discharge up to the first vessel/machine on each
    side, passing through mixers, splitters, filters and exchangers (at most ``max_hops`` units)."""
    found: set[str] = {start}
    frontier = [start]
    for _ in range(max_hops):
        following = []
        for tag in frontier:
            if tag != start and view.units[tag].type not in PASS_THROUGH_TYPES:
                continue
            for stream in [*view.inlets[tag], *view.outlets[tag]]:
                found.add(stream.id)
                other = stream.to_unit if stream.from_unit == tag else stream.from_unit
                if other is not None and other in view.units and other not in found:
                    found.add(other)
                    following.append(other)
        frontier = following
    return found


def compressor_control_rule(view: DesignView) -> Iterator[Issue]:
    """A compressor or blower has anti-surge, or at least flow, pressure or speed control on its own
    suction/discharge system."""
    controlling = (MeasuredVariable.FLOW, MeasuredVariable.PRESSURE, MeasuredVariable.SPEED)
    for tag, unit in view.units.items():
        if unit.type not in COMPRESSION_TYPES:
            continue
        system = _machine_system(view, tag)
        if any(
            loop.measured_variable in controlling and view.loop_touches(loop, system)
            for loop in view.instrumentation.control_loops
        ):
            continue
        yield _issue(
            Severity.ERROR if unit.type is UnitType.COMPRESSOR else Severity.WARNING,
            unit_path(tag),
            "compressor_without_control",
            f"{unit.type.value} {tag} has no anti-surge, flow, pressure or speed control",
            "add an anti-surge controller (FIC/UIC) with a recycle valve, and capacity control",
        )


def level_control_rule(view: DesignView) -> Iterator[Issue]:
    """A vessel with a liquid outlet holds a level that a level loop controls, unless it drains freely
    into a level-controlled vessel at about the same pressure."""

    def has_level_loop(tag: str) -> bool:
        return any(
            loop.measured_variable is MeasuredVariable.LEVEL
            and (sensor := view.instruments.get(loop.sensor)) is not None
            and sensor.unit_tag == tag
            for loop in view.instrumentation.control_loops
        )

    for tag, unit in view.units.items():
        if unit.type not in LIQUID_HOLDUP_TYPES:
            continue
        liquid_out = [s for s in view.outlets[tag] if s.phase in LIQUID_PHASES]
        if not liquid_out or has_level_loop(tag):
            continue
        here = view.unit_pressure_bar(tag)
        gravity_drained = all(
            s.to_unit in view.units
            and view.units[s.to_unit].type in LIQUID_HOLDUP_TYPES | {UnitType.TANK}
            and has_level_loop(s.to_unit)
            and here is not None
            and (there := view.unit_pressure_bar(s.to_unit)) is not None
            and abs(here - there) <= GRAVITY_DRAIN_MAX_DP_BAR
            for s in liquid_out
        )
        if gravity_drained:
            continue
        yield _issue(
            Severity.WARNING,
            unit_path(tag),
            "vessel_without_level_control",
            f"{unit.type.value} {tag} sends liquid out ({', '.join(s.id for s in liquid_out)}) but has no "
            "level control: it can run dry (gas blow-by downstream) or flood",
            f"add an LIC on {tag} acting on its liquid outlet",
        )


def safety_instrumented_rule(view: DesignView) -> Iterator[Issue]:
    """Interlocks and ESD systems start from a trip instrument (a switch, transmitter or hand switch, not a
    valve or controller) and act on valves/actuators; an interlock's trip sensor should not be a control
    loop's sensor (IEC 61511 independence of the safety layer)."""
    loop_sensors = {loop.sensor for loop in view.instrumentation.control_loops}

    def is_trip_instrument(tag: str) -> bool:
        instrument = view.instruments.get(tag)
        isa = _isa(tag)
        if instrument is None or isa is None:
            return True  # missing: reported as interlock_unknown_trigger by the validator
        return (
            isa.is_switch
            or isa.is_measurement
            or instrument.type
            in (
                InstrumentType.SWITCH,
                InstrumentType.HAND_SWITCH,
                InstrumentType.TRANSMITTER,
                InstrumentType.ANALYZER,
                InstrumentType.PRIMARY_ELEMENT,
            )
        )

    def is_actuator(tag: str) -> bool:
        instrument = view.instruments.get(tag)
        isa = _isa(tag)
        return (
            instrument is None
            or instrument.type in FINAL_ELEMENT_TYPES
            or (isa is not None and isa.is_final_element)
        )

    for interlock in view.instrumentation.interlocks:
        at = f"{INSTRUMENTATION}.interlocks[{interlock.id}]"
        if not is_trip_instrument(interlock.trigger):
            yield _issue(
                Severity.ERROR,
                f"{at}.trigger",
                "interlock_trigger_not_trip_instrument",
                f"interlock {interlock.id} is triggered by {interlock.trigger}, which is not a switch or transmitter",
                "trigger interlocks from a dedicated trip switch/transmitter (e.g. PSHH, LSLL)",
            )
        elif interlock.trigger in loop_sensors:
            yield _issue(
                Severity.WARNING,
                f"{at}.trigger",
                "interlock_shares_control_sensor",
                f"interlock {interlock.id} trips on {interlock.trigger}, which is also a control loop's sensor",
                "use an independent trip sensor for the safety function",
            )
        for i, tag in enumerate(interlock.final_elements):
            if not is_actuator(tag):
                yield _issue(
                    Severity.ERROR,
                    f"{at}.final_elements[{i}]",
                    "interlock_final_element_not_actuator",
                    f"interlock {interlock.id} acts on {tag}, which is not a valve or actuator",
                )
    for esd in view.instrumentation.esd_systems:
        at = f"{INSTRUMENTATION}.esd_systems[{esd.id}]"
        for i, tag in enumerate(esd.initiators):
            if not is_trip_instrument(tag):
                yield _issue(
                    Severity.ERROR,
                    f"{at}.initiators[{i}]",
                    "esd_initiator_not_trip_instrument",
                    f"{esd.id} is initiated by {tag}, which is not a switch, transmitter or push button",
                )
        for i, tag in enumerate(esd.final_elements):
            if not is_actuator(tag):
                yield _issue(
                    Severity.ERROR,
                    f"{at}.final_elements[{i}]",
                    "esd_final_element_not_actuator",
                    f"{esd.id} acts on {tag}, which is not a valve or actuator",
                )


def mass_balance_rule(view: DesignView) -> Iterator[Issue]:
    """Mass in equals mass out for every unit whose streams all have a flow on a mass basis (reactions
    conserve mass; the validator checks their element balance)."""
    for tag in view.units:
        streams_in, streams_out = view.inlets[tag], view.outlets[tag]
        if not streams_in or not streams_out:
            continue  # reported by connectivity
        flows_in = [view.stream_mass_flow(s) for s in streams_in]
        flows_out = [view.stream_mass_flow(s) for s in streams_out]
        if any(f is None for f in flows_in + flows_out):
            continue
        mass_in, mass_out = math.fsum(flows_in), math.fsum(flows_out)  # type: ignore[arg-type]
        scale = max(mass_in, mass_out)
        if scale <= 0:
            continue
        imbalance = abs(mass_out - mass_in) / scale
        if imbalance > MASS_IMBALANCE_WARNING:
            yield _issue(
                Severity.ERROR if imbalance > MASS_IMBALANCE_ERROR else Severity.WARNING,
                unit_path(tag),
                "unit_mass_imbalance",
                f"{tag}: {mass_in * 3.6:.4g} t/h in, {mass_out * 3.6:.4g} t/h out ({imbalance:.1%} off)",
                "check the unit's streams: a missing or misrouted stream, or a wrong flow or composition",
            )


@dataclass(frozen=True)
class Rule:
    name: str
    check: Callable[[DesignView], Iterable[Issue]]
    codes: tuple[str, ...]


# The one table of deterministic rules, in the order their issues are reported.
RULES: tuple[Rule, ...] = (
    Rule("referential", referential_rule, ("(see autochem.domain.validation)",)),
    Rule("tag_grammar", tag_grammar_rule, ("equipment_tag_invalid", "isa_tag_invalid")),
    Rule(
        "isa_function",
        isa_function_rule,
        ("relief_tag_not_safety_device", "isa_final_element_tag_mismatch", "loop_tag_number_mismatch"),
    ),
    Rule(
        "loop_structure",
        loop_structure_rule,
        ("loop_no_final_element", "loop_sensor_is_final_element", "loop_final_element_type"),
    ),
    Rule("connectivity", connectivity_rule, ("unit_no_outlet", "unit_no_inlet")),
    Rule(
        "battery_limits",
        battery_limits_rule,
        ("flowsheet_no_feed", "product_not_a_component", "product_stream_missing"),
    ),
    Rule(
        "condition_bounds",
        conditions_bounds_rule,
        (
            "temperature_below_absolute_zero",
            "temperature_implausible",
            "pressure_not_positive",
            "pressure_implausible",
        ),
    ),
    Rule(
        "machine_pressure",
        machine_pressure_rule,
        ("pump_pressure_not_raised", "compressor_pressure_not_raised", "expander_pressure_not_lowered"),
    ),
    Rule("heat_direction", heat_direction_rule, ("cooler_heats", "heater_cools")),
    Rule(
        "separator_conditions",
        separator_conditions_rule,
        ("separator_hotter_than_feed", "separator_pressure_above_feed"),
    ),
    Rule(
        "reactor_window",
        reactor_window_rule,
        ("reactor_temperature_outside_catalyst_window", "reactor_pressure_atypical"),
    ),
    Rule("relief", relief_rule, ("pressure_vessel_without_relief", "relief_shared_with_connected_equipment")),
    Rule("exothermic_control", exothermic_control_rule, ("exothermic_reactor_without_temperature_control",)),
    Rule("compressor_control", compressor_control_rule, ("compressor_without_control",)),
    Rule("level_control", level_control_rule, ("vessel_without_level_control",)),
    Rule(
        "safety_instrumented",
        safety_instrumented_rule,
        (
            "interlock_trigger_not_trip_instrument",
            "interlock_shares_control_sensor",
            "interlock_final_element_not_actuator",
            "esd_initiator_not_trip_instrument",
            "esd_final_element_not_actuator",
        ),
    ),
    Rule("mass_balance", mass_balance_rule, ("unit_mass_imbalance",)),
)


def run_rules(design: Design, rules: Iterable[Rule] = RULES) -> list[Issue]:
    """Every issue the deterministic rules find, in table order (duplicates removed)."""
    view = DesignView(design)
    issues: list[Issue] = []
    seen: set[tuple[str, str, str]] = set()
    for rule in rules:
        for issue in rule.check(view):
            key = (issue.code, issue.path, issue.message)
            if key not in seen:
                seen.add(key)
                issues.append(issue)
    return issues
