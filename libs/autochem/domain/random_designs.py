"""Seeded generator of valid designs, for round-trip and property tests (here and in other packages).

Every model it builds passes its own validation; optional fields are present or absent at random, numbers
include zeros and extremes, names include non-ASCII text. References between objects mostly point at
things that exist, but no referential cleanliness is promised (use the nitric acid example for that).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from autochem.domain.design import (
    Citation,
    Critique,
    Design,
    LoopResult,
    Pfd,
    Pid,
    ProcessContext,
    Provenance,
    ValidationReport,
    ValidationStatus,
)
from autochem.domain.flowsheet import (
    UNIT_TAG_PREFIXES,
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
    ISA_FIRST_LETTER,
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
from autochem.domain.issues import Issue, Severity
from autochem.domain.units import Quantity

TEXTS = [
    "",
    "ammonia",
    "Ölsäure",
    "乙醇 (ethanol)",
    "naïve café résumé",
    "\u03b1-pinene \u2192 \u03b2",
    "🧪 test",
    "a\nb\tc",
    "x" * 300,
]
NAMES = [
    "ammonia",
    "water",
    "\u03b1-pinene",
    "水",
    "N,N-dimethylformamide",
    "Ölsäure",
    "1,3-butadiene",
    "CO₂",
    "méthanol",
    "エタノール",
]
FORMULAS = [None, "NH3", "H2O", "C10H16", "C3H7NO", "Ca(OH)2", "CuSO4·5H2O", "HNO3"]
CAS = [None, "7664-41-7", "7732-18-5", "80-56-8", "68-12-2", "7697-37-2"]
NUMBERS = [0.0, 1.0, 0.5, 1e-12, 123.456, 1e6, 2.5e300]

TEMPERATURES = [
    (0.0, "degC"),
    (25.0, "degC"),
    (298.15, "K"),
    (1e-3, "K"),
    (-40.0, "degF"),
    (1500.0, "degC"),
    (671.67, "degR"),
]
PRESSURES = [
    (0.0, "barg"),
    (1.01325, "bar"),
    (101.325, "kPa"),
    (0.0, "psig"),
    (250.0, "bar"),
    (1e-6, "Pa"),
    (1.0, "atm"),
]
FLOWS = [
    (0.0, "kg/h"),
    (12.0, "t/h"),
    (5.5, "kmol/h"),
    (0.0, "mol/s"),
    (1000.0, "Nm3/h"),
    (3.2, "m**3/h"),
    (7.0, "L/min"),
    (1e5, "lb/h"),
]
DUTIES = [(0.0, "kW"), (-33.0, "MW"), (4.0, "MW"), (1e3, "BTU/h")]
MOLAR_ENERGIES = [(0.0, "kJ/mol"), (-906.0, "kJ/mol"), (57.2, "kJ/mol"), (-1.0, "kcal/mol")]
ANY_QUANTITIES = [
    (0.0, ""),
    (3.0, "m**3"),
    (45.0, "s"),
    (12.0, "percent"),
    (2.5, "m"),
    (0.0, "rpm"),
    (7.0, "kg/m**3"),
]

# ISA tag letters that fit each instrument type (to keep types and tags consistent).
TAG_LETTERS = {
    InstrumentType.TRANSMITTER: ["TT", "FT", "PT", "LT", "AT", "PDT"],
    InstrumentType.PRIMARY_ELEMENT: ["TE", "FE"],
    InstrumentType.CONTROLLER: ["TIC", "FIC", "PIC", "LIC", "AIC", "FFIC"],
    InstrumentType.CONTROL_VALVE: ["TV", "FV", "PV", "LV", "FCV"],
    InstrumentType.ON_OFF_VALVE: ["XV", "HV"],
    InstrumentType.SWITCH: ["TSH", "PSHH", "LSLL", "FFSHH"],
    InstrumentType.HAND_SWITCH: ["HS"],
    InstrumentType.ALARM: ["TAH", "LAL", "PAHH"],
    InstrumentType.INDICATOR: ["TI", "PI", "FQI"],
    InstrumentType.GAUGE: ["PG", "LG"],
    InstrumentType.ANALYZER: ["AT", "AI"],
    InstrumentType.RELAY: ["FY", "TY"],
    InstrumentType.ACTUATOR: ["SZ", "ZV"],
    InstrumentType.ORIFICE: ["FO"],
    InstrumentType.OTHER: ["XX", "UY"],
}
SENSOR_LETTERS = {v: f"{letter}T" for v, letter in ISA_FIRST_LETTER.items()}
SETPOINTS = {
    MeasuredVariable.FLOW: (5.0, "t/h"),
    MeasuredVariable.LEVEL: (50.0, "percent"),
    MeasuredVariable.PRESSURE: (0.0, "barg"),
    MeasuredVariable.TEMPERATURE: (0.0, "degC"),
    MeasuredVariable.ANALYSIS: (200.0, "ppm"),
    MeasuredVariable.SPEED: (1500.0, "rpm"),
    MeasuredVariable.WEIGHT: (0.0, "kg"),
    MeasuredVariable.POSITION: (0.0, "percent"),
    MeasuredVariable.DENSITY: (1000.0, "kg/m**3"),
    MeasuredVariable.VIBRATION: (4.5, "mm/s"),
    MeasuredVariable.POWER: (0.0, "kW"),
}


class _Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
        self.serial = 0

    def maybe(self, p: float = 0.5) -> bool:
        return self.rng.random() < p

    def opt(self, make, p: float = 0.5):
        return make() if self.maybe(p) else None

    def text(self) -> str:
        return self.rng.choice(TEXTS)

    def word(self) -> str:
        return self.rng.choice([t for t in TEXTS if t and t.strip() == t and "\n" not in t])

    def texts(self, n: int = 3) -> list[str]:
        return [self.text() for _ in range(self.rng.randint(0, n))]

    def number(self) -> float:
        return self.rng.choice([*NUMBERS, self.rng.uniform(-1e3, 1e3)])

    def unique(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}{self.serial}"

    def quantity(self, table: list[tuple[float, str]]) -> Quantity:
        value, unit = self.rng.choice(table)
        return Quantity(value=value, unit=unit)

    def fractions(self, names: list[str]) -> dict[str, float]:
        chosen = self.rng.sample(names, self.rng.randint(1, len(names)))
        if len(chosen) == 1 or self.maybe(0.2):
            weights = [1.0] + [0.0] * (len(chosen) - 1)
        else:
            weights = [self.rng.random() + 1e-9 for _ in chosen]
        total = sum(weights)
        return {name: w / total for name, w in zip(chosen, weights, strict=True)}

    # --- flowsheet ------------------------------------------------------------------------------

    def flowsheet(self) -> Flowsheet:
        names = self.rng.sample(NAMES, self.rng.randint(2, 6))
        components = [
            Component(name=n, formula=self.rng.choice(FORMULAS), cas=self.rng.choice(CAS)) for n in names
        ]
        reactions = [self.reaction(names) for _ in range(self.rng.randint(0, 3))]
        units = [self.unit([r.id for r in reactions]) for _ in range(self.rng.randint(0, 6))]
        tags = [u.tag for u in units]
        streams = [self.stream(tags, names) for _ in range(self.rng.randint(0, 7))]
        return Flowsheet(components=components, units=units, streams=streams, reactions=reactions)

    def reaction(self, names: list[str]) -> Reaction:
        species = self.rng.sample(names, 2 if len(names) == 2 else self.rng.randint(2, min(4, len(names))))
        stoichiometry = {s: float(self.rng.choice([1, 2, 0.5, 3])) for s in species}
        stoichiometry[species[0]] *= -1
        for s in species[2:]:
            if self.maybe():
                stoichiometry[s] *= -1
        mode = self.rng.choice(["conversion", "extent", "none"])
        return Reaction(
            id=self.unique("RX-"),
            name=self.opt(self.text),
            stoichiometry=stoichiometry,
            key_reactant=species[0],
            conversion=self.rng.choice([0.0, 1.0, 0.955]) if mode == "conversion" else None,
            extent=Quantity(value=self.rng.choice([0.0, 45.0]), unit="mol/s") if mode == "extent" else None,
            heat_of_reaction=self.opt(lambda: self.quantity(MOLAR_ENERGIES)),
            phase=self.opt(lambda: self.rng.choice(list(Phase))),
            catalyst=self.opt(self.text),
        )

    def unit(self, reaction_ids: list[str]) -> Unit:
        unit_type = self.rng.choice(list(UnitType))
        prefix = self.rng.choice(sorted(UNIT_TAG_PREFIXES.get(unit_type, {"X"})))
        tag = f"{prefix}-{self.unique('')}{self.rng.choice(['', 'A', 'B'])}"
        return Unit(
            tag=tag,
            type=unit_type,
            name=self.opt(self.text),
            description=self.text(),
            temperature=self.opt(lambda: self.quantity(TEMPERATURES)),
            pressure=self.opt(lambda: self.quantity(PRESSURES)),
            duty=self.opt(lambda: self.quantity(DUTIES)),
            parameters={self.word(): self.quantity(ANY_QUANTITIES) for _ in range(self.rng.randint(0, 2))},
            reaction_ids=self.rng.sample(reaction_ids, self.rng.randint(0, len(reaction_ids))),
        )

    def stream(self, tags: list[str], names: list[str]) -> Stream:
        ends = [*tags, None]
        source = self.rng.choice(ends)
        destination = self.rng.choice(ends) if source is not None else self.rng.choice(tags or ["X-1"])
        return Stream(
            id=self.unique(self.rng.choice(["S-", "流-", "stream "])),
            name=self.opt(self.text),
            description=self.text(),
            from_unit=source,
            to_unit=destination,
            phase=self.opt(lambda: self.rng.choice(list(Phase))),
            temperature=self.opt(lambda: self.quantity(TEMPERATURES)),
            pressure=self.opt(lambda: self.quantity(PRESSURES)),
            flow=self.opt(lambda: self.quantity(FLOWS)),
            composition=self.opt(
                lambda: Composition(
                    basis=self.rng.choice(list(CompositionBasis)), fractions=self.fractions(names)
                )
            ),
        )

    # --- instrumentation --------------------------------------------------------------------------

    def instrumentation(self, flowsheet: Flowsheet | None) -> Instrumentation:
        tags = [u.tag for u in flowsheet.units] if flowsheet else []
        streams = [s.id for s in flowsheet.streams] if flowsheet else []
        instruments = [self.instrument(tags, streams) for _ in range(self.rng.randint(0, 6))]
        loops = [self.loop(streams) for _ in range(self.rng.randint(0, 3))]
        for loop in loops:  # sensors, controllers and valves of the loops exist
            for tag, kind in (
                (loop.sensor, InstrumentType.TRANSMITTER),
                (loop.controller, InstrumentType.CONTROLLER),
                (loop.final_element, InstrumentType.CONTROL_VALVE),
            ):
                if tag is not None:
                    instruments.append(Instrument(tag=tag, type=kind))
        instrument_tags = [i.tag for i in instruments] or ["TT-1"]
        relief = [
            ReliefValve(
                tag=f"{self.rng.choice(['PSV', 'TSV', 'PSE'])}-{self.unique('')}",
                protected_unit=self.rng.choice(tags or ["R-1"]),
                set_pressure=self.quantity(PRESSURES),
                discharge_to=self.word(),
                relieving_rate=self.opt(lambda: self.quantity(FLOWS)),
                scenario=self.opt(self.text),
                description=self.text(),
            )
            for _ in range(self.rng.randint(0, 2))
        ]
        interlocks = [
            Interlock(
                id=self.unique("I-"),
                description=self.text(),
                trigger=self.rng.choice(instrument_tags),
                condition=self.word(),
                trip_setpoint=self.opt(lambda: self.quantity(ANY_QUANTITIES)),
                actions=[self.word() for _ in range(self.rng.randint(1, 3))],
                final_elements=self.rng.sample(instrument_tags, self.rng.randint(0, len(instrument_tags))),
                sil=self.rng.choice([None, 1, 2, 3, 4]),
            )
            for _ in range(self.rng.randint(0, 2))
        ]
        esds = [
            EmergencyShutdown(
                id=self.unique("ESD-"),
                description=self.text(),
                initiators=self.rng.sample(instrument_tags, self.rng.randint(1, len(instrument_tags))),
                actions=[self.word() for _ in range(self.rng.randint(0, 2))],
                final_elements=self.rng.sample(instrument_tags, self.rng.randint(0, 1)),
            )
            for _ in range(self.rng.randint(0, 1))
        ]
        specs = [
            LineSpec(
                id=self.unique("L"),
                service=self.word(),
                material=self.word(),
                pressure_class="Class 150",
                design_pressure=self.opt(lambda: self.quantity(PRESSURES)),
                design_temperature=self.opt(lambda: self.quantity(TEMPERATURES)),
                corrosion_allowance=self.opt(lambda: Quantity(value=self.rng.choice([0.0, 3.0]), unit="mm")),
                stream_ids=self.rng.sample(streams, self.rng.randint(0, len(streams))),
            )
            for _ in range(self.rng.randint(0, 2))
        ]
        return Instrumentation(
            instruments=instruments,
            control_loops=loops,
            relief_valves=relief,
            interlocks=interlocks,
            esd_systems=esds,
            line_specs=specs,
        )

    def instrument(self, tags: list[str], streams: list[str]) -> Instrument:
        kind = self.rng.choice(list(TAG_LETTERS))
        tag = f"{self.rng.choice(TAG_LETTERS[kind])}-{self.unique('')}{self.rng.choice(['', 'A'])}"
        where = self.rng.choice(["unit", "stream", None])
        return Instrument(
            tag=tag,
            type=kind,
            description=self.text(),
            unit_tag=self.rng.choice(tags) if where == "unit" and tags else None,
            stream_id=self.rng.choice(streams) if where == "stream" and streams else None,
        )

    def loop(self, streams: list[str]) -> ControlLoop:
        variable = self.rng.choice(list(MeasuredVariable))
        strategy = self.rng.choice(list(ControlStrategy))
        letter = ISA_FIRST_LETTER[variable]
        number = self.unique("")
        stream = (lambda: self.rng.choice(streams)) if streams else (lambda: None)
        value, unit = SETPOINTS[variable]
        return ControlLoop(
            id=self.unique("loop-"),
            description=self.text(),
            measured_variable=variable,
            strategy=strategy,
            sensor=f"{letter}T-{number}",
            controller=f"{letter}IC-{number}",
            final_element=None
            if strategy is ControlStrategy.CASCADE and self.maybe()
            else f"{letter}V-{number}",
            manipulated_stream=self.opt(stream),
            setpoint=self.opt(lambda: Quantity(value=value, unit=unit)),
            master_loop=self.opt(lambda: self.unique("loop-"), 0.2),
            secondary_loop=self.unique("loop-") if strategy is ControlStrategy.CASCADE else None,
            ratio=self.rng.choice([1e-9, 0.111, 9.0]) if strategy is ControlStrategy.RATIO else None,
            wild_stream=(stream() or "S-x") if strategy is ControlStrategy.RATIO else None,
            disturbance_measurement=f"FT-{number}" if strategy is ControlStrategy.FEEDFORWARD else None,
        )

    # --- the rest --------------------------------------------------------------------------------

    def issue(self) -> Issue:
        return Issue(
            severity=self.rng.choice(list(Severity)),
            path=self.text(),
            code=self.text(),
            message=self.text(),
            suggestion=self.text(),
        )

    def timestamp(self) -> datetime:
        base = datetime(1970, 1, 1, tzinfo=UTC)
        return base + timedelta(
            seconds=self.rng.randint(0, 4_000_000_000), microseconds=self.rng.randint(0, 999_999)
        )

    def validation(self, flowsheet: Flowsheet | None, loops: list[str]) -> ValidationReport:
        tags = [u.tag for u in flowsheet.units] if flowsheet else []
        return ValidationReport(
            status=self.rng.choice(list(ValidationStatus)),
            simulator=self.opt(self.text),
            converged=self.rng.choice([None, True, False]),
            mass_balance_closure=self.rng.choice([None, 0.0, 1.0, 0.99987]),
            unit_mass_balance_closure={t: self.rng.choice([0.0, 1.0, 1.0002]) for t in tags if self.maybe()},
            energy_duties={t: self.quantity(DUTIES) for t in tags if self.maybe()},
            loop_results=[
                LoopResult(
                    loop_id=loop_id,
                    stable=self.rng.choice([None, True, False]),
                    overshoot=self.rng.choice([None, 0.0, 0.12]),
                    settling_time=self.opt(lambda: Quantity(value=self.rng.choice([0.0, 42.0]), unit="s")),
                    rise_time=self.opt(lambda: Quantity(value=3.0, unit="min")),
                    iae=self.rng.choice([None, 0.0, 17.5]),
                    messages=self.texts(),
                )
                for loop_id in loops
                if self.maybe()
            ],
            messages=self.texts(),
            issues=[self.issue() for _ in range(self.rng.randint(0, 2))],
            validated_at=self.opt(self.timestamp),
        )

    def design(self) -> Design:
        flowsheet = self.opt(self.flowsheet, 0.8)
        pid = self.opt(
            lambda: Pid(description=self.text(), instrumentation=self.instrumentation(flowsheet)), 0.7
        )
        loops = [loop.id for loop in pid.instrumentation.control_loops] if pid else []
        return Design(
            id=self.unique(self.rng.choice(["design-", "設計-"])),
            chemical=self.word(),
            created_at=self.timestamp(),
            process_context=self.opt(
                lambda: ProcessContext(
                    summary=self.text(),
                    route=self.text(),
                    reactions=self.texts(),
                    conditions=self.texts(),
                    purification=self.texts(),
                    by_products=self.texts(),
                    recycles=self.texts(),
                    heat_integration=self.texts(),
                    safety=self.texts(),
                )
            ),
            pfd=Pfd(description=self.text(), flowsheet=flowsheet) if flowsheet is not None else None,
            pid=pid,
            critique=self.opt(
                lambda: Critique(
                    summary=self.text(),
                    scores={
                        self.word(): self.rng.choice([0.0, 4.0, 2.75]) for _ in range(self.rng.randint(0, 3))
                    },
                    issues=[self.issue() for _ in range(self.rng.randint(0, 3))],
                )
            ),
            validation=self.opt(lambda: self.validation(flowsheet, loops)),
            provenance=self.opt(
                lambda: Provenance(
                    citations=[
                        Citation(
                            path=self.rng.choice(
                                ["pfd", "pfd.flowsheet.units[0]", "chemical", "nowhere.at[all]"]
                            ),
                            kg_fact_ids=[self.word()] if self.maybe() else [],
                            document_uris=["doc://a.b/c"],
                            chunk_ids=[self.word() for _ in range(self.rng.randint(0, 2))],
                            quote=self.opt(self.text),
                        )
                        for _ in range(self.rng.randint(0, 3))
                    ]
                )
            ),
        )


def random_design(seed: int) -> Design:
    """A valid design drawn from ``seed`` (the same seed always gives the same design)."""
    return _Gen(seed).design()
