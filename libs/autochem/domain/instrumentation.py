"""The structured P&ID: instruments, control loops, safety systems and piping line specifications.

Tags follow ISA-5.1 (see :mod:`autochem.domain.tags`). References to instruments, units, streams and other
loops are plain strings here; :mod:`autochem.domain.validation` checks that they point at something of the
right kind.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, ValidationInfo, field_validator, model_validator

from autochem.domain.base import DomainModel, Identifier, InstrumentTagStr, Text
from autochem.domain.tags import IsaTag
from autochem.domain.units import (
    DENSITY,
    DIMENSIONLESS,
    FORCE,
    FREQUENCY,
    LENGTH,
    MASS,
    MASS_FLOW,
    MOLAR_CONCENTRATION,
    MOLAR_FLOW,
    POWER,
    PRESSURE,
    TEMPERATURE,
    VELOCITY,
    VOLUMETRIC_FLOW,
    FlowRate,
    Length,
    Pressure,
    Quantity,
    Temperature,
    is_delta_unit,
)


class InstrumentType(StrEnum):
    PRIMARY_ELEMENT = "primary_element"  # TE, FE: the sensing element itself
    TRANSMITTER = "transmitter"
    INDICATOR = "indicator"
    RECORDER = "recorder"
    GAUGE = "gauge"
    ANALYZER = "analyzer"
    CONTROLLER = "controller"
    SWITCH = "switch"
    HAND_SWITCH = "hand_switch"
    ALARM = "alarm"
    RELAY = "relay"  # FY: I/P converter, computing relay
    CONTROL_VALVE = "control_valve"
    ON_OFF_VALVE = "on_off_valve"  # XV: shutdown/isolation valve
    SAFETY_VALVE = "safety_valve"
    RUPTURE_DISC = "rupture_disc"
    ACTUATOR = "actuator"  # damper drive, variable-speed drive
    ORIFICE = "orifice"
    OTHER = "other"


# Which ISA functions a declared instrument type requires of its tag (used for a consistency warning).
INSTRUMENT_TYPE_FITS_TAG = {
    InstrumentType.PRIMARY_ELEMENT: lambda t: "E" in t.readouts or "W" in t.readouts,
    InstrumentType.TRANSMITTER: lambda t: t.output == "T",
    InstrumentType.INDICATOR: lambda t: "I" in t.readouts,
    InstrumentType.RECORDER: lambda t: "R" in t.readouts,
    InstrumentType.GAUGE: lambda t: "G" in t.readouts,
    InstrumentType.ANALYZER: lambda t: t.first_letter == "A",
    InstrumentType.CONTROLLER: lambda t: t.is_controller,
    InstrumentType.SWITCH: lambda t: t.is_switch,
    InstrumentType.HAND_SWITCH: lambda t: t.first_letter == "H" and t.is_switch,
    InstrumentType.ALARM: lambda t: "A" in t.readouts,
    InstrumentType.RELAY: lambda t: t.output == "Y",
    InstrumentType.CONTROL_VALVE: lambda t: "V" in t.output,
    InstrumentType.ON_OFF_VALVE: lambda t: "V" in t.output,
    InstrumentType.SAFETY_VALVE: lambda t: t.is_safety_device and t.output == "V",
    InstrumentType.RUPTURE_DISC: lambda t: t.is_safety_device and "E" in t.readouts,
    InstrumentType.ACTUATOR: lambda t: t.output in ("Z", "V"),
    InstrumentType.ORIFICE: lambda t: "O" in t.readouts,
    InstrumentType.OTHER: lambda t: True,
}
# A loop's final control element: something that moves the process.
FINAL_ELEMENT_TYPES = frozenset(
    {InstrumentType.CONTROL_VALVE, InstrumentType.ON_OFF_VALVE, InstrumentType.ACTUATOR}
)


class MeasuredVariable(StrEnum):
    FLOW = "flow"
    LEVEL = "level"
    PRESSURE = "pressure"
    TEMPERATURE = "temperature"
    ANALYSIS = "analysis"  # composition, pH, conductivity ...
    SPEED = "speed"
    WEIGHT = "weight"
    POSITION = "position"
    DENSITY = "density"
    VIBRATION = "vibration"
    POWER = "power"


# ISA-5.1 first letter of an instrument that measures each variable (D, density, is a user's-choice letter).
ISA_FIRST_LETTER = {
    MeasuredVariable.FLOW: "F",
    MeasuredVariable.LEVEL: "L",
    MeasuredVariable.PRESSURE: "P",
    MeasuredVariable.TEMPERATURE: "T",
    MeasuredVariable.ANALYSIS: "A",
    MeasuredVariable.SPEED: "S",
    MeasuredVariable.WEIGHT: "W",
    MeasuredVariable.POSITION: "Z",
    MeasuredVariable.DENSITY: "D",
    MeasuredVariable.VIBRATION: "V",
    MeasuredVariable.POWER: "J",
}

# Dimensions a setpoint may have for each measured variable (level and position also as % of span).
SETPOINT_DIMENSIONS = {
    MeasuredVariable.FLOW: (MASS_FLOW, MOLAR_FLOW, VOLUMETRIC_FLOW),
    MeasuredVariable.LEVEL: (LENGTH, DIMENSIONLESS),
    MeasuredVariable.PRESSURE: (PRESSURE,),
    MeasuredVariable.TEMPERATURE: (TEMPERATURE,),
    MeasuredVariable.ANALYSIS: (DIMENSIONLESS, MOLAR_CONCENTRATION, DENSITY),
    MeasuredVariable.SPEED: (FREQUENCY, VELOCITY),
    MeasuredVariable.WEIGHT: (MASS, FORCE),
    MeasuredVariable.POSITION: (LENGTH, DIMENSIONLESS),
    MeasuredVariable.DENSITY: (DENSITY,),
    MeasuredVariable.VIBRATION: (VELOCITY, LENGTH),
    MeasuredVariable.POWER: (POWER,),
}


class ControlStrategy(StrEnum):
    FEEDBACK = "feedback"
    FEEDFORWARD = "feedforward"
    CASCADE = "cascade"  # this loop is the primary (master); its output is the secondary loop's setpoint
    RATIO = "ratio"  # the manipulated flow follows a wild flow times a ratio


class Instrument(DomainModel):
    """One tagged instrument, located on a unit or on a stream (or neither: a control-room function)."""

    path_key = "tag"

    tag: InstrumentTagStr
    type: InstrumentType
    description: str = ""
    unit_tag: Identifier | None = None
    stream_id: Identifier | None = None

    @model_validator(mode="after")
    def _one_location(self) -> Instrument:
        if self.unit_tag is not None and self.stream_id is not None:
            raise ValueError("an instrument sits on a unit or on a stream, not both (unit_tag, stream_id)")
        return self

    @property
    def isa(self) -> IsaTag:
        return IsaTag.parse(self.tag)

    @property
    def location(self) -> str | None:
        return self.unit_tag if self.unit_tag is not None else self.stream_id


class ControlLoop(DomainModel):
    """A control loop: sensor -> controller -> final control element, with a strategy.

    Strategy-specific fields: a CASCADE loop names its ``secondary_loop`` (and then needs no final element of
    its own); a RATIO loop gives ``ratio`` (manipulated/wild, on the flow basis of the loop's instruments) and
    the ``wild_stream``; a FEEDFORWARD loop names the ``disturbance_measurement`` instrument. A loop that is
    the secondary of a cascade may name its ``master_loop`` whatever its own strategy.
    """

    path_key = "id"

    id: Identifier
    description: str = ""
    measured_variable: MeasuredVariable
    strategy: ControlStrategy
    sensor: Identifier
    controller: Identifier
    final_element: Identifier | None = None
    manipulated_stream: Identifier | None = None
    setpoint: Quantity | None = None
    master_loop: Identifier | None = None
    secondary_loop: Identifier | None = None
    ratio: float | None = Field(None, gt=0)
    wild_stream: Identifier | None = None
    disturbance_measurement: Identifier | None = None

    @field_validator("setpoint")
    @classmethod
    def _setpoint_fits_variable(cls, setpoint: Quantity | None, info: ValidationInfo) -> Quantity | None:
        variable = info.data.get("measured_variable")
        if setpoint is None or variable is None:
            return setpoint
        allowed = SETPOINT_DIMENSIONS[variable]
        if setpoint.dimensionality not in allowed:
            raise ValueError(
                f"a {variable.value} setpoint needs {' or '.join(allowed)}, got {setpoint.unit!r} "
                f"({setpoint.dimensionality})"
            )
        if variable is MeasuredVariable.TEMPERATURE and is_delta_unit(setpoint.unit):
            raise ValueError(f"a temperature setpoint is absolute, got the difference unit {setpoint.unit!r}")
        return setpoint

    @model_validator(mode="after")
    def _strategy_fields(self) -> ControlLoop:
        strategy = self.strategy
        if strategy is ControlStrategy.CASCADE and self.secondary_loop is None:
            raise ValueError("a cascade loop names its secondary_loop")
        if strategy is not ControlStrategy.CASCADE and self.secondary_loop is not None:
            raise ValueError("secondary_loop is only meaningful for a cascade (primary) loop")
        if strategy is not ControlStrategy.CASCADE and self.final_element is None:
            raise ValueError("final_element is required unless the loop acts through a cascade secondary")
        if strategy is ControlStrategy.RATIO and (self.ratio is None or self.wild_stream is None):
            raise ValueError("a ratio loop gives ratio and wild_stream")
        if strategy is not ControlStrategy.RATIO and (self.ratio is not None or self.wild_stream is not None):
            raise ValueError("ratio and wild_stream are only meaningful for a ratio loop")
        if strategy is ControlStrategy.FEEDFORWARD and self.disturbance_measurement is None:
            raise ValueError("a feedforward loop names its disturbance_measurement")
        if strategy is not ControlStrategy.FEEDFORWARD and self.disturbance_measurement is not None:
            raise ValueError("disturbance_measurement is only meaningful for a feedforward loop")
        return self


class ReliefValve(DomainModel):
    """A pressure relief device (PSV, or a PSE rupture disc) protecting one unit."""

    path_key = "tag"

    tag: InstrumentTagStr
    protected_unit: Identifier
    set_pressure: Pressure
    discharge_to: Text
    relieving_rate: FlowRate | None = None
    scenario: str | None = Field(None, description="Governing relief case (fire, blocked outlet ...).")
    description: str = ""

    @field_validator("tag")
    @classmethod
    def _is_relief_device(cls, tag: str) -> str:
        if not IsaTag.parse(tag).is_safety_device:
            raise ValueError(
                f"{tag!r} is not a relief device tag (PSV, TSV, PSE ...: S modifier, then V or E)"
            )
        return tag


class Interlock(DomainModel):
    """A safety interlock: when ``trigger`` meets ``condition``, the actions happen (SIL per IEC 61511)."""

    path_key = "id"

    id: Identifier
    description: str = ""
    trigger: Identifier
    condition: Text
    trip_setpoint: Quantity | None = None
    actions: list[Text] = Field(min_length=1)
    final_elements: list[Identifier] = Field(default_factory=list)
    sil: int | None = Field(None, ge=1, le=4)


class EmergencyShutdown(DomainModel):
    """An emergency shutdown system/level: any initiator trips it; it drives the final elements."""

    path_key = "id"

    id: Identifier
    description: str = ""
    initiators: list[Identifier] = Field(min_length=1)
    actions: list[Text] = Field(default_factory=list)
    final_elements: list[Identifier] = Field(default_factory=list)


class LineSpec(DomainModel):
    """A piping line specification (material class) and the streams whose lines use it."""

    path_key = "id"

    id: Identifier
    service: Text
    material: Text
    pressure_class: Text = Field(description="Flange rating, e.g. 'ASME B16.5 Class 300' or 'PN 40'.")
    design_pressure: Pressure | None = None
    design_temperature: Temperature | None = None
    corrosion_allowance: Length | None = None
    stream_ids: list[Identifier] = Field(default_factory=list)


class Instrumentation(DomainModel):
    instruments: list[Instrument] = Field(default_factory=list)
    control_loops: list[ControlLoop] = Field(default_factory=list)
    relief_valves: list[ReliefValve] = Field(default_factory=list)
    interlocks: list[Interlock] = Field(default_factory=list)
    esd_systems: list[EmergencyShutdown] = Field(default_factory=list)
    line_specs: list[LineSpec] = Field(default_factory=list)
