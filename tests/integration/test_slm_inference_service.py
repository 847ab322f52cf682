"""slm-inference's measured acceptance, in process, on the real SmolLM2-135M (HfGenerateBackend, loaded once):

* bad input table → INVALID_ARGUMENT naming the field;
* overload: 2x the queue bound of concurrent requests → the excess gets RESOURCE_EXHAUSTED quickly, the
  admitted ones complete, health stays SERVING;
* 100 cancelled streams → in-flight count back to baseline within 5 s;
* hot swap during load (direct promote, and through models.promoted on the real broker) → 0 failed requests,
  the old version closed once its requests finished.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import math
import time
import uuid

import grpc
import pytest
import pytest_asyncio
from grpc_health.v1 import health_pb2, health_pb2_grpc

from autochem.config import GrpcSettings
from autochem.inference.backends.grpc_client import GrpcSlmBackend
from autochem.inference.backends.hf import HfGenerateBackend
from autochem.inference.service import SlmInferenceServicer
from autochem.inference.serving import (
    AdmissionQueue,
    InferenceService,
    ModelRegistry,
    ModelVersionSpec,
    PromotionHandler,
)
from autochem.rpc import GrpcServer, bad_request_details, make_channel
from autochem.v1 import inference_pb2 as pb
from autochem.v1 import inference_pb2_grpc

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

V1 = "smollm2-135m-q4_1"


@dataclasses.dataclass
class Harness:
    stub: inference_pb2_grpc.SlmInferenceStub
    health: health_pb2_grpc.HealthStub
    servicer: SlmInferenceServicer
    registry: ModelRegistry
    port: int


@pytest.fixture(scope="module")
def shared_backend_factory(smol_source, smol_model, smol_tokenizer):
    """Every version shares the one loaded copy of the weights (a version is a name here)."""

    def factory(spec: ModelVersionSpec) -> HfGenerateBackend:
        return HfGenerateBackend(
            spec.source, model_version=spec.version, model=smol_model, tokenizer=smol_tokenizer
        )

    return factory


@contextlib.asynccontextmanager
async def serving(factory, source, *, max_running=4, max_queued=16):
    registry = ModelRegistry(factory)
    await registry.promote(ModelVersionSpec(V1, source))
    servicer = SlmInferenceServicer(InferenceService(registry, AdmissionQueue(max_running, max_queued)))
    server = GrpcServer(GrpcSettings(port=0, max_concurrent_rpcs=512), "slm-inference")
    server.add(servicer, inference_pb2_grpc.add_SlmInferenceServicer_to_server)
    port = await server.start()
    await server.set_serving(True)
    channel = make_channel(f"127.0.0.1:{port}", max_message_bytes=4 << 20, retry=None, default_timeout_s=60)
    try:
        yield Harness(
            inference_pb2_grpc.SlmInferenceStub(channel),
            health_pb2_grpc.HealthStub(channel),
            servicer,
            registry,
            port,
        )
    finally:
        await channel.close()
        await server.shutdown(grace_s=0)
        await registry.close()


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def svc(shared_backend_factory, smol_source):
    async with serving(shared_backend_factory, smol_source) as harness:
        yield harness


def params(**kw) -> pb.SamplingParams:
    return pb.SamplingParams(**{"max_new_tokens": 8, **kw})


# ------------------------------------------------------------------------------------------ functional


async def test_generate_stream_score_and_list(svc):
    prompt = "The capital of France is"
    reply = await svc.stub.Generate(pb.GenerateRequest(prompt=prompt, params=params(logprobs=True)))
    assert reply.model_version == V1 and reply.text.strip()
    assert len(reply.token_ids) == len(reply.logprobs) == len(reply.entropies) == reply.completion_tokens
    assert reply.prompt_tokens == 5 and reply.forward_passes >= reply.completion_tokens
    assert all(lp <= 0 for lp in reply.logprobs) and all(h >= 0 for h in reply.entropies)

    chunks = [c async for c in svc.stub.GenerateStream(pb.GenerateRequest(prompt=prompt, params=params()))]
    assert "".join(c.text for c in chunks) == reply.text  # greedy: the stream is the same completion
    assert chunks[-1].finish_reason == reply.finish_reason and chunks[-1].completion_tokens == len(
        reply.token_ids
    )

    scored = await svc.stub.ScoreContinuations(
        pb.ScoreContinuationsRequest(prompt=prompt, continuations=[" Paris", " Berlin"])
    )
    assert scored.logprobs[0] > scored.logprobs[1] and scored.model_version == V1

    models = await svc.stub.ListModels(pb.ListModelsRequest())
    assert models.current_version == V1 and models.models[0].max_context_tokens == 8192

    # The gRPC client backend sees the same model through the same interface.
    remote = GrpcSlmBackend(f"127.0.0.1:{svc.port}", timeout_s=60)
    await remote.start()
    try:
        assert remote.info().model_version == V1
        from autochem.inference.api import GenerationRequest, SamplingParams

        result = await remote.generate(
            GenerationRequest(prompt=prompt, params=SamplingParams(max_new_tokens=8))
        )
        assert result.text == reply.text
        streamed = [
            e.text
            async for e in remote.stream(
                GenerationRequest(prompt=prompt, params=SamplingParams(max_new_tokens=8))
            )
        ]
        assert "".join(streamed) == reply.text
        assert await remote.continuation_logprobs(prompt, [" Paris"]) == pytest.approx(
            [scored.logprobs[0]], abs=1e-4
        )
    finally:
        await remote.close()


LONG_PROMPT = "hello " * 9000  # ~9000 tokens: beyond SmolLM2's 8192-token context

BAD_INPUT = [
    ("empty-prompt", pb.GenerateRequest(), "prompt"),
    ("blank-prompt", pb.GenerateRequest(prompt="  \n "), "prompt"),
    (
        "prompt-and-messages",
        pb.GenerateRequest(prompt="x", messages=[pb.ChatMessage(role="user", content="y")]),
        "prompt",
    ),
    (
        "blank-message",
        pb.GenerateRequest(messages=[pb.ChatMessage(role="user", content=" ")]),
        "messages[0].content",
    ),
    (
        "bad-role",
        pb.GenerateRequest(messages=[pb.ChatMessage(role="robot", content="hi")]),
        "messages[0].role",
    ),
    ("prompt-beyond-context", pb.GenerateRequest(prompt=LONG_PROMPT, params=params()), "prompt"),
    (
        "prompt-plus-output-beyond-context",
        pb.GenerateRequest(prompt="hello " * 8000, params=params(max_new_tokens=1000)),
        "params.max_new_tokens",
    ),
    (
        "negative-temperature",
        pb.GenerateRequest(prompt="x", params=params(temperature=-0.5)),
        "params.temperature",
    ),
    (
        "nan-temperature",
        pb.GenerateRequest(prompt="x", params=params(temperature=math.nan)),
        "params.temperature",
    ),
    (
        "inf-temperature",
        pb.GenerateRequest(prompt="x", params=params(temperature=math.inf)),
        "params.temperature",
    ),
    ("top-p-zero", pb.GenerateRequest(prompt="x", params=params(top_p=0.0)), "params.top_p"),
    ("top-p-above-one", pb.GenerateRequest(prompt="x", params=params(top_p=1.5)), "params.top_p"),
    ("top-p-nan", pb.GenerateRequest(prompt="x", params=params(top_p=math.nan)), "params.top_p"),
    (
        "max-new-tokens-zero",
        pb.GenerateRequest(prompt="x", params=params(max_new_tokens=0)),
        "params.max_new_tokens",
    ),
    (
        "max-new-tokens-negative",
        pb.GenerateRequest(prompt="x", params=params(max_new_tokens=-3)),
        "params.max_new_tokens",
    ),
    (
        "max-new-tokens-huge",
        pb.GenerateRequest(prompt="x", params=params(max_new_tokens=10**9)),
        "params.max_new_tokens",
    ),
    ("top-k-negative", pb.GenerateRequest(prompt="x", params=params(top_k=-1)), "params.top_k"),
    (
        "greedy-with-temperature",
        pb.GenerateRequest(prompt="x", params=params(decoding=pb.DECODING_GREEDY, temperature=0.7)),
        "params.temperature",
    ),
    (
        "sample-without-temperature",
        pb.GenerateRequest(prompt="x", params=params(decoding=pb.DECODING_SAMPLE)),
        "params.temperature",
    ),
    ("unknown-decoding", pb.GenerateRequest(prompt="x", params=params(decoding=42)), "params.decoding"),
    ("empty-stop-string", pb.GenerateRequest(prompt="x", params=params(stop=[""])), "params.stop[0]"),
    (
        "unknown-model-version",
        pb.GenerateRequest(prompt="x", model_version="no-such-version"),
        "model_version",
    ),
    (
        "tts-zero-candidates",
        pb.GenerateRequest(prompt="x", test_time_scaling=pb.TestTimeScaling(n=0, top_k=1)),
        "test_time_scaling.n",
    ),
    (
        "tts-lambda-nan",
        pb.GenerateRequest(
            prompt="x", test_time_scaling=pb.TestTimeScaling(n=2, top_k=1, lambda_weight=math.nan)
        ),
        "test_time_scaling.lambda_weight",
    ),
]


@pytest.mark.parametrize(("case", "request_msg", "field"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
async def test_bad_input_is_invalid_argument(svc, case, request_msg, field):
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await svc.stub.Generate(request_msg)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT, err.value.details()
    assert bad_request_details(err.value.trailing_metadata())[0][0] == field
    if "test_time_scaling" not in field:  # the stream refuses the same requests before its first chunk
        with pytest.raises(grpc.aio.AioRpcError) as err:
            [c async for c in svc.stub.GenerateStream(request_msg)]
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert bad_request_details(err.value.trailing_metadata())[0][0] == field


@pytest.mark.parametrize(
    ("request_msg", "field"),
    [
        (pb.ScoreContinuationsRequest(continuations=["a"]), "prompt"),
        (pb.ScoreContinuationsRequest(prompt="x"), "continuations"),
        (pb.ScoreContinuationsRequest(prompt="x", continuations=["a", ""]), "continuations[1]"),
        (
            pb.ScoreContinuationsRequest(prompt="x", continuations=["a"], model_version="nope"),
            "model_version",
        ),
    ],
)
async def test_bad_score_requests(svc, request_msg, field):
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await svc.stub.ScoreContinuations(request_msg)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert bad_request_details(err.value.trailing_metadata())[0][0] == field


# ------------------------------------------------------------------------------------------ overload


async def test_overload_excess_gets_resource_exhausted_quickly(shared_backend_factory, smol_source):
    max_running, max_queued = 2, 2
    bound = max_running + max_queued
    async with serving(
        shared_backend_factory, smol_source, max_running=max_running, max_queued=max_queued
    ) as h:

        async def one(i):
            started = time.perf_counter()
            try:
                reply = await h.stub.Generate(
                    pb.GenerateRequest(prompt=f"Count to ten: {i}", params=params(max_new_tokens=12))
                )
                return "ok", time.perf_counter() - started, reply
            except grpc.aio.AioRpcError as exc:
                return exc.code(), time.perf_counter() - started, None

        outcomes = await asyncio.gather(*(one(i) for i in range(2 * bound)))
        health = await h.health.Check(health_pb2.HealthCheckRequest(service=""))
    ok = [o for o in outcomes if o[0] == "ok"]
    rejected = [o for o in outcomes if o[0] == grpc.StatusCode.RESOURCE_EXHAUSTED]
    print(
        f"\noverload: {len(ok)} ok, {len(rejected)} RESOURCE_EXHAUSTED; slowest rejection "
        f"{max(o[1] for o in rejected) * 1000:.0f} ms, slowest completion {max(o[1] for o in ok):.2f} s"
    )
    assert len(ok) == bound and len(rejected) == bound
    assert all(o[2].completion_tokens > 0 for o in ok)
    assert max(o[1] for o in rejected) < 1.0  # refused at admission, not after waiting for a slot
    assert health.status == health_pb2.HealthCheckResponse.SERVING
    assert h.servicer.in_flight == 0


# ------------------------------------------------------------------------------------------ cancellation


async def test_hundred_cancelled_streams_free_their_slots(shared_backend_factory, smol_source):
    async with serving(shared_backend_factory, smol_source, max_running=4, max_queued=128) as h:
        baseline = h.servicer.in_flight

        def start(i):
            return h.stub.GenerateStream(
                pb.GenerateRequest(
                    prompt=f"Write a long story number {i}.", params=params(max_new_tokens=200)
                )
            )

        async def cancel_after_first_chunk(call):
            await call.read()
            call.cancel()

        # Ten streams are cancelled after their first chunk (mid-generation), concurrently: the backend runs
        # one generation at a time, so waiting on them in order would wait behind uncancelled ones.
        await asyncio.gather(*(cancel_after_first_chunk(start(i)) for i in range(10)))
        # Ninety more are cancelled while queued or running.
        calls = [start(i) for i in range(10, 100)]
        # Wait (bounded) until they are admitted; a fixed sleep is too short when the machine is busy.
        admitted_by = time.perf_counter() + 30.0
        while h.servicer.in_flight < 80 and time.perf_counter() < admitted_by:
            await asyncio.sleep(0.05)
        peak = h.servicer.in_flight
        for call in calls:
            call.cancel()
        cancelled_at = time.perf_counter()
        while h.servicer.in_flight != baseline and time.perf_counter() - cancelled_at < 5.0:
            await asyncio.sleep(0.02)
        recovered_s = time.perf_counter() - cancelled_at
        print(
            f"\ncancelled streams: peak in-flight {peak}, back to baseline {baseline} in {recovered_s * 1000:.0f} ms"
        )
        assert peak >= 80  # most of the ninety were admitted (running or queued) when cancelled
        assert h.servicer.in_flight == baseline, f"in-flight still {h.servicer.in_flight} after 5 s"
        # The service still answers.
        reply = await h.stub.Generate(pb.GenerateRequest(prompt="Hi", params=params(max_new_tokens=2)))
        assert reply.completion_tokens > 0


# ------------------------------------------------------------------------------------------ hot swap


async def _load_loop(stub, stop: asyncio.Event, seen: dict, failures: list):
    while not stop.is_set():
        try:
            reply = await stub.Generate(
                pb.GenerateRequest(prompt="Nitric acid is", params=params(max_new_tokens=4))
            )
            seen[reply.model_version] = seen.get(reply.model_version, 0) + 1
        except grpc.aio.AioRpcError as exc:
            failures.append(exc.code())


async def test_hot_swap_during_load_fails_nothing(shared_backend_factory, smol_source):
    async with serving(shared_backend_factory, smol_source, max_running=2, max_queued=16) as h:
        stop, seen, failures = asyncio.Event(), {}, []
        clients = [asyncio.create_task(_load_loop(h.stub, stop, seen, failures)) for _ in range(3)]
        await asyncio.sleep(1.0)
        old = h.registry.current
        assert await h.registry.promote(ModelVersionSpec("v2", smol_source))
        in_flight_at_swap = old.in_flight
        await asyncio.sleep(1.0)
        stop.set()
        await asyncio.gather(*clients)
        await asyncio.wait_for(old.closed.wait(), 5)
        models = await h.stub.ListModels(pb.ListModelsRequest())
    print(
        f"\nhot swap: requests per version {seen}, {in_flight_at_swap} in flight on the old one at the swap, "
        f"failures {len(failures)}"
    )
    assert failures == []
    assert seen.get(V1, 0) > 0 and seen.get("v2", 0) > 0
    assert [m.model_version for m in models.models] == ["v2"] and models.current_version == "v2"


async def test_hot_swap_through_models_promoted_on_the_broker(
    broker, tmp_path, shared_backend_factory, smol_source
):
    from autochem.bus.consumer import EventConsumer
    from autochem.bus.producer import EventPublisher
    from autochem.bus.topics import TOPICS, ensure_topics
    from autochem.storage import make_engine
    from autochem.v1 import common_pb2, events_pb2
    from tests.support.bus_harness import fast_kafka_settings

    ensure_topics(broker.bootstrap_servers, [TOPICS["models.promoted"]])
    kafka = fast_kafka_settings(broker.bootstrap_servers)
    async with serving(shared_backend_factory, smol_source, max_running=2, max_queued=16) as h:
        handler = PromotionHandler(
            h.registry,
            asyncio.get_running_loop(),
            base=smol_source,
            unpack_dir=tmp_path / "models",
            load_timeout_s=60,
        )
        consumer = EventConsumer(
            kafka,
            f"slm-inference-test-{uuid.uuid4().hex[:8]}",
            ["models.promoted"],
            handler,
            make_engine(f"sqlite:///{tmp_path / 'ledger.sqlite'}"),
            service_name="slm-inference",
        )
        consumer.run_in_thread()
        stop, seen, failures = asyncio.Event(), {}, []
        clients = [asyncio.create_task(_load_loop(h.stub, stop, seen, failures)) for _ in range(2)]
        version = f"promoted-{uuid.uuid4().hex[:6]}"
        try:
            publisher = EventPublisher(kafka, "test-trainer")
            await asyncio.to_thread(
                publisher.publish,
                "models.promoted",
                events_pb2.ModelVersionReady(
                    model_name="SmolLM2-135M-Instruct",
                    version=version,
                    artifact=common_pb2.ArtifactRef(uri=smol_source.gguf_path.as_uri()),
                ),
            )
            publisher.close()
            published = time.perf_counter()
            while h.registry.current.version != version and time.perf_counter() - published < 45:
                await asyncio.sleep(0.1)
            swapped_s = time.perf_counter() - published
            while not seen.get(version) and time.perf_counter() - published < 50:
                await asyncio.sleep(0.1)
        finally:
            stop.set()
            await asyncio.gather(*clients)
            await asyncio.to_thread(consumer.stop)
    print(
        f"\nbroker hot swap: serving {version} {swapped_s:.1f} s after publish; per version {seen}; "
        f"failures {len(failures)}"
    )
    assert h.registry.current.version == version
    assert failures == [] and seen.get(version, 0) > 0


@pytest.mark.slow
async def test_test_time_scaling_uses_attention_gradient_weights_on_local_weights(svc):
    reply = await svc.stub.Generate(
        pb.GenerateRequest(
            prompt="At what temperature does the platinum gauze of an ammonia oxidation converter run?",
            params=params(max_new_tokens=32, temperature=0.8, seed=7),
            test_time_scaling=pb.TestTimeScaling(n=3, top_k=2, lambda_weight=0.5, revise=False),
        ),
        timeout=600,
    )
    tts = reply.test_time_scaling
    assert tts.weighting == "attention_gradient"
    assert len(tts.candidates) == 3
    assert sum(c.kept for c in tts.candidates) == 2
    assert all(math.isfinite(c.weighted_entropy) and c.weighted_entropy >= 0 for c in tts.candidates if c.text)
    kept_scores = sorted(c.score for c in tts.candidates if c.kept)
    dropped_scores = [c.score for c in tts.candidates if not c.kept]
    assert all(d >= kept_scores[-1] for d in dropped_scores)  # top-K by score, lower is better
    assert sum(tts.votes.values()) <= 2  # only kept candidates vote (no revisions requested)
    assert reply.text == tts.chosen_text
