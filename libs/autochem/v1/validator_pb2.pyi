from autochem.v1 import design_pb2 as _design_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FlowsheetTarget(_message.Message):
    __slots__ = ("flowsheet", "instrumentation")
    FLOWSHEET_FIELD_NUMBER: _ClassVar[int]
    INSTRUMENTATION_FIELD_NUMBER: _ClassVar[int]
    flowsheet: _design_pb2.Flowsheet
    instrumentation: _design_pb2.Instrumentation
    def __init__(self, flowsheet: _Optional[_Union[_design_pb2.Flowsheet, _Mapping]] = ..., instrumentation: _Optional[_Union[_design_pb2.Instrumentation, _Mapping]] = ...) -> None: ...

class ValidateOptions(_message.Message):
    __slots__ = ("backend", "thermo_package", "run_dynamics", "closure_tolerance", "max_overshoot", "max_settling_time_s")
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    THERMO_PACKAGE_FIELD_NUMBER: _ClassVar[int]
    RUN_DYNAMICS_FIELD_NUMBER: _ClassVar[int]
    CLOSURE_TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    MAX_OVERSHOOT_FIELD_NUMBER: _ClassVar[int]
    MAX_SETTLING_TIME_S_FIELD_NUMBER: _ClassVar[int]
    backend: str
    thermo_package: str
    run_dynamics: bool
    closure_tolerance: float
    max_overshoot: float
    max_settling_time_s: float
    def __init__(self, backend: _Optional[str] = ..., thermo_package: _Optional[str] = ..., run_dynamics: _Optional[bool] = ..., closure_tolerance: _Optional[float] = ..., max_overshoot: _Optional[float] = ..., max_settling_time_s: _Optional[float] = ...) -> None: ...

class ValidateRequest(_message.Message):
    __slots__ = ("design", "flowsheet", "options")
    DESIGN_FIELD_NUMBER: _ClassVar[int]
    FLOWSHEET_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    design: _design_pb2.Design
    flowsheet: FlowsheetTarget
    options: ValidateOptions
    def __init__(self, design: _Optional[_Union[_design_pb2.Design, _Mapping]] = ..., flowsheet: _Optional[_Union[FlowsheetTarget, _Mapping]] = ..., options: _Optional[_Union[ValidateOptions, _Mapping]] = ...) -> None: ...
