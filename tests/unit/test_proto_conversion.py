"""Lossless conversion domain <-> autochem.v1 protobuf (and JSON), schema parity, and error paths."""

from __future__ import annotations

import types
import typing
from datetime import UTC, datetime
from enum import StrEnum

import pytest
from google.protobuf.descriptor import FieldDescriptor
from pydantic import AwareDatetime, BaseModel

import autochem.domain as domain
from autochem.domain import (
    Critique,
    Design,
    Flowsheet,
    Instrumentation,
    Issue,
    Provenance,
    Severity,
    ValidationReport,
    critique_from_proto,
    critique_to_proto,
    design_from_proto,
    design_to_proto,
    flowsheet_from_proto,
    flowsheet_to_proto,
    instrumentation_from_proto,
    instrumentation_to_proto,
    issue_from_proto,
    issue_to_proto,
    provenance_from_proto,
    provenance_to_proto,
    validation_report_from_proto,
    validation_report_to_proto,
)
from autochem.domain.convert import _enum_number, _proto_class
from autochem.domain.random_designs import random_design
from autochem.errors import InvalidArgument
from autochem.v1 import common_pb2, design_pb2
from tests.unit.domain_samples import annotated_nitric_acid_design as nitric_acid_design

SEEDS = range(200)


def _models() -> list[type[BaseModel]]:
    return [obj for obj in vars(domain).values() if isinstance(obj, type) and issubclass(obj, BaseModel)]


def _unwrap(annotation):
    """(inner type, optional?) with Annotated and Optional peeled off."""
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            assert len(args) == 1, annotation
            annotation = args[0]
        else:
            return annotation, optional


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.__name__)
def test_schema_parity_with_proto(model):
    """Same field names; None-able scalars have proto presence; required/optional messages line up."""
    descriptor = _proto_class(model).DESCRIPTOR
    assert set(model.model_fields) == set(descriptor.fields_by_name), model.__name__
    for name, info in model.model_fields.items():
        field = descriptor.fields_by_name[name]
        inner, optional = _unwrap(info.annotation)
        origin = typing.get_origin(inner)
        if origin is list:
            assert field.is_repeated, name
            assert field.message_type is None or not field.message_type.GetOptions().map_entry, name
        elif origin is dict:
            assert field.message_type is not None and field.message_type.GetOptions().map_entry, name
        elif isinstance(inner, type) and issubclass(inner, StrEnum):
            assert field.type == FieldDescriptor.TYPE_ENUM, name  # None is carried by *_UNSPECIFIED
            assert optional or info.is_required(), name
        elif (isinstance(inner, type) and issubclass(inner, BaseModel)) or inner in (datetime, AwareDatetime):
            assert field.type == FieldDescriptor.TYPE_MESSAGE and not field.is_repeated, name
            assert optional or info.is_required(), (
                f"{model.__name__}.{name}: a defaulted message would not round-trip"
            )
        else:
            assert field.has_presence == optional, (
                f"{model.__name__}.{name}: proto presence must match None-ability"
            )


@pytest.mark.parametrize(
    "enum",
    [
        domain.UnitType,
        domain.Phase,
        domain.CompositionBasis,
        domain.InstrumentType,
        domain.MeasuredVariable,
        domain.ControlStrategy,
        domain.ValidationStatus,
        domain.Severity,
    ],
)
def test_enums_map_one_to_one(enum):
    proto_enum = common_pb2.Issue.Severity if enum is Severity else getattr(design_pb2, enum.__name__)
    descriptor = proto_enum.DESCRIPTOR
    assert descriptor.values_by_number[0].name.endswith("UNSPECIFIED")
    numbers = {_enum_number(descriptor, member) for member in enum}
    assert numbers == {v.number for v in descriptor.values if v.number != 0}


def test_reference_design_round_trips():
    design = nitric_acid_design()
    message = design_to_proto(design)
    assert isinstance(message, design_pb2.Design)
    assert design_from_proto(message) == design
    assert design_to_proto(design_from_proto(message)) == message
    wire = design_pb2.Design.FromString(message.SerializeToString())
    assert design_from_proto(wire) == design
    assert Design.model_validate_json(design.model_dump_json()) == design


@pytest.mark.parametrize("seed", SEEDS)
def test_random_designs_round_trip_losslessly(seed):
    design = random_design(seed)
    message = design_to_proto(design)
    back = design_from_proto(design_pb2.Design.FromString(message.SerializeToString()))
    assert back == design
    assert back.model_dump() == design.model_dump()  # same values *and* None/0/"" where they were
    assert design_to_proto(back) == message
    assert Design.model_validate_json(design.model_dump_json()) == design


def test_random_designs_cover_the_interesting_cases():
    designs = [random_design(seed) for seed in SEEDS]
    assert any(d.pfd is None for d in designs) and any(d.pid is None for d in designs)
    assert any(d.validation and d.validation.validated_at for d in designs)
    streams = [s for d in designs if d.pfd for s in d.pfd.flowsheet.streams]
    assert any(s.temperature and s.temperature.value == 0.0 for s in streams)
    assert any(s.temperature is None for s in streams)
    assert any(s.from_unit is None for s in streams) and any(s.to_unit is None for s in streams)
    assert any(not s.id.isascii() for s in streams)
    reactions = [r for d in designs if d.pfd for r in d.pfd.flowsheet.reactions]
    assert any(r.conversion == 0.0 for r in reactions) and any(r.conversion is None for r in reactions)
    loops = [lp for d in designs if d.pid for lp in d.pid.instrumentation.control_loops]
    assert {lp.strategy for lp in loops} == set(domain.ControlStrategy)


def test_none_zero_and_empty_stay_distinct():
    design = nitric_acid_design()
    streams = design.pfd.flowsheet.streams
    streams[0].name = ""  # empty, not None
    streams[1].name = None
    reaction = design.pfd.flowsheet.reactions[0]
    reaction.conversion = 0.0  # zero, not None
    design.pfd.flowsheet.reactions[1].conversion = None
    design.pid.instrumentation.interlocks[0].sil = None
    design.validation = ValidationReport(
        status=domain.ValidationStatus.SKIPPED, converged=False, mass_balance_closure=0.0
    )
    design.critique = Critique()  # present but empty, not None
    design.provenance = Provenance()
    back = design_from_proto(design_to_proto(design))
    assert back.pfd.flowsheet.streams[0].name == ""
    assert back.pfd.flowsheet.streams[1].name is None
    assert back.pfd.flowsheet.reactions[0].conversion == 0.0
    assert back.pfd.flowsheet.reactions[1].conversion is None
    assert back.pid.instrumentation.interlocks[0].sil is None
    assert back.validation.converged is False and back.validation.simulator is None
    assert back.validation.mass_balance_closure == 0.0 and back.validation.validated_at is None
    assert back.critique == Critique() and back.provenance == Provenance()
    assert back == design


def test_absent_parts_are_unset_in_proto():
    design = Design(id="d-1", chemical="x", created_at=datetime(2025, 1, 1, 12, 0, 0, 123456, tzinfo=UTC))
    message = design_to_proto(design)
    for part in ("process_context", "pfd", "pid", "critique", "validation", "provenance"):
        assert not message.HasField(part)
    assert message.created_at.nanos == 123456000
    assert design_from_proto(message) == design


def test_sub_message_converters_round_trip():
    design = nitric_acid_design()
    design.validation = ValidationReport(
        status=domain.ValidationStatus.PASSED,
        converged=True,
        energy_duties={"E-102": {"value": -33, "unit": "MW"}},
        validated_at=datetime(2025, 2, 3, tzinfo=UTC),
    )
    pairs = [
        (design.pfd.flowsheet, flowsheet_to_proto, flowsheet_from_proto, design_pb2.Flowsheet),
        (
            design.pid.instrumentation,
            instrumentation_to_proto,
            instrumentation_from_proto,
            design_pb2.Instrumentation,
        ),
        (design.critique, critique_to_proto, critique_from_proto, design_pb2.Critique),
        (
            design.validation,
            validation_report_to_proto,
            validation_report_from_proto,
            design_pb2.ValidationReport,
        ),
        (design.provenance, provenance_to_proto, provenance_from_proto, design_pb2.Provenance),
        (design.critique.issues[0], issue_to_proto, issue_from_proto, common_pb2.Issue),
    ]
    for model, to_pb, from_pb, message_type in pairs:
        message = to_pb(model)
        assert isinstance(message, message_type)
        assert from_pb(message) == model
    assert isinstance(flowsheet_from_proto(flowsheet_to_proto(design.pfd.flowsheet)), Flowsheet)
    assert isinstance(
        instrumentation_from_proto(instrumentation_to_proto(design.pid.instrumentation)), Instrumentation
    )


def test_issue_matches_common_proto():
    issue = Issue(
        severity=Severity.BLOCKING,
        path="pfd.flowsheet.streams[S-3].to_unit",
        code="stream_unknown_to_unit",
        message="m",
        suggestion="",
    )
    message = issue_to_proto(issue)
    assert message.severity == common_pb2.Issue.BLOCKING
    assert message.path == issue.path
    assert issue_from_proto(message) == issue
    with pytest.raises(InvalidArgument) as exc:
        issue_from_proto(common_pb2.Issue(path="x"))
    assert exc.value.field == "severity"


def _broken(edit) -> InvalidArgument:
    message = design_to_proto(nitric_acid_design())
    edit(message)
    with pytest.raises(InvalidArgument) as exc:
        design_from_proto(message)
    return exc.value


@pytest.mark.parametrize(
    ("edit", "field", "reason"),
    [
        (
            lambda m: setattr(m.pfd.flowsheet.units[2].temperature, "unit", "kgg"),
            "pfd.flowsheet.units[2].temperature.unit",
            "unknown unit",
        ),
        (
            lambda m: setattr(m.pfd.flowsheet.units[2].temperature, "unit", "kg"),
            "pfd.flowsheet.units[2].temperature",
            "expected a temperature",
        ),
        (
            lambda m: setattr(m.pfd.flowsheet.units[0], "type", 0),
            "pfd.flowsheet.units[0].type",
            "UNSPECIFIED",
        ),
        (
            lambda m: setattr(m.pfd.flowsheet.units[0], "type", 999),
            "pfd.flowsheet.units[0].type",
            "not a valid UnitType",
        ),
        (
            lambda m: setattr(m.pfd.flowsheet.units[0], "tag", "E101"),
            "pfd.flowsheet.units[0].tag",
            "not an equipment tag",
        ),
        (
            lambda m: (
                m.pfd.flowsheet.units[0]
                .parameters["size"]
                .CopyFrom(common_pb2.Quantity(value=1, unit="bogus"))
            ),
            "pfd.flowsheet.units[0].parameters[size].unit",
            "unknown unit",
        ),
        (
            lambda m: m.pfd.flowsheet.streams[0].composition.fractions.__setitem__("ammonia", 0.5),
            "pfd.flowsheet.streams[0].composition.fractions",
            "sum to",
        ),
        (
            lambda m: m.pfd.flowsheet.streams[0].flow.CopyFrom(common_pb2.Quantity(value=1, unit="kg")),
            "pfd.flowsheet.streams[0].flow",
            "expected a flow rate",
        ),
        (
            lambda m: m.pfd.flowsheet.reactions[0].stoichiometry.__setitem__("ammonia", 0.0),
            "pfd.flowsheet.reactions[0].stoichiometry",
            "zero coefficients",
        ),
        (
            lambda m: setattr(m.pfd.flowsheet.reactions[0], "conversion", 1.5),
            "pfd.flowsheet.reactions[0].conversion",
            "less than or equal to 1",
        ),
        (
            lambda m: m.pid.instrumentation.relief_valves[0].ClearField("set_pressure"),
            "pid.instrumentation.relief_valves[0].set_pressure",
            "required",
        ),
        (
            lambda m: m.pid.instrumentation.control_loops[0].ClearField("ratio"),
            "pid.instrumentation.control_loops[0]",
            "ratio loop",
        ),
        (
            lambda m: setattr(m.pid.instrumentation.instruments[0], "tag", "TCI-1"),
            "pid.instrumentation.instruments[0].tag",
            "ISA-5.1",
        ),
        (
            lambda m: setattr(m.pid.instrumentation.interlocks[0], "sil", 7),
            "pid.instrumentation.interlocks[0].sil",
            "less than or equal to 4",
        ),
        (lambda m: m.pfd.ClearField("flowsheet"), "pfd.flowsheet", "required"),
        (lambda m: m.ClearField("created_at"), "created_at", "required"),
        (lambda m: setattr(m, "chemical", ""), "chemical", "at least 1 character"),
        (
            lambda m: m.critique.scores.__setitem__("helpfulness", 9.0),
            "critique.scores[helpfulness]",
            "less than",
        ),
        (
            lambda m: (
                m.provenance.citations[0].ClearField("kg_fact_ids")
                or m.provenance.citations[0].ClearField("document_uris")
                or m.provenance.citations[0].ClearField("chunk_ids")
            ),
            "provenance.citations[0]",
            "at least one",
        ),
        (
            lambda m: setattr(m.pfd.flowsheet.units[3].temperature, "value", float("nan")),
            "pfd.flowsheet.units[3].temperature.value",
            "finite",
        ),
    ],
)
def test_invalid_proto_content_raises_invalid_argument_with_path(edit, field, reason):
    error = _broken(edit)
    assert error.field == field
    assert reason in error.reason


def test_invalid_argument_counts_further_errors():
    def edit(m):
        m.pfd.flowsheet.units[0].tag = "bad"
        m.pfd.flowsheet.units[1].tag = "bad"

    assert "(and 1 more)" in _broken(edit).reason


def test_from_proto_path_prefix_for_embedded_messages():
    message = flowsheet_to_proto(nitric_acid_design().pfd.flowsheet)
    message.streams[4].temperature.unit = "nope"
    with pytest.raises(InvalidArgument) as exc:
        flowsheet_from_proto(message, path="request.design.pfd.flowsheet")
    assert exc.value.field == "request.design.pfd.flowsheet.streams[4].temperature.unit"
