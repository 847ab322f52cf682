"""GrpcServer: health lifecycle, reflection, interceptor plumbing (metrics, tracing, deadline access) and
registration rules."""

from __future__ import annotations

import asyncio

import grpc
import pytest
from grpc_health.v1 import health_pb2
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from prometheus_client import REGISTRY
from pydantic import ValidationError

from autochem.config import GrpcSettings
from autochem.errors import InvalidArgument
from autochem.rpc import GrpcServer, make_channel, message_to_dict, require, time_remaining, to_model
from autochem.v1 import common_pb2, events_pb2
from tests.support.rpc_probe import (
    SERVICE,
    ArtifactModel,
    ProbeServicer,
    add_probe_to_server,
    health_status,
    method,
    running_probe,
)

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


async def test_health_is_not_serving_until_the_service_says_so():
    async with running_probe(serving=False) as probe:
        assert await health_status(probe.channel) == NOT_SERVING
        assert await health_status(probe.channel, SERVICE) == NOT_SERVING
        await probe.server.set_serving(True)
        assert await health_status(probe.channel) == SERVING
        assert await health_status(probe.channel, SERVICE) == SERVING
        await probe.server.set_serving(False)
        assert await health_status(probe.channel, SERVICE) == NOT_SERVING


async def test_shutdown_flips_health_at_once_and_lets_in_flight_calls_finish():
    async with running_probe() as probe:
        slow = asyncio.ensure_future(probe.unary("Slow", common_pb2.Quantity)(common_pb2.Quantity(value=0.5)))
        while probe.server.in_flight == 0:
            await asyncio.sleep(0.01)
        shutdown = asyncio.ensure_future(probe.server.shutdown(grace_s=5))
        await asyncio.sleep(0.05)
        assert await health_status(probe.channel) == NOT_SERVING
        await probe.server.set_serving(True)  # ignored once draining
        assert await health_status(probe.channel, SERVICE) == NOT_SERVING
        # Still serving while draining: a new call is accepted and completes.
        assert (await probe.unary("Slow", common_pb2.Quantity)(common_pb2.Quantity(value=0))).value == 0
        assert (await slow).value == 0.5
        await shutdown
        assert probe.servicer.slow_cancelled == 0


async def test_reflection_lists_registered_services():
    from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

    async with running_probe() as probe:
        stub = reflection_pb2_grpc.ServerReflectionStub(probe.channel)
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        names = [
            s.name
            async for r in stub.ServerReflectionInfo(iter([request]))
            for s in r.list_services_response.service
        ]
    assert set(names) >= {SERVICE, "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"}
    assert probe.server.service_names == (SERVICE,)


async def test_reflection_can_be_disabled():
    async with running_probe(GrpcSettings(port=0, reflection=False)) as probe:
        call = probe.channel.stream_stream("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            [_ async for _ in call(iter([b""]))]
    assert raised.value.code() == grpc.StatusCode.UNIMPLEMENTED


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_metrics_count_started_handled_by_code_latency_and_in_flight():
    register = method("Register")
    labels = {"service": "rpc-probe", "method": register}
    before_ok = _sample("autochem_rpc_handled_total", code="OK", **labels)
    before_bad = _sample("autochem_rpc_handled_total", code="INVALID_ARGUMENT", **labels)
    before_started = _sample("autochem_rpc_started_total", **labels)
    before_latency = _sample("autochem_rpc_duration_seconds_count", **labels)
    async with running_probe() as probe:
        await probe.unary("Register")(events_pb2.ChemicalRegistered(name="water", formula="H2O"))
        with pytest.raises(grpc.aio.AioRpcError):
            await probe.unary("Register")(b"\xff")
        await health_status(probe.channel)  # health is not counted
    assert _sample("autochem_rpc_handled_total", code="OK", **labels) == before_ok + 1
    assert _sample("autochem_rpc_handled_total", code="INVALID_ARGUMENT", **labels) == before_bad + 1
    assert _sample("autochem_rpc_started_total", **labels) == before_started + 2
    assert _sample("autochem_rpc_duration_seconds_count", **labels) == before_latency + 2
    assert _sample("autochem_rpc_in_flight", service="rpc-probe") == 0
    assert (
        REGISTRY.get_sample_value(
            "autochem_rpc_started_total", {"service": "rpc-probe", "method": "/grpc.health.v1.Health/Check"}
        )
        is None
    )


async def test_one_server_span_per_rpc_continuing_the_callers_trace():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    server = GrpcServer(GrpcSettings(port=0), "rpc-probe", tracer_provider=provider)
    server.add(ProbeServicer(), add_probe_to_server)
    async with server:
        await server.set_serving(True)
        channel = make_channel(f"127.0.0.1:{server.port}", max_message_bytes=1 << 20)
        echo = channel.unary_unary(method("Echo"), request_serializer=common_pb2.Progress.SerializeToString)
        with provider.get_tracer("test").start_as_current_span("caller") as caller:
            await echo(common_pb2.Progress())
        fail = channel.unary_unary(method("Fail"), request_serializer=common_pb2.Issue.SerializeToString)
        with pytest.raises(grpc.aio.AioRpcError):
            await fail(common_pb2.Issue(code="internal"))
        await channel.close()
    spans = {s.name: s for s in exporter.get_finished_spans() if s.kind == SpanKind.SERVER}
    echo_span = spans["autochem.test.Probe/Echo"]
    assert echo_span.context.trace_id == caller.get_span_context().trace_id
    assert echo_span.parent.span_id == caller.get_span_context().span_id
    assert echo_span.attributes["rpc.grpc.status_code"] == 0
    fail_span = spans["autochem.test.Probe/Fail"]
    assert fail_span.attributes["rpc.grpc.status_code"] == grpc.StatusCode.INTERNAL.value[0]
    assert not fail_span.status.is_ok


async def test_handlers_see_remaining_time_and_none_outside_an_rpc():
    assert time_remaining() is None
    async with running_probe() as probe:
        seen = await probe.unary("Echo", common_pb2.Issue)(common_pb2.Progress(), timeout=3)
    assert 0 < float(seen.suggestion) <= 3.2
    assert seen.path == method("Echo")


async def test_all_four_rpc_kinds_pass_through_the_interceptors():
    async with running_probe() as probe:
        counted = [
            m.done
            async for m in probe.unary_stream("Count", common_pb2.Progress)(common_pb2.Progress(total=3))
        ]
        assert counted == [1, 2, 3]

        async def chemicals():
            for name in (" water ", "ethanol"):
                yield events_pb2.ChemicalRegistered(name=name)

        assert (await probe.stream_unary("Collect", common_pb2.Progress)(chemicals())).done == 2
        names = [
            c.name async for c in probe.stream_stream("Normalize", events_pb2.ChemicalRegistered)(chemicals())
        ]
        assert names == ["water", "ethanol"]


async def test_sync_handlers_are_refused_at_registration():
    def sync_echo(request, context):
        return request

    server = GrpcServer(GrpcSettings(port=0), "rpc-probe")
    with pytest.raises(TypeError, match="async"):
        server.add_handlers("t.Sync", {"Echo": grpc.unary_unary_rpc_method_handler(sync_echo)})
    await server.shutdown(grace_s=0)


def test_require_raises_invalid_argument_naming_the_field():
    require(True, "top_k", "must be positive")
    with pytest.raises(InvalidArgument) as raised:
        require(0, "options.top_k", "must be positive")
    assert raised.value.field == "options.top_k" and str(raised.value) == "options.top_k: must be positive"


def test_to_model_sees_proto3_defaults_and_64_bit_ints_as_ints():
    ref = common_pb2.ArtifactRef(
        uri="file:///a/b", sha256="0" * 64, size_bytes=2**40, media_type="text/plain"
    )
    assert to_model(ArtifactModel, ref).size_bytes == 2**40
    assert message_to_dict(common_pb2.ArtifactRef())["uri"] == ""
    with pytest.raises(ValidationError) as raised:
        to_model(ArtifactModel, common_pb2.ArtifactRef(size_bytes=-1))
    assert {e["loc"][0] for e in raised.value.errors()} == {"uri", "sha256", "size_bytes", "media_type"}
