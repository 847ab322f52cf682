"""Client helper: every call has a deadline, carries trace context and token, and only UNAVAILABLE is
retried (grpc's own retry policy, set on the channel by make_channel)."""

from __future__ import annotations

import asyncio

import grpc
import pytest
from opentelemetry.sdk.trace import TracerProvider

from autochem.rpc import DEFAULT_TIMEOUT_S, RetryPolicy, call, call_sync, make_sync_channel
from autochem.v1 import common_pb2
from tests.support.rpc_probe import method, running_probe


async def test_unavailable_is_retried_until_success():
    async with running_probe() as probe:
        reply = await call(probe.unary("Flaky", common_pb2.Progress), common_pb2.Progress(stage="k", total=2))
        assert reply.done == 3  # failed twice with UNAVAILABLE, third attempt succeeded
        assert probe.servicer.attempts["k"] == 3


async def test_unavailable_retries_stop_at_max_attempts():
    policy = RetryPolicy(max_attempts=3, initial_backoff_s=0.01, max_backoff_s=0.05)
    async with running_probe(retry=policy) as probe:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await call(probe.unary("Flaky"), common_pb2.Progress(stage="k", total=99))
        assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
        assert probe.servicer.attempts["k"] == 3


@pytest.mark.parametrize(
    ("mode", "code"), [("invalid", grpc.StatusCode.INVALID_ARGUMENT), ("internal", grpc.StatusCode.INTERNAL)]
)
async def test_other_codes_are_never_retried(mode, code):
    async with running_probe() as probe:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await call(probe.unary("Flaky"), common_pb2.Progress(stage="k", total=0, message=mode))
        assert raised.value.code() == code
        assert probe.servicer.attempts["k"] == 1


async def test_retry_none_disables_retries():
    async with running_probe(retry=None) as probe:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await call(probe.unary("Flaky"), common_pb2.Progress(stage="k", total=1))
        assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
        assert probe.servicer.attempts["k"] == 1


def test_retry_policy_rejects_values_grpc_would_ignore():
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=6)
    with pytest.raises(ValueError):
        RetryPolicy(initial_backoff_s=0)


async def test_call_refuses_a_missing_deadline():
    async with running_probe() as probe:
        with pytest.raises(ValueError):
            await call(probe.unary("Echo"), common_pb2.Progress(), timeout=None)
        with pytest.raises(ValueError):
            await call(probe.unary("Echo"), common_pb2.Progress(), timeout=0)


async def test_call_sets_the_given_deadline():
    async with running_probe() as probe:
        seen = await call(probe.unary("Echo", common_pb2.Issue), common_pb2.Progress(), timeout=2.0)
    assert 0 < float(seen.suggestion) <= 2.2


async def test_direct_stub_calls_get_the_default_deadline():
    # Bypassing call() (plain multicallable, no timeout) still gets a deadline from the channel interceptor.
    async with running_probe() as probe:
        seen = await probe.unary("Echo", common_pb2.Issue)(common_pb2.Progress())
    assert seen.suggestion != "none"
    assert 0 < float(seen.suggestion) <= DEFAULT_TIMEOUT_S + 0.5


async def test_trace_context_is_injected_and_continued_by_the_server():
    provider = TracerProvider()  # a local provider: the global one belongs to whoever configures tracing
    with provider.get_tracer("test").start_as_current_span("client") as client_span:
        async with running_probe() as probe:
            seen = await probe.unary("Echo", common_pb2.Issue)(common_pb2.Progress())
    trace_id = format(client_span.get_span_context().trace_id, "032x")
    traceparents = [line for line in seen.message.splitlines() if line.startswith("traceparent=")]
    assert len(traceparents) == 1 and trace_id in traceparents[0]


async def test_sync_channel_sets_deadline_token_and_metadata():
    async with running_probe() as probe:
        channel = make_sync_channel(probe.target, max_message_bytes=1 << 20, token="t0k")
        try:
            echo = channel.unary_unary(
                method("Echo"),
                request_serializer=common_pb2.Progress.SerializeToString,
                response_deserializer=common_pb2.Issue.FromString,
            )
            # The server runs on this event loop, so the blocking client runs in a thread.
            seen = await asyncio.to_thread(echo, common_pb2.Progress())
            assert 0 < float(seen.suggestion) <= DEFAULT_TIMEOUT_S + 0.5
            assert "authorization=Bearer t0k" in seen.message.splitlines()
            seen = await asyncio.to_thread(call_sync, echo, common_pb2.Progress(), timeout=1.0)
            assert float(seen.suggestion) <= 1.2
            with pytest.raises(ValueError):
                call_sync(echo, common_pb2.Progress(), timeout=None)
        finally:
            channel.close()


async def test_downstream_call_inherits_the_remaining_deadline_of_the_rpc_being_handled():
    """A server that calls another service passes on no more time than its own caller gave it."""
    import grpc as _grpc

    from autochem.config import GrpcSettings
    from autochem.rpc import GrpcServer, make_channel
    from autochem.v1 import common_pb2

    seen: list[float] = []

    async def downstream(request, context):
        seen.append(context.time_remaining())
        return request

    async def upstream(request, context):
        async with make_channel(
            f"127.0.0.1:{down_port}", max_message_bytes=1 << 20, default_timeout_s=60
        ) as ch:
            call = ch.unary_unary(
                "/test.Down/Echo",
                request_serializer=common_pb2.Issue.SerializeToString,
                response_deserializer=common_pb2.Issue.FromString,
            )
            return await call(request)

    def handlers(fn):
        return {
            "Echo": _grpc.unary_unary_rpc_method_handler(
                fn,
                request_deserializer=common_pb2.Issue.FromString,
                response_serializer=common_pb2.Issue.SerializeToString,
            )
        }

    down = GrpcServer(GrpcSettings(port=0), "down")
    down.add_handlers("test.Down", handlers(downstream))
    down_port = await down.start()
    up = GrpcServer(GrpcSettings(port=0), "up")
    up.add_handlers("test.Up", handlers(upstream))
    up_port = await up.start()
    try:
        async with make_channel(f"127.0.0.1:{up_port}", max_message_bytes=1 << 20) as ch:
            call = ch.unary_unary(
                "/test.Up/Echo",
                request_serializer=common_pb2.Issue.SerializeToString,
                response_deserializer=common_pb2.Issue.FromString,
            )
            await call(common_pb2.Issue(code="x"), timeout=2.0)
    finally:
        await up.shutdown(grace_s=0)
        await down.shutdown(grace_s=0)
    assert len(seen) == 1
    assert seen[0] < 5.0  # not the 60 s channel default: the upstream caller's 2 s bound it (clocks jitter by ms)
