"""Bearer-token auth: unknown callers are UNAUTHENTICATED, known ones limited to their method globs; health
and reflection answer anyone."""

from __future__ import annotations

import grpc
import pytest
from grpc_health.v1 import health_pb2
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from autochem.config import GrpcSettings
from autochem.v1 import common_pb2
from tests.support.rpc_probe import health_status, method, running_probe

SETTINGS = GrpcSettings(
    port=0,
    auth_tokens={
        "admin-token": ["/autochem.test.Probe/*"],
        "reader-token": ["/autochem.test.Probe/Echo", "/autochem.test.Probe/Count"],
    },
)


async def _echo_code(probe, metadata=None) -> grpc.StatusCode:
    try:
        await probe.unary("Echo")(common_pb2.Progress(), metadata=metadata)
    except grpc.aio.AioRpcError as exc:
        return exc.code()
    return grpc.StatusCode.OK


@pytest.mark.parametrize(
    ("metadata", "code"),
    [
        (None, grpc.StatusCode.UNAUTHENTICATED),
        ((("authorization", "Bearer wrong-token"),), grpc.StatusCode.UNAUTHENTICATED),
        ((("authorization", "Basic admin-token"),), grpc.StatusCode.UNAUTHENTICATED),
        ((("authorization", "Bearer admin-token-with-suffix"),), grpc.StatusCode.UNAUTHENTICATED),
        ((("authorization", "Bearer admin-token"),), grpc.StatusCode.OK),
        ((("authorization", "bearer reader-token"),), grpc.StatusCode.OK),
    ],
)
async def test_token_presence_and_validity(metadata, code):
    async with running_probe(SETTINGS) as probe:
        assert await _echo_code(probe, metadata) == code


async def test_known_token_outside_its_globs_is_permission_denied():
    async with running_probe(SETTINGS, token="reader-token") as probe:
        assert await _echo_code(probe) == grpc.StatusCode.OK
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await probe.unary("Fail")(common_pb2.Issue(code="not_found"))
        assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert method("Fail") in raised.value.details()


async def test_make_channel_token_is_sent_as_bearer():
    async with running_probe(SETTINGS, token="admin-token") as probe:
        seen = await probe.unary("Echo", common_pb2.Issue)(common_pb2.Progress())
    assert "authorization=Bearer admin-token" in seen.message.splitlines()


async def test_health_and_reflection_need_no_token():
    async with running_probe(SETTINGS) as probe:
        assert await health_status(probe.channel) == health_pb2.HealthCheckResponse.SERVING
        stub = reflection_pb2_grpc.ServerReflectionStub(probe.channel)
        list_services = reflection_pb2.ServerReflectionRequest(list_services="")
        responses = stub.ServerReflectionInfo(iter([list_services]))
        listed = [s.name async for r in responses for s in r.list_services_response.service]
    assert "autochem.test.Probe" in listed and "grpc.health.v1.Health" in listed


async def test_no_tokens_configured_means_no_auth():
    async with running_probe(GrpcSettings(port=0)) as probe:
        assert await _echo_code(probe) == grpc.StatusCode.OK
