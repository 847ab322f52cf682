"""Lossless conversion between the domain models and the ``autochem.v1`` protobuf messages.

The proto messages in design.proto mirror the models field for field (same names), so conversion walks the
proto descriptor: None <-> unset (proto3 ``optional`` scalars, message presence, or ``*_UNSPECIFIED`` for an
optional enum); lists <-> repeated fields; dicts <-> maps; datetimes <-> Timestamp (UTC); domain enum value
``reactor_cstr`` <-> proto ``UNIT_TYPE_REACTOR_CSTR``. A schema-parity test keeps the two sides in step.

Errors, proto -> domain: always :class:`autochem.errors.InvalidArgument`, whose ``field`` is the path of
the offending field in the message (``pfd.flowsheet.units[2].temperature.unit``: positions, because the
identifiers themselves may be what is wrong), and whose ``reason`` carries pydantic's message (plus a count
of further errors). A required enum left UNSPECIFIED or a required message left unset is reported as required.
Only content is checked here; references between objects are the job of :func:`validate_design`.

Precision: Timestamp nanoseconds below one microsecond are truncated (Python datetimes hold microseconds);
everything else survives both ways exactly.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel, ValidationError

from autochem.domain.design import Critique, Design, Provenance, ValidationReport
from autochem.domain.flowsheet import Flowsheet
from autochem.domain.instrumentation import Instrumentation
from autochem.domain.issues import Issue
from autochem.errors import InvalidArgument
from autochem.v1 import common_pb2, design_pb2

ModelT = TypeVar("ModelT", bound=BaseModel)

_TIMESTAMP = Timestamp.DESCRIPTOR.full_name


def _proto_class(model_type: type[BaseModel]) -> type[Message]:
    for module in (design_pb2, common_pb2):
        cls = getattr(module, model_type.__name__, None)
        if cls is not None:
            return cls
    raise TypeError(f"no autochem.v1 message named {model_type.__name__}")


# ------------------------------------------------------------------------------------------ domain -> proto


def to_proto(model: BaseModel) -> Message:
    """The ``autochem.v1`` message (same name as the model's class) holding ``model``."""
    message = _proto_class(type(model))()
    _fill(message, model)
    return message


def _fill(message: Message, model: BaseModel) -> None:
    descriptor = message.DESCRIPTOR
    for name in type(model).model_fields:
        value = getattr(model, name)
        field = descriptor.fields_by_name.get(name)
        if field is None:
            raise TypeError(f"{descriptor.full_name} has no field {name!r} (domain and proto out of step)")
        if value is not None:
            _set(message, field, value)


def _set(message: Message, field: FieldDescriptor, value: Any) -> None:
    name = field.name
    if _is_map(field):
        target = getattr(message, name)
        value_field = field.message_type.fields_by_name["value"]
        for key, item in value.items():
            if value_field.type == FieldDescriptor.TYPE_MESSAGE:
                _fill(target[key], item)
            else:
                target[key] = _scalar_to_proto(value_field, item)
    elif field.is_repeated:
        target = getattr(message, name)
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            for item in value:
                _fill(target.add(), item)
        else:
            target.extend(_scalar_to_proto(field, item) for item in value)
    elif field.type == FieldDescriptor.TYPE_MESSAGE:
        target = getattr(message, name)
        if field.message_type.full_name == _TIMESTAMP:
            target.FromDatetime(value)
        else:
            target.SetInParent()  # present even when every field is at its default
            _fill(target, value)
    else:
        setattr(message, name, _scalar_to_proto(field, value))


def _scalar_to_proto(field: FieldDescriptor, value: Any) -> Any:
    if field.type == FieldDescriptor.TYPE_ENUM:
        return _enum_number(field.enum_type, value)
    return value


def _enum_prefix(enum: EnumDescriptor) -> str:
    # UnitType -> "UNIT_TYPE_"
    out = []
    for i, char in enumerate(enum.name):
        if char.isupper() and i > 0:
            out.append("_")
        out.append(char.upper())
    return "".join(out) + "_"


def _enum_number(enum: EnumDescriptor, value: StrEnum) -> int:
    wanted = str(value.value).upper()
    for name in (_enum_prefix(enum) + wanted, wanted):
        if name in enum.values_by_name:
            return enum.values_by_name[name].number
    raise TypeError(f"{enum.full_name} has no value for {value!r} (domain and proto out of step)")


# ------------------------------------------------------------------------------------------ proto -> domain


def from_proto(message: Message, model_type: type[ModelT], path: str = "") -> ModelT:
    """The domain model held by ``message``; InvalidArgument naming the field path on bad content.

    ``path`` prefixes error paths when the message is part of a larger request.
    """
    data = _to_data(message, path)
    try:
        return model_type.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0]
        where, field = _loc_path(message.DESCRIPTOR, first["loc"], path)
        reason = first["msg"]
        if first["type"] == "missing" and field is not None:
            reason = (
                f"required: {field.enum_type.name} must not be UNSPECIFIED"
                if field.type == FieldDescriptor.TYPE_ENUM
                else "required field is unset"
            )
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InvalidArgument(where, f"{reason}{more}") from exc


def _to_data(message: Message, path: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in message.DESCRIPTOR.fields:
        name = field.name
        at = f"{path}.{name}" if path else name
        value = getattr(message, name)
        if _is_map(field):
            value_field = field.message_type.fields_by_name["value"]
            data[name] = {
                key: _value_to_data(value_field, item, f"{at}[{key}]") for key, item in value.items()
            }
        elif field.is_repeated:
            data[name] = [_value_to_data(field, item, f"{at}[{i}]") for i, item in enumerate(value)]
        elif field.has_presence and not message.HasField(name):
            continue
        elif field.type == FieldDescriptor.TYPE_ENUM and value == 0:
            continue  # UNSPECIFIED: absent (an error later if the domain field is required)
        else:
            data[name] = _value_to_data(field, value, at)
    return data


def _value_to_data(field: FieldDescriptor, value: Any, at: str) -> Any:
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        if field.message_type.full_name == _TIMESTAMP:
            return _timestamp_to_datetime(value, at)
        return _to_data(value, at)
    if field.type == FieldDescriptor.TYPE_ENUM:
        enum = field.enum_type
        described = enum.values_by_number.get(value)
        if described is None or value == 0:
            raise InvalidArgument(at, f"{value} is not a valid {enum.name}")
        prefix = _enum_prefix(enum)
        return described.name.removeprefix(prefix).lower()
    return value


def _timestamp_to_datetime(stamp: Timestamp, at: str) -> datetime:
    try:
        return stamp.ToDatetime(tzinfo=UTC)
    except (ValueError, OverflowError) as exc:
        raise InvalidArgument(at, f"timestamp out of range: {exc}") from None


def _loc_path(
    descriptor: Descriptor, loc: tuple[Any, ...], prefix: str
) -> tuple[str, FieldDescriptor | None]:
    """Turn a pydantic error location into a path, using the descriptor to tell map keys from fields.

    Also returns the descriptor of the last field named, when the location ends on one.
    """
    path = prefix
    current: Descriptor | None = descriptor
    pending: FieldDescriptor | None = None  # a map/repeated field whose key/index comes next
    field: FieldDescriptor | None = None
    for part in loc:
        if pending is not None:
            path += f"[{part}]"
            value_type = pending.message_type.fields_by_name["value"] if _is_map(pending) else pending
            current = value_type.message_type if value_type.type == FieldDescriptor.TYPE_MESSAGE else None
            pending = field = None
            continue
        field = current.fields_by_name.get(str(part)) if current is not None else None
        path = f"{path}.{part}" if path else str(part)
        if field is None:
            current = None
        elif _is_map(field) or field.is_repeated:
            pending = field
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            current = field.message_type
        else:
            current = None
    return path, field


def _is_map(field: FieldDescriptor) -> bool:
    return (
        field.type == FieldDescriptor.TYPE_MESSAGE
        and field.is_repeated
        and field.message_type.GetOptions().map_entry
    )


# ------------------------------------------------------------------------------------------ named entry points


def design_to_proto(design: Design) -> design_pb2.Design:
    return to_proto(design)  # type: ignore[return-value]


def design_from_proto(message: design_pb2.Design) -> Design:
    """Raises InvalidArgument (``field`` = path such as ``pfd.flowsheet.streams[0].flow``) on bad content."""
    return from_proto(message, Design)


def flowsheet_to_proto(flowsheet: Flowsheet) -> design_pb2.Flowsheet:
    return to_proto(flowsheet)  # type: ignore[return-value]


def flowsheet_from_proto(message: design_pb2.Flowsheet, path: str = "") -> Flowsheet:
    return from_proto(message, Flowsheet, path)


def instrumentation_to_proto(instrumentation: Instrumentation) -> design_pb2.Instrumentation:
    return to_proto(instrumentation)  # type: ignore[return-value]


def instrumentation_from_proto(message: design_pb2.Instrumentation, path: str = "") -> Instrumentation:
    return from_proto(message, Instrumentation, path)


def critique_to_proto(critique: Critique) -> design_pb2.Critique:
    return to_proto(critique)  # type: ignore[return-value]


def critique_from_proto(message: design_pb2.Critique, path: str = "") -> Critique:
    return from_proto(message, Critique, path)


def validation_report_to_proto(report: ValidationReport) -> design_pb2.ValidationReport:
    return to_proto(report)  # type: ignore[return-value]


def validation_report_from_proto(message: design_pb2.ValidationReport, path: str = "") -> ValidationReport:
    return from_proto(message, ValidationReport, path)


def provenance_to_proto(provenance: Provenance) -> design_pb2.Provenance:
    return to_proto(provenance)  # type: ignore[return-value]


def provenance_from_proto(message: design_pb2.Provenance, path: str = "") -> Provenance:
    return from_proto(message, Provenance, path)


def issue_to_proto(issue: Issue) -> common_pb2.Issue:
    return to_proto(issue)  # type: ignore[return-value]


def issue_from_proto(message: common_pb2.Issue, path: str = "") -> Issue:
    return from_proto(message, Issue, path)
