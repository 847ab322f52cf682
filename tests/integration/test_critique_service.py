"""The critique service over real gRPC (in-process server on a free port): reference designs are not
blocking, a seeded defect comes back at its path, malformed designs are INVALID_ARGUMENT naming the field,
and an unreachable language model costs only the LLM step."""

from __future__ import annotations

import grpc
import pytest
import pytest_asyncio

from autochem.config import GrpcSettings
from autochem.critique.service import CritiqueServicer
from autochem.domain import design_to_proto
from autochem.domain.examples import reference_designs
from autochem.rpc import GrpcServer, make_channel
from autochem.v1 import common_pb2, critique_pb2, critique_pb2_grpc

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]


def _unreachable_llm():
    raise ConnectionError("slm-inference at 127.0.0.1:1 is not reachable")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def stub():
    settings = GrpcSettings(port=0)
    server = GrpcServer(settings, "critique-test")
    server.add(
        CritiqueServicer(llm=_unreachable_llm), critique_pb2_grpc.add_CritiqueServiceServicer_to_server
    )
    async with server:
        await server.set_serving(True)
        channel = make_channel(f"127.0.0.1:{server.port}", max_message_bytes=settings.max_message_bytes)
        try:
            yield critique_pb2_grpc.CritiqueServiceStub(channel)
        finally:
            await channel.close()


async def test_reference_designs_are_not_blocking(stub):
    for name, design in reference_designs().items():
        response = await stub.Critique(critique_pb2.CritiqueRequest(design=design_to_proto(design)))
        assert not response.blocking, (name, [i.code for i in response.issues])
        assert response.counts.error == 0 and response.counts.blocking == 0


async def test_seeded_defect_comes_back_at_its_path(stub):
    design = reference_designs()["methanol"]
    design.pid.instrumentation.relief_valves[:] = [
        r for r in design.pid.instrumentation.relief_valves if r.protected_unit != "R-101"
    ]
    request = critique_pb2.CritiqueRequest(
        design=design_to_proto(design), options=critique_pb2.CritiqueOptions(use_llm=True, max_issues=3)
    )
    response = await stub.Critique(request)
    assert response.blocking
    first = response.issues[0]
    assert first.severity == common_pb2.Issue.ERROR
    assert (first.code, first.path) == ("pressure_vessel_without_relief", "pfd.flowsheet.units[R-101]")
    # The model is down: the rules still answer, and an INFO says the LLM step was skipped.
    assert response.counts.info >= 1 and response.counts.omitted >= 0


async def test_unreachable_llm_is_reported_as_info(stub):
    request = critique_pb2.CritiqueRequest(
        design=design_to_proto(reference_designs()["ammonia"]),
        options=critique_pb2.CritiqueOptions(use_llm=True),
    )
    response = await stub.Critique(request)
    skipped = [i for i in response.issues if i.code == "llm_critique_skipped"]
    assert len(skipped) == 1 and skipped[0].severity == common_pb2.Issue.INFO
    assert "not reachable" in skipped[0].message and not response.blocking


def _malformed(edit):
    message = design_to_proto(reference_designs()["ammonia"])
    edit(message)
    return critique_pb2.CritiqueRequest(design=message)


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda m: setattr(m.pid.instrumentation.instruments[0], "tag", "PTX-1O1"), "design.pid.instrumentation.instruments[0].tag"),
        (lambda m: setattr(m.pfd.flowsheet.units[0], "type", 999), "design.pfd.flowsheet.units[0].type"),
        (lambda m: setattr(m.pfd.flowsheet.streams[0].temperature, "unit", "blorps"), "design.pfd.flowsheet.streams[0].temperature.unit"),
        (lambda m: setattr(m.pfd.flowsheet.units[1], "tag", "compressor 2"), "design.pfd.flowsheet.units[1].tag"),
    ],
    ids=["bad-isa-tag", "unknown-unit-type", "bad-unit-string", "bad-equipment-tag"],
)  # fmt: skip
async def test_malformed_design_is_invalid_argument_naming_the_field(stub, edit, field):
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.Critique(_malformed(edit))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in caught.value.details()


async def test_missing_design_is_invalid_argument(stub):
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.Critique(critique_pb2.CritiqueRequest())
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "design" in caught.value.details()
