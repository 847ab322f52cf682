import datetime

from autochem.v1 import common_pb2 as _common_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class UnitType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    UNIT_TYPE_UNSPECIFIED: _ClassVar[UnitType]
    UNIT_TYPE_REACTOR_CSTR: _ClassVar[UnitType]
    UNIT_TYPE_REACTOR_PFR: _ClassVar[UnitType]
    UNIT_TYPE_REACTOR_PACKED_BED: _ClassVar[UnitType]
    UNIT_TYPE_REACTOR_FLUIDIZED_BED: _ClassVar[UnitType]
    UNIT_TYPE_REACTOR_BATCH: _ClassVar[UnitType]
    UNIT_TYPE_REACTOR_CONVERTER: _ClassVar[UnitType]
    UNIT_TYPE_HEAT_EXCHANGER: _ClassVar[UnitType]
    UNIT_TYPE_HEATER: _ClassVar[UnitType]
    UNIT_TYPE_COOLER: _ClassVar[UnitType]
    UNIT_TYPE_CONDENSER: _ClassVar[UnitType]
    UNIT_TYPE_REBOILER: _ClassVar[UnitType]
    UNIT_TYPE_AIR_COOLER: _ClassVar[UnitType]
    UNIT_TYPE_FIRED_HEATER: _ClassVar[UnitType]
    UNIT_TYPE_WASTE_HEAT_BOILER: _ClassVar[UnitType]
    UNIT_TYPE_EVAPORATOR: _ClassVar[UnitType]
    UNIT_TYPE_DISTILLATION_COLUMN: _ClassVar[UnitType]
    UNIT_TYPE_ABSORBER: _ClassVar[UnitType]
    UNIT_TYPE_STRIPPER: _ClassVar[UnitType]
    UNIT_TYPE_EXTRACTOR: _ClassVar[UnitType]
    UNIT_TYPE_FLASH_DRUM: _ClassVar[UnitType]
    UNIT_TYPE_SEPARATOR: _ClassVar[UnitType]
    UNIT_TYPE_DECANTER: _ClassVar[UnitType]
    UNIT_TYPE_CYCLONE: _ClassVar[UnitType]
    UNIT_TYPE_FILTER: _ClassVar[UnitType]
    UNIT_TYPE_CENTRIFUGE: _ClassVar[UnitType]
    UNIT_TYPE_CRYSTALLIZER: _ClassVar[UnitType]
    UNIT_TYPE_DRYER: _ClassVar[UnitType]
    UNIT_TYPE_PUMP: _ClassVar[UnitType]
    UNIT_TYPE_COMPRESSOR: _ClassVar[UnitType]
    UNIT_TYPE_BLOWER: _ClassVar[UnitType]
    UNIT_TYPE_TURBINE: _ClassVar[UnitType]
    UNIT_TYPE_EXPANDER: _ClassVar[UnitType]
    UNIT_TYPE_MIXER: _ClassVar[UnitType]
    UNIT_TYPE_SPLITTER: _ClassVar[UnitType]
    UNIT_TYPE_VALVE: _ClassVar[UnitType]
    UNIT_TYPE_TANK: _ClassVar[UnitType]
    UNIT_TYPE_VESSEL: _ClassVar[UnitType]
    UNIT_TYPE_OTHER: _ClassVar[UnitType]

class Phase(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PHASE_UNSPECIFIED: _ClassVar[Phase]
    PHASE_VAPOR: _ClassVar[Phase]
    PHASE_LIQUID: _ClassVar[Phase]
    PHASE_SOLID: _ClassVar[Phase]
    PHASE_VAPOR_LIQUID: _ClassVar[Phase]
    PHASE_LIQUID_LIQUID: _ClassVar[Phase]
    PHASE_SOLID_LIQUID: _ClassVar[Phase]
    PHASE_SOLID_VAPOR: _ClassVar[Phase]
    PHASE_SUPERCRITICAL: _ClassVar[Phase]

class CompositionBasis(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COMPOSITION_BASIS_UNSPECIFIED: _ClassVar[CompositionBasis]
    COMPOSITION_BASIS_MASS: _ClassVar[CompositionBasis]
    COMPOSITION_BASIS_MOLE: _ClassVar[CompositionBasis]

class InstrumentType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INSTRUMENT_TYPE_UNSPECIFIED: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_PRIMARY_ELEMENT: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_TRANSMITTER: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_INDICATOR: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_RECORDER: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_GAUGE: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_ANALYZER: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_CONTROLLER: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_SWITCH: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_HAND_SWITCH: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_ALARM: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_RELAY: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_CONTROL_VALVE: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_ON_OFF_VALVE: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_SAFETY_VALVE: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_RUPTURE_DISC: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_ACTUATOR: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_ORIFICE: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_OTHER: _ClassVar[InstrumentType]

class MeasuredVariable(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MEASURED_VARIABLE_UNSPECIFIED: _ClassVar[MeasuredVariable]
    MEASURED_VARIABLE_FLOW: _ClassVar[MeasuredVariable]
    MEASURED_VARIABLE_LEVEL: _ClassVar[MeasuredVariable]
    MEASURED_VARIABLE_PRESSURE: _ClassVar[MeasuredVariable]
    MEASURED_VARIABLE_TEMPERATURE: _ClassVar[MeasuredVariable]
    MEASURED_VARIABLE_ANALYSIS: _ClassVar[MeasuredVariable]
    MEASURED_VARIABLE_SPEED: _ClassVar[MeasuredVariable]
    MEASURED_VARIABLE_WEIGHT: _ClassVar[MeasuredVariable]
    MEASURED_VARIABLE_POSITION: _ClassVar[MeasuredVariable]
    MEASURED_VARIABLE_DENSITY: _ClassVar[MeasuredVariable]
    MEASURED_VARIABLE_VIBRATION: _ClassVar[MeasuredVariable]
    MEASURED_VARIABLE_POWER: _ClassVar[MeasuredVariable]

class ControlStrategy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTROL_STRATEGY_UNSPECIFIED: _ClassVar[ControlStrategy]
    CONTROL_STRATEGY_FEEDBACK: _ClassVar[ControlStrategy]
    CONTROL_STRATEGY_FEEDFORWARD: _ClassVar[ControlStrategy]
    CONTROL_STRATEGY_CASCADE: _ClassVar[ControlStrategy]
    CONTROL_STRATEGY_RATIO: _ClassVar[ControlStrategy]

class ValidationStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VALIDATION_STATUS_UNSPECIFIED: _ClassVar[ValidationStatus]
    VALIDATION_STATUS_PASSED: _ClassVar[ValidationStatus]
    VALIDATION_STATUS_PASSED_WITH_WARNINGS: _ClassVar[ValidationStatus]
    VALIDATION_STATUS_FAILED: _ClassVar[ValidationStatus]
    VALIDATION_STATUS_ERROR: _ClassVar[ValidationStatus]
    VALIDATION_STATUS_SKIPPED: _ClassVar[ValidationStatus]
UNIT_TYPE_UNSPECIFIED: UnitType
UNIT_TYPE_REACTOR_CSTR: UnitType
UNIT_TYPE_REACTOR_PFR: UnitType
UNIT_TYPE_REACTOR_PACKED_BED: UnitType
UNIT_TYPE_REACTOR_FLUIDIZED_BED: UnitType
UNIT_TYPE_REACTOR_BATCH: UnitType
UNIT_TYPE_REACTOR_CONVERTER: UnitType
UNIT_TYPE_HEAT_EXCHANGER: UnitType
UNIT_TYPE_HEATER: UnitType
UNIT_TYPE_COOLER: UnitType
UNIT_TYPE_CONDENSER: UnitType
UNIT_TYPE_REBOILER: UnitType
UNIT_TYPE_AIR_COOLER: UnitType
UNIT_TYPE_FIRED_HEATER: UnitType
UNIT_TYPE_WASTE_HEAT_BOILER: UnitType
UNIT_TYPE_EVAPORATOR: UnitType
UNIT_TYPE_DISTILLATION_COLUMN: UnitType
UNIT_TYPE_ABSORBER: UnitType
UNIT_TYPE_STRIPPER: UnitType
UNIT_TYPE_EXTRACTOR: UnitType
UNIT_TYPE_FLASH_DRUM: UnitType
UNIT_TYPE_SEPARATOR: UnitType
UNIT_TYPE_DECANTER: UnitType
UNIT_TYPE_CYCLONE: UnitType
UNIT_TYPE_FILTER: UnitType
UNIT_TYPE_CENTRIFUGE: UnitType
UNIT_TYPE_CRYSTALLIZER: UnitType
UNIT_TYPE_DRYER: UnitType
UNIT_TYPE_PUMP: UnitType
UNIT_TYPE_COMPRESSOR: UnitType
UNIT_TYPE_BLOWER: UnitType
UNIT_TYPE_TURBINE: UnitType
UNIT_TYPE_EXPANDER: UnitType
UNIT_TYPE_MIXER: UnitType
UNIT_TYPE_SPLITTER: UnitType
UNIT_TYPE_VALVE: UnitType
UNIT_TYPE_TANK: UnitType
UNIT_TYPE_VESSEL: UnitType
UNIT_TYPE_OTHER: UnitType
PHASE_UNSPECIFIED: Phase
PHASE_VAPOR: Phase
PHASE_LIQUID: Phase
PHASE_SOLID: Phase
PHASE_VAPOR_LIQUID: Phase
PHASE_LIQUID_LIQUID: Phase
PHASE_SOLID_LIQUID: Phase
PHASE_SOLID_VAPOR: Phase
PHASE_SUPERCRITICAL: Phase
COMPOSITION_BASIS_UNSPECIFIED: CompositionBasis
COMPOSITION_BASIS_MASS: CompositionBasis
COMPOSITION_BASIS_MOLE: CompositionBasis
INSTRUMENT_TYPE_UNSPECIFIED: InstrumentType
INSTRUMENT_TYPE_PRIMARY_ELEMENT: InstrumentType
INSTRUMENT_TYPE_TRANSMITTER: InstrumentType
INSTRUMENT_TYPE_INDICATOR: InstrumentType
INSTRUMENT_TYPE_RECORDER: InstrumentType
INSTRUMENT_TYPE_GAUGE: InstrumentType
INSTRUMENT_TYPE_ANALYZER: InstrumentType
INSTRUMENT_TYPE_CONTROLLER: InstrumentType
INSTRUMENT_TYPE_SWITCH: InstrumentType
INSTRUMENT_TYPE_HAND_SWITCH: InstrumentType
INSTRUMENT_TYPE_ALARM: InstrumentType
INSTRUMENT_TYPE_RELAY: InstrumentType
INSTRUMENT_TYPE_CONTROL_VALVE: InstrumentType
INSTRUMENT_TYPE_ON_OFF_VALVE: InstrumentType
INSTRUMENT_TYPE_SAFETY_VALVE: InstrumentType
INSTRUMENT_TYPE_RUPTURE_DISC: InstrumentType
INSTRUMENT_TYPE_ACTUATOR: InstrumentType
INSTRUMENT_TYPE_ORIFICE: InstrumentType
INSTRUMENT_TYPE_OTHER: InstrumentType
MEASURED_VARIABLE_UNSPECIFIED: MeasuredVariable
MEASURED_VARIABLE_FLOW: MeasuredVariable
MEASURED_VARIABLE_LEVEL: MeasuredVariable
MEASURED_VARIABLE_PRESSURE: MeasuredVariable
MEASURED_VARIABLE_TEMPERATURE: MeasuredVariable
MEASURED_VARIABLE_ANALYSIS: MeasuredVariable
MEASURED_VARIABLE_SPEED: MeasuredVariable
MEASURED_VARIABLE_WEIGHT: MeasuredVariable
MEASURED_VARIABLE_POSITION: MeasuredVariable
MEASURED_VARIABLE_DENSITY: MeasuredVariable
MEASURED_VARIABLE_VIBRATION: MeasuredVariable
MEASURED_VARIABLE_POWER: MeasuredVariable
CONTROL_STRATEGY_UNSPECIFIED: ControlStrategy
CONTROL_STRATEGY_FEEDBACK: ControlStrategy
CONTROL_STRATEGY_FEEDFORWARD: ControlStrategy
CONTROL_STRATEGY_CASCADE: ControlStrategy
CONTROL_STRATEGY_RATIO: ControlStrategy
VALIDATION_STATUS_UNSPECIFIED: ValidationStatus
VALIDATION_STATUS_PASSED: ValidationStatus
VALIDATION_STATUS_PASSED_WITH_WARNINGS: ValidationStatus
VALIDATION_STATUS_FAILED: ValidationStatus
VALIDATION_STATUS_ERROR: ValidationStatus
VALIDATION_STATUS_SKIPPED: ValidationStatus

class Design(_message.Message):
    __slots__ = ("id", "chemical", "created_at", "process_context", "pfd", "pid", "critique", "validation", "provenance")
    ID_FIELD_NUMBER: _ClassVar[int]
    CHEMICAL_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    PROCESS_CONTEXT_FIELD_NUMBER: _ClassVar[int]
    PFD_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    CRITIQUE_FIELD_NUMBER: _ClassVar[int]
    VALIDATION_FIELD_NUMBER: _ClassVar[int]
    PROVENANCE_FIELD_NUMBER: _ClassVar[int]
    id: str
    chemical: str
    created_at: _timestamp_pb2.Timestamp
    process_context: ProcessContext
    pfd: Pfd
    pid: Pid
    critique: Critique
    validation: ValidationReport
    provenance: Provenance
    def __init__(self, id: _Optional[str] = ..., chemical: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., process_context: _Optional[_Union[ProcessContext, _Mapping]] = ..., pfd: _Optional[_Union[Pfd, _Mapping]] = ..., pid: _Optional[_Union[Pid, _Mapping]] = ..., critique: _Optional[_Union[Critique, _Mapping]] = ..., validation: _Optional[_Union[ValidationReport, _Mapping]] = ..., provenance: _Optional[_Union[Provenance, _Mapping]] = ...) -> None: ...

class ProcessContext(_message.Message):
    __slots__ = ("summary", "route", "reactions", "conditions", "purification", "by_products", "recycles", "heat_integration", "safety")
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    ROUTE_FIELD_NUMBER: _ClassVar[int]
    REACTIONS_FIELD_NUMBER: _ClassVar[int]
    CONDITIONS_FIELD_NUMBER: _ClassVar[int]
    PURIFICATION_FIELD_NUMBER: _ClassVar[int]
    BY_PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    RECYCLES_FIELD_NUMBER: _ClassVar[int]
    HEAT_INTEGRATION_FIELD_NUMBER: _ClassVar[int]
    SAFETY_FIELD_NUMBER: _ClassVar[int]
    summary: str
    route: str
    reactions: _containers.RepeatedScalarFieldContainer[str]
    conditions: _containers.RepeatedScalarFieldContainer[str]
    purification: _containers.RepeatedScalarFieldContainer[str]
    by_products: _containers.RepeatedScalarFieldContainer[str]
    recycles: _containers.RepeatedScalarFieldContainer[str]
    heat_integration: _containers.RepeatedScalarFieldContainer[str]
    safety: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, summary: _Optional[str] = ..., route: _Optional[str] = ..., reactions: _Optional[_Iterable[str]] = ..., conditions: _Optional[_Iterable[str]] = ..., purification: _Optional[_Iterable[str]] = ..., by_products: _Optional[_Iterable[str]] = ..., recycles: _Optional[_Iterable[str]] = ..., heat_integration: _Optional[_Iterable[str]] = ..., safety: _Optional[_Iterable[str]] = ...) -> None: ...

class Pfd(_message.Message):
    __slots__ = ("description", "flowsheet")
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    FLOWSHEET_FIELD_NUMBER: _ClassVar[int]
    description: str
    flowsheet: Flowsheet
    def __init__(self, description: _Optional[str] = ..., flowsheet: _Optional[_Union[Flowsheet, _Mapping]] = ...) -> None: ...

class Flowsheet(_message.Message):
    __slots__ = ("components", "units", "streams", "reactions")
    COMPONENTS_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    STREAMS_FIELD_NUMBER: _ClassVar[int]
    REACTIONS_FIELD_NUMBER: _ClassVar[int]
    components: _containers.RepeatedCompositeFieldContainer[Component]
    units: _containers.RepeatedCompositeFieldContainer[Unit]
    streams: _containers.RepeatedCompositeFieldContainer[Stream]
    reactions: _containers.RepeatedCompositeFieldContainer[Reaction]
    def __init__(self, components: _Optional[_Iterable[_Union[Component, _Mapping]]] = ..., units: _Optional[_Iterable[_Union[Unit, _Mapping]]] = ..., streams: _Optional[_Iterable[_Union[Stream, _Mapping]]] = ..., reactions: _Optional[_Iterable[_Union[Reaction, _Mapping]]] = ...) -> None: ...

class Component(_message.Message):
    __slots__ = ("name", "formula", "cas")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FORMULA_FIELD_NUMBER: _ClassVar[int]
    CAS_FIELD_NUMBER: _ClassVar[int]
    name: str
    formula: str
    cas: str
    def __init__(self, name: _Optional[str] = ..., formula: _Optional[str] = ..., cas: _Optional[str] = ...) -> None: ...

class Unit(_message.Message):
    __slots__ = ("tag", "type", "name", "description", "temperature", "pressure", "duty", "parameters", "reaction_ids")
    class ParametersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _common_pb2.Quantity
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_common_pb2.Quantity, _Mapping]] = ...) -> None: ...
    TAG_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    PRESSURE_FIELD_NUMBER: _ClassVar[int]
    DUTY_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    REACTION_IDS_FIELD_NUMBER: _ClassVar[int]
    tag: str
    type: UnitType
    name: str
    description: str
    temperature: _common_pb2.Quantity
    pressure: _common_pb2.Quantity
    duty: _common_pb2.Quantity
    parameters: _containers.MessageMap[str, _common_pb2.Quantity]
    reaction_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, tag: _Optional[str] = ..., type: _Optional[_Union[UnitType, str]] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., temperature: _Optional[_Union[_common_pb2.Quantity, _Mapping]] = ..., pressure: _Optional[_Union[_common_pb2.Quantity, _Mapping]] = ..., duty: _Optional[_Union[_common_pb2.Quantity, _Mapping]] = ..., parameters: _Optional[_Mapping[str, _common_pb2.Quantity]] = ..., reaction_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class Composition(_message.Message):
    __slots__ = ("basis", "fractions")
    class FractionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    BASIS_FIELD_NUMBER: _ClassVar[int]
    FRACTIONS_FIELD_NUMBER: _ClassVar[int]
    basis: CompositionBasis
    fractions: _containers.ScalarMap[str, float]
    def __init__(self, basis: _Optional[_Union[CompositionBasis, str]] = ..., fractions: _Optional[_Mapping[str, float]] = ...) -> None: ...

class Stream(_message.Message):
    __slots__ = ("id", "name", "description", "from_unit", "to_unit", "phase", "temperature", "pressure", "flow", "composition")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    FROM_UNIT_FIELD_NUMBER: _ClassVar[int]
    TO_UNIT_FIELD_NUMBER: _ClassVar[int]
    PHASE_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    PRESSURE_FIELD_NUMBER: _ClassVar[int]
    FLOW_FIELD_NUMBER: _ClassVar[int]
    COMPOSITION_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    description: str
    from_unit: str
    to_unit: str
    phase: Phase
    temperature: _common_pb2.Quantity
    pressure: _common_pb2.Quantity
    flow: _common_pb2.Quantity
    composition: Composition
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., from_unit: _Optional[str] = ..., to_unit: _Optional[str] = ..., phase: _Optional[_Union[Phase, str]] = ..., temperature: _Optional[_Union[_common_pb2.Quantity, _Mapping]] = ..., pressure: _Optional[_Union[_common_pb2.Quantity, _Mapping]] = ..., flow: _Optional[_Union[_common_pb2.Quantity, _Mapping]] = ..., composition: _Optional[_Union[Composition, _Mapping]] = ...) -> None: ...

class Reaction(_message.Message):
    __slots__ = ("id", "name", "stoichiometry", "key_reactant", "conversion", "extent", "heat_of_reaction", "phase", "catalyst")
    class StoichiometryEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STOICHIOMETRY_FIELD_NUMBER: _ClassVar[int]
    KEY_REACTANT_FIELD_NUMBER: _ClassVar[int]
    CONVERSION_FIELD_NUMBER: _ClassVar[int]
    EXTENT_FIELD_NUMBER: _ClassVar[int]
    HEAT_OF_REACTION_FIELD_NUMBER: _ClassVar[int]
    PHASE_FIELD_NUMBER: _ClassVar[int]
    CATALYST_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    stoichiometry: _containers.ScalarMap[str, float]
    key_reactant: str
    conversion: float
    extent: _common_pb2.Quantity
    heat_of_reaction: _common_pb2.Quantity
    phase: Phase
    catalyst: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., stoichiometry: _Optional[_Mapping[str, float]] = ..., key_reactant: _Optional[str] = ..., conversion: _Optional[float] = ..., extent: _Optional[_Union[_common_pb2.Quantity, _Mapping]] = ..., heat_of_reaction: _Optional[_Union[_common_pb2.Quantity, _Mapping]] = ..., phase: _Optional[_Union[Phase, str]] = ..., catalyst: _Optional[str] = ...) -> None: ...

class Pid(_message.Message):
    __slots__ = ("description", "instrumentation")
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    INSTRUMENTATION_FIELD_NUMBER: _ClassVar[int]
    description: str
    instrumentation: Instrumentation
    def __init__(self, description: _Optional[str] = ..., instrumentation: _Optional[_Union[Instrumentation, _Mapping]] = ...) -> None: ...

class Instrumentation(_message.Message):
    __slots__ = ("instruments", "control_loops", "relief_valves", "interlocks", "esd_systems", "line_specs")
    INSTRUMENTS_FIELD_NUMBER: _ClassVar[int]
    CONTROL_LOOPS_FIELD_NUMBER: _ClassVar[int]
    RELIEF_VALVES_FIELD_NUMBER: _ClassVar[int]
    INTERLOCKS_FIELD_NUMBER: _ClassVar[int]
    ESD_SYSTEMS_FIELD_NUMBER: _ClassVar[int]
    LINE_SPECS_FIELD_NUMBER: _ClassVar[int]
    instruments: _containers.RepeatedCompositeFieldContainer[Instrument]
    control_loops: _containers.RepeatedCompositeFieldContainer[ControlLoop]
    relief_valves: _containers.RepeatedCompositeFieldContainer[ReliefValve]
    interlocks: _containers.RepeatedCompositeFieldContainer[Interlock]
    esd_systems: _containers.RepeatedCompositeFieldContainer[EmergencyShutdown]
    line_specs: _containers.RepeatedCompositeFieldContainer[LineSpec]
    def __init__(self, instruments: _Optional[_Iterable[_Union[Instrument, _Mapping]]] = ..., control_loops: _Optional[_Iterable[_Union[ControlLoop, _Mapping]]] = ..., relief_valves: _Optional[_Iterable[_Union[ReliefValve, _Mapping]]] = ..., interlocks: _Optional[_Iterable[_Union[Interlock, _Mapping]]] = ..., esd_systems: _Optional[_Iterable[_Union[EmergencyShutdown, _Mapping]]] = ..., line_specs: _Optional[_Iterable[_Union[LineSpec, _Mapping]]] = ...) -> None: ...

class Instrument(_message.Message):
    __slots__ = ("tag", "type", "description", "unit_tag", "stream_id")
    TAG_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    UNIT_TAG_FIELD_NUMBER: _ClassVar[int]
    STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    tag: str
    type: InstrumentType
    description: str
    unit_tag: str
    stream_id: str
    def __init__(self, tag: _Optional[str] = ..., type: _Optional[_Union[InstrumentType, str]] = ..., description: _Optional[str] = ..., unit_tag: _Optional[str] = ..., stream_id: _Optional[str] = ...) -> None: ...

class ControlLoop(_message.Message):
    __slots__ = ("id", "description", "measured_variable", "strategy", "sensor", "controller", "final_element", "manipulated_stream", "setpoint", "master_loop", "secondary_loop", "ratio", "wild_stream", "disturbance_measurement")
    ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    MEASURED_VARIABLE_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    SENSOR_FIELD_NUMBER: _ClassVar[int]
    CONTROLLER_FIELD_NUMBER: _ClassVar[int]
    FINAL_ELEMENT_FIELD_NUMBER: _ClassVar[int]
    MANIPULATED_STREAM_FIELD_NUMBER: _ClassVar[int]
    SETPOINT_FIELD_NUMBER: _ClassVar[int]
    MASTER_LOOP_FIELD_NUMBER: _ClassVar[int]
    SECONDARY_LOOP_FIELD_NUMBER: _ClassVar[int]
    RATIO_FIELD_NUMBER: _ClassVar[int]
    WILD_STREAM_FIELD_NUMBER: _ClassVar[int]
    DISTURBANCE_MEASUREMENT_FIELD_NUMBER: _ClassVar[int]
    id: str
    description: str
    measured_variable: MeasuredVariable
    strategy: ControlStrategy
    sensor: str
    controller: str
    final_element: str
    manipulated_stream: str
    setpoint: _common_pb2.Quantity
    master_loop: str
    secondary_loop: str
    ratio: float
    wild_stream: str
    disturbance_measurement: str
    def __init__(self, id: _Optional[str] = ..., description: _Optional[str] = ..., measured_variable: _Optional[_Union[MeasuredVariable, str]] = ..., strategy: _Optional[_Union[ControlStrategy, str]] = ..., sensor: _Optional[str] = ..., controller: _Optional[str] = ..., final_element: _Optional[str] = ..., manipulated_stream: _Optional[str] = ..., setpoint: _Optional[_Union[_common_pb2.Quantity, _Mapping]] = ..., master_loop: _Optional[str] = ..., secondary_loop: _Optional[str] = ..., ratio: _Optional[float] = ..., wild_stream: _Optional[str] = ..., disturbance_measurement: _Optional[str] = ...) -> None: ...

class ReliefValve(_message.Message):
    __slots__ = ("tag", "protected_unit", "set_pressure", "discharge_to", "relieving_rate", "scenario", "description")
    TAG_FIELD_NUMBER: _ClassVar[int]
    PROTECTED_UNIT_FIELD_NUMBER: _ClassVar[int]
    SET_PRESSURE_FIELD_NUMBER: _ClassVar[int]
    DISCHARGE_TO_FIELD_NUMBER: _ClassVar[int]
    RELIEVING_RATE_FIELD_NUMBER: _ClassVar[int]
    SCENARIO_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    tag: str
    protected_unit: str
    set_pressure: _common_pb2.Quantity
    discharge_to: str
    relieving_rate: _common_pb2.Quantity
    scenario: str
    description: str
    def __init__(self, tag: _Optional[str] = ..., protected_unit: _Optional[str] = ..., set_pressure: _Optional[_Union[_common_pb2.Quantity, _Mapping]] = ..., discharge_to: _Optional[str] = ..., relieving_rate: _Optional[_Union[_common_pb2.Quantity, _Mapping]] = ..., scenario: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class Interlock(_message.Message):
    __slots__ = ("id", "description", "trigger", "condition", "trip_setpoint", "actions", "final_elements", "sil")
    ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    TRIP_SETPOINT_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    FINAL_ELEMENTS_FIELD_NUMBER: _ClassVar[int]
    SIL_FIELD_NUMBER: _ClassVar[int]
    id: str
    description: str
    trigger: str
    condition: str
    trip_setpoint: _common_pb2.Quantity
    actions: _containers.RepeatedScalarFieldContainer[str]
    final_elements: _containers.RepeatedScalarFieldContainer[str]
    sil: int
    def __init__(self, id: _Optional[str] = ..., description: _Optional[str] = ..., trigger: _Optional[str] = ..., condition: _Optional[str] = ..., trip_setpoint: _Optional[_Union[_common_pb2.Quantity, _Mapping]] = ..., actions: _Optional[_Iterable[str]] = ..., final_elements: _Optional[_Iterable[str]] = ..., sil: _Optional[int] = ...) -> None: ...

class EmergencyShutdown(_message.Message):
    __slots__ = ("id", "description", "initiators", "actions", "final_elements")
    ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    INITIATORS_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    FINAL_ELEMENTS_FIELD_NUMBER: _ClassVar[int]
    id: str
    description: str
    initiators: _containers.RepeatedScalarFieldContainer[str]
    actions: _containers.RepeatedScalarFieldContainer[str]
    final_elements: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., description: _Optional[str] = ..., initiators: _Optional[_Iterable[str]] = ..., actions: _Optional[_Iterable[str]] = ..., final_elements: _Optional[_Iterable[str]] = ...) -> None: ...

class LineSpec(_message.Message):
    __slots__ = ("id", "service", "material", "pressure_class", "design_pressure", "design_temperature", "corrosion_allowance", "stream_ids")
    ID_FIELD_NUMBER: _ClassVar[int]
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    MATERIAL_FIELD_NUMBER: _ClassVar[int]
    PRESSURE_CLASS_FIELD_NUMBER: _ClassVar[int]
    DESIGN_PRESSURE_FIELD_NUMBER: _ClassVar[int]
    DESIGN_TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    CORROSION_ALLOWANCE_FIELD_NUMBER: _ClassVar[int]
    STREAM_IDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    service: str
    material: str
    pressure_class: str
    design_pressure: _common_pb2.Quantity
    design_temperature: _common_pb2.Quantity
    corrosion_allowance: _common_pb2.Quantity
    stream_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., service: _Optional[str] = ..., material: _Optional[str] = ..., pressure_class: _Optional[str] = ..., design_pressure: _Optional[_Union[_common_pb2.Quantity, _Mapping]] = ..., design_temperature: _Optional[_Union[_common_pb2.Quantity, _Mapping]] = ..., corrosion_allowance: _Optional[_Union[_common_pb2.Quantity, _Mapping]] = ..., stream_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class Critique(_message.Message):
    __slots__ = ("summary", "scores", "issues")
    class ScoresEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    SCORES_FIELD_NUMBER: _ClassVar[int]
    ISSUES_FIELD_NUMBER: _ClassVar[int]
    summary: str
    scores: _containers.ScalarMap[str, float]
    issues: _containers.RepeatedCompositeFieldContainer[_common_pb2.Issue]
    def __init__(self, summary: _Optional[str] = ..., scores: _Optional[_Mapping[str, float]] = ..., issues: _Optional[_Iterable[_Union[_common_pb2.Issue, _Mapping]]] = ...) -> None: ...

class LoopResult(_message.Message):
    __slots__ = ("loop_id", "stable", "overshoot", "settling_time", "rise_time", "iae", "messages")
    LOOP_ID_FIELD_NUMBER: _ClassVar[int]
    STABLE_FIELD_NUMBER: _ClassVar[int]
    OVERSHOOT_FIELD_NUMBER: _ClassVar[int]
    SETTLING_TIME_FIELD_NUMBER: _ClassVar[int]
    RISE_TIME_FIELD_NUMBER: _ClassVar[int]
    IAE_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    loop_id: str
    stable: bool
    overshoot: float
    settling_time: _common_pb2.Quantity
    rise_time: _common_pb2.Quantity
    iae: float
    messages: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, loop_id: _Optional[str] = ..., stable: _Optional[bool] = ..., overshoot: _Optional[float] = ..., settling_time: _Optional[_Union[_common_pb2.Quantity, _Mapping]] = ..., rise_time: _Optional[_Union[_common_pb2.Quantity, _Mapping]] = ..., iae: _Optional[float] = ..., messages: _Optional[_Iterable[str]] = ...) -> None: ...

class ValidationReport(_message.Message):
    __slots__ = ("status", "simulator", "converged", "mass_balance_closure", "unit_mass_balance_closure", "energy_duties", "loop_results", "messages", "issues", "validated_at")
    class UnitMassBalanceClosureEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    class EnergyDutiesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _common_pb2.Quantity
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_common_pb2.Quantity, _Mapping]] = ...) -> None: ...
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SIMULATOR_FIELD_NUMBER: _ClassVar[int]
    CONVERGED_FIELD_NUMBER: _ClassVar[int]
    MASS_BALANCE_CLOSURE_FIELD_NUMBER: _ClassVar[int]
    UNIT_MASS_BALANCE_CLOSURE_FIELD_NUMBER: _ClassVar[int]
    ENERGY_DUTIES_FIELD_NUMBER: _ClassVar[int]
    LOOP_RESULTS_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    ISSUES_FIELD_NUMBER: _ClassVar[int]
    VALIDATED_AT_FIELD_NUMBER: _ClassVar[int]
    status: ValidationStatus
    simulator: str
    converged: bool
    mass_balance_closure: float
    unit_mass_balance_closure: _containers.ScalarMap[str, float]
    energy_duties: _containers.MessageMap[str, _common_pb2.Quantity]
    loop_results: _containers.RepeatedCompositeFieldContainer[LoopResult]
    messages: _containers.RepeatedScalarFieldContainer[str]
    issues: _containers.RepeatedCompositeFieldContainer[_common_pb2.Issue]
    validated_at: _timestamp_pb2.Timestamp
    def __init__(self, status: _Optional[_Union[ValidationStatus, str]] = ..., simulator: _Optional[str] = ..., converged: _Optional[bool] = ..., mass_balance_closure: _Optional[float] = ..., unit_mass_balance_closure: _Optional[_Mapping[str, float]] = ..., energy_duties: _Optional[_Mapping[str, _common_pb2.Quantity]] = ..., loop_results: _Optional[_Iterable[_Union[LoopResult, _Mapping]]] = ..., messages: _Optional[_Iterable[str]] = ..., issues: _Optional[_Iterable[_Union[_common_pb2.Issue, _Mapping]]] = ..., validated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Citation(_message.Message):
    __slots__ = ("path", "kg_fact_ids", "document_uris", "chunk_ids", "quote")
    PATH_FIELD_NUMBER: _ClassVar[int]
    KG_FACT_IDS_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_URIS_FIELD_NUMBER: _ClassVar[int]
    CHUNK_IDS_FIELD_NUMBER: _ClassVar[int]
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    path: str
    kg_fact_ids: _containers.RepeatedScalarFieldContainer[str]
    document_uris: _containers.RepeatedScalarFieldContainer[str]
    chunk_ids: _containers.RepeatedScalarFieldContainer[str]
    quote: str
    def __init__(self, path: _Optional[str] = ..., kg_fact_ids: _Optional[_Iterable[str]] = ..., document_uris: _Optional[_Iterable[str]] = ..., chunk_ids: _Optional[_Iterable[str]] = ..., quote: _Optional[str] = ...) -> None: ...

class Provenance(_message.Message):
    __slots__ = ("citations",)
    CITATIONS_FIELD_NUMBER: _ClassVar[int]
    citations: _containers.RepeatedCompositeFieldContainer[Citation]
    def __init__(self, citations: _Optional[_Iterable[_Union[Citation, _Mapping]]] = ...) -> None: ...
