"""The designer over real gRPC (in-process server on a free port), the loop's collaborators faked: a design
comes back as a proto Design with rounds and timings, the stream reports stages in order and the result
last, GetDesign returns what was stored, the finished design is announced with its artifact, and bad
requests are INVALID_ARGUMENT naming the field (NOT_FOUND for an unknown id)."""

from __future__ import annotations

import grpc
import pytest
import pytest_asyncio

from autochem.config import GrpcSettings
from autochem.designer.memory import DesignMemory
from autochem.designer.service import DesignerServicer
from autochem.domain import design_from_proto, validate_design
from autochem.rpc import GrpcServer, bad_request_details, make_channel
from autochem.storage import ArtifactRef, ArtifactStore, make_engine
from autochem.v1 import common_pb2, designer_pb2, designer_pb2_grpc
from tests.support.designer_fakes import make_loop

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]


@pytest.fixture(scope="module")
def published():
    return []


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return ArtifactStore(tmp_path_factory.mktemp("designer-artifacts").as_uri())


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def stub(tmp_path_factory, store, published):
    memory = DesignMemory(make_engine(f"sqlite:///{tmp_path_factory.mktemp('designer')}/memory.sqlite"))
    servicer = DesignerServicer(make_loop(), memory, store=store, publish=published.append)
    settings = GrpcSettings(port=0, max_message_bytes=32 * 1024 * 1024)
    server = GrpcServer(settings, "designer-test")
    server.add(servicer, designer_pb2_grpc.add_DesignerServicer_to_server)
    async with server:
        await server.set_serving(True)
        channel = make_channel(f"127.0.0.1:{server.port}", max_message_bytes=settings.max_message_bytes)
        try:
            yield designer_pb2_grpc.DesignerStub(channel)
        finally:
            await channel.close()


async def test_design_process_returns_a_valid_design_and_get_design_finds_it(stub, store, published):
    request = designer_pb2.DesignRequest(
        chemical="nitric acid",
        constraints=designer_pb2.DesignConstraints(
            production_rate=common_pb2.Quantity(value=20, unit="t/h"), max_critique_rounds=1
        ),
        request_id="req-1",
    )
    reply = await stub.DesignProcess(request, timeout=60)
    design = design_from_proto(reply.design)
    assert design.chemical == "nitric acid" and validate_design(design) == []
    assert reply.request_id == "req-1" and reply.version == 1 and reply.retrieval_used and reply.validated
    assert [r.stage for r in reply.rounds] == ["critique", "validation"]
    assert reply.stage_seconds["total"] > 0
    # The announced artifact is the design's JSON, verified on read.
    event = published[-1]
    assert event.design_id == design.id
    text = store.get_bytes(ArtifactRef.from_proto(event.design)).decode()
    assert design.model_validate_json(text) == design

    stored = await stub.GetDesign(designer_pb2.GetDesignRequest(design_id=design.id), timeout=10)
    assert stored.design == reply.design and stored.version == 1 and list(stored.notes) == list(reply.notes)


async def test_stream_reports_stages_in_order_and_the_result_last(stub):
    updates = [
        u
        async for u in stub.DesignProcessStream(
            designer_pb2.DesignRequest(chemical="nitric acid"), timeout=60
        )
    ]
    stages = [u.stage for u in updates]
    assert stages[0] == "retrieve" and stages[-1] == "done"
    assert stages.index("generate") < stages.index("structure") < stages.index("validate")
    assert all(not u.HasField("result") for u in updates[:-1]) and updates[-1].HasField("result")
    fractions = [u.fraction for u in updates]
    assert fractions == sorted(fractions)
    assert updates[-1].result.design.pfd.flowsheet.units


@pytest.mark.parametrize(
    ("request_fields", "field"),
    [
        ({"chemical": ""}, "chemical"),
        ({"chemical": "x" * 300}, "chemical"),
        ({"chemical": "42"}, "chemical"),
        (
            {
                "chemical": "nitric acid",
                "constraints": designer_pb2.DesignConstraints(production_rate=common_pb2.Quantity(value=5, unit="m/s")),
            },
            "constraints.production_rate.unit",
        ),
        (
            {
                "chemical": "nitric acid",
                "constraints": designer_pb2.DesignConstraints(production_rate=common_pb2.Quantity(value=-1, unit="t/d")),
            },
            "constraints.production_rate.value",
        ),
        ({"chemical": "nitric acid", "constraints": designer_pb2.DesignConstraints(max_critique_rounds=7)},
         "constraints.max_critique_rounds"),
        ({"chemical": "nitric acid", "constraints": designer_pb2.DesignConstraints(max_new_tokens=-3)},
         "constraints.max_new_tokens"),
        ({"chemical": "nitric acid", "request_id": "r" * 200}, "request_id"),
    ],
)  # fmt: skip
async def test_bad_requests_are_invalid_argument(stub, request_fields, field):
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await stub.DesignProcess(designer_pb2.DesignRequest(**request_fields), timeout=30)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [f for f, _ in bad_request_details(info.value.trailing_metadata())] == [field]


async def test_unknown_design_is_not_found_and_empty_id_invalid(stub):
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await stub.GetDesign(designer_pb2.GetDesignRequest(design_id="no-such-design"), timeout=10)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await stub.GetDesign(designer_pb2.GetDesignRequest(design_id=" "), timeout=10)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
