"""Exceptions raised by servicers become the right gRPC status, with field paths and no leaked internals."""

from __future__ import annotations

import logging

import grpc
import pytest
from pydantic import BaseModel, Field, ValidationError

from autochem import errors
from autochem.rpc import bad_request_details, failure_for, field_path
from autochem.v1 import common_pb2, events_pb2
from tests.support.rpc_probe import running_probe

EXPECTED_CODES = {
    "invalid_argument": grpc.StatusCode.INVALID_ARGUMENT,
    "not_found": grpc.StatusCode.NOT_FOUND,
    "already_exists": grpc.StatusCode.ALREADY_EXISTS,
    "failed_precondition": grpc.StatusCode.FAILED_PRECONDITION,
    "resource_exhausted": grpc.StatusCode.RESOURCE_EXHAUSTED,
    "unavailable": grpc.StatusCode.UNAVAILABLE,
    "deadline_exceeded": grpc.StatusCode.DEADLINE_EXCEEDED,
    "unauthenticated": grpc.StatusCode.UNAUTHENTICATED,
    "permission_denied": grpc.StatusCode.PERMISSION_DENIED,
}


async def test_each_domain_error_maps_to_its_status_code():
    # retry=None: UNAVAILABLE would otherwise be retried by the channel (harmless, but slower).
    async with running_probe(retry=None) as probe:
        fail = probe.unary("Fail")
        for kind, code in EXPECTED_CODES.items():
            with pytest.raises(grpc.aio.AioRpcError) as raised:
                await fail(common_pb2.Issue(code=kind, message=f"{kind} happened"))
            assert raised.value.code() == code, kind
            assert f"{kind} happened" in raised.value.details()


async def test_invalid_argument_names_the_field_in_message_and_bad_request_details():
    async with running_probe() as probe:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await probe.unary("Fail")(common_pb2.Issue(code="invalid_argument", message="must be positive"))
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert raised.value.details() == "widget.parts[2].size: must be positive"
    violations = bad_request_details(raised.value.trailing_metadata())
    assert violations == [("widget.parts[2].size", "must be positive")]


async def test_pydantic_validation_error_is_invalid_argument_naming_every_field():
    async with running_probe() as probe:
        bad = events_pb2.ChemicalRegistered(name="", synonyms=["ok", ""], cas_number="7697-37-3")
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await probe.unary("Register")(bad)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    details = raised.value.details()
    assert details.startswith("name: ")
    assert "synonyms[1]: " in details
    assert "cas_number: check digit is wrong" in details
    fields = [field for field, _ in bad_request_details(raised.value.trailing_metadata())]
    assert fields == ["name", "synonyms[1]", "cas_number"]


async def test_pydantic_error_raised_deep_in_a_handler_is_invalid_argument():
    async with running_probe() as probe:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await probe.unary("Fail")(common_pb2.Issue(code="pydantic"))
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert raised.value.details().startswith("sha256: ")


async def test_unexpected_exception_is_opaque_internal_with_logged_traceback(caplog):
    caplog.set_level(logging.ERROR, logger="autochem.rpc.errors")
    async with running_probe() as probe:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await probe.unary("Fail")(common_pb2.Issue(code="internal"))
    assert raised.value.code() == grpc.StatusCode.INTERNAL
    details = raised.value.details()
    assert "hunter2" not in details and "RuntimeError" not in details and "Traceback" not in details
    error_id = details.removeprefix("internal error (error id ").removesuffix(")")
    assert len(error_id) == 32
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert logged and logged[0].exc_info is not None  # the traceback is in the log, matched by id


@pytest.mark.parametrize("kind", ["Register", "Count", "Collect", "Normalize"])
async def test_undecodable_request_is_invalid_argument_for_every_rpc_kind(kind):
    async with running_probe() as probe:

        async def requests():
            yield b"\xff\xff"

        with pytest.raises(grpc.aio.AioRpcError) as raised:
            if kind == "Register":
                await probe.unary("Register")(b"\xff\xff")
            elif kind == "Count":
                [_ async for _ in probe.unary_stream("Count")(b"\xff\xff")]
            elif kind == "Collect":
                await probe.stream_unary("Collect")(requests())
            else:
                [_ async for _ in probe.stream_stream("Normalize")(requests())]
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert raised.value.details().startswith("request: not a valid autochem.v1.")


def test_field_path_joins_pydantic_locations():
    assert field_path(("name",)) == "name"
    assert field_path(("synonyms", 3)) == "synonyms[3]"
    assert field_path(("flowsheet", "units", 2, "tag")) == "flowsheet.units[2].tag"
    assert field_path((0, "x")) == "[0].x"


def test_failure_for_maps_base_class_of_domain_error_subclasses():
    class NoSuchModel(errors.NotFound):
        pass

    assert failure_for(NoSuchModel("model m1")).code == grpc.StatusCode.NOT_FOUND
    assert failure_for(errors.AutoChemError("odd")).code == grpc.StatusCode.INTERNAL  # unmapped: opaque


def test_failure_for_validation_error_lists_every_violation():
    class Model(BaseModel):
        size: int = Field(ge=0)
        tags: list[str]

    with pytest.raises(ValidationError) as raised:
        Model.model_validate({"size": -1, "tags": ["a", 3]})
    failure = failure_for(raised.value)
    assert failure.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [f for f, _ in bad_request_details(failure.trailing_metadata)] == ["size", "tags[1]"]
