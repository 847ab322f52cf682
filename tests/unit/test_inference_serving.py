"""slm-inference domain pieces without a model: admission queue, version registry and hot swap, stop-string
streaming, promoted-artifact resolution, backend selection, settings, and test-time scaling wiring."""

from __future__ import annotations

import asyncio
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from autochem.errors import FailedPrecondition, InvalidArgument, ResourceExhausted
from autochem.inference.api import FinishReason, GenerationRequest, GenerationResult, ModelInfo, TokenEvent
from autochem.inference.backends.common import StopStringTracker, entropy_from_top_logprobs
from autochem.inference.models import ModelSource
from autochem.inference.service import SlmInferenceServicer
from autochem.inference.serving import (
    AdmissionQueue,
    InferenceService,
    ModelRegistry,
    ModelVersionSpec,
    SlmInferenceSettings,
    create_backend,
    promoted_model_spec,
    resolve_backend_kind,
)
from autochem.v1 import inference_pb2 as pb


class FakeBackend:
    """Answers after ``delay`` seconds with its version as the text."""

    def __init__(self, version: str, delay: float = 0.0) -> None:
        self.version, self.delay, self.closed, self.started = version, delay, False, False

    def info(self):
        return ModelInfo("fake", "fake-model", self.version, 2048)

    async def start(self):
        self.started = True

    async def stream(self, request):
        for word in ("a", "b"):
            await asyncio.sleep(self.delay)
            yield TokenEvent(token_ids=[1], text=word)

    async def generate(self, request):
        assert not self.closed, "request ran on a closed backend"
        await asyncio.sleep(self.delay)
        return GenerationResult(self.version, [1], FinishReason.STOP, 1, self.version)

    async def continuation_logprobs(self, prompt, continuations):
        return [-1.0 for _ in continuations]

    def count_tokens(self, text):
        return len(text.split())

    async def close(self):
        self.closed = True


def spec(version: str) -> ModelVersionSpec:
    return ModelVersionSpec(version, ModelSource(directory=Path("/nonexistent")))


# ---------------------------------------------------------------------------------------------- admission


async def test_admission_rejects_beyond_bound_and_cancelled_waiters_leave():
    admission = AdmissionQueue(max_running=1, max_queued=1)
    release = asyncio.Event()

    async def hold():
        async with admission.slot():
            await release.wait()

    running = asyncio.create_task(hold())
    queued = asyncio.create_task(hold())
    await asyncio.sleep(0.01)
    assert (admission.running, admission.queued) == (1, 1)
    with pytest.raises(ResourceExhausted):
        async with admission.slot():
            pass
    queued.cancel()
    await asyncio.gather(queued, return_exceptions=True)
    assert admission.in_flight == 1
    release.set()
    await running
    assert admission.in_flight == 0


# ---------------------------------------------------------------------------------------------- registry


async def test_swap_keeps_in_flight_on_old_version_and_closes_it_after():
    backends = {}

    def factory(s):
        backends[s.version] = FakeBackend(s.version, delay=0.2)
        return backends[s.version]

    registry = ModelRegistry(factory)
    service = InferenceService(registry, AdmissionQueue(8, 8))
    await registry.promote(spec("v1"))
    first = asyncio.create_task(service.generate(GenerationRequest(prompt="x")))
    await asyncio.sleep(0.05)
    assert await registry.promote(spec("v2"))
    assert not await registry.promote(spec("v2"))  # the same version again is a no-op (redelivery)
    assert not backends["v1"].closed  # still finishing the first request
    second = await service.generate(GenerationRequest(prompt="x"))
    assert (await first).model_version == "v1" and second.model_version == "v2"
    await asyncio.sleep(0.01)
    assert backends["v1"].closed and not backends["v2"].closed
    assert [v.version for v in registry.versions()] == ["v2"]
    with pytest.raises(InvalidArgument) as err:
        await service.generate(GenerationRequest(prompt="x", model_version="v1"))
    assert err.value.field == "model_version"


async def test_stream_reports_length_and_score_validation():
    registry = ModelRegistry(lambda s: FakeBackend(s.version))
    await registry.promote(spec("v1"))
    service = InferenceService(registry, AdmissionQueue(2, 2))
    from autochem.inference.api import SamplingParams

    items = [
        i
        async for i in service.stream(GenerationRequest(prompt="x", params=SamplingParams(max_new_tokens=2)))
    ]
    assert items[-1].finish_reason is FinishReason.LENGTH and items[-1].completion_tokens == 2
    with pytest.raises(InvalidArgument) as err:
        await service.score("p", [], None)
    assert err.value.field == "continuations"
    assert await service.score("p", ["a", "b"], "v1") == ([-1.0, -1.0], "v1")


# ---------------------------------------------------------------------------------------------- streaming text


def test_stop_tracker_never_streams_a_stop_string():
    tracker = StopStringTracker(["\nUser:"])
    out = []
    for full in ["Hi", "Hi there", "Hi there\n", "Hi there\nUs", "Hi there\nUser:", "Hi there\nUser: more"]:
        delta, stopped = tracker.feed(full)
        out.append(delta)
        if stopped:
            break
    assert "".join(out) == "Hi there" and stopped
    assert out[2] == ""  # "\n" was held back: it might start the stop string
    tracker = StopStringTracker([])
    assert tracker.feed("ab\ufffd") == ("ab", False)  # incomplete UTF-8 waits for its last byte
    assert tracker.feed("abé") == ("é", False)


def test_entropy_from_top_logprobs_bounds():
    import math

    assert entropy_from_top_logprobs([0.0]) == 0.0
    assert entropy_from_top_logprobs([math.log(0.5), math.log(0.5)]) == pytest.approx(math.log(2))
    assert entropy_from_top_logprobs([math.log(0.5)]) == pytest.approx(
        math.log(2)
    )  # unseen half is one outcome


# ---------------------------------------------------------------------------------------------- promotions


def test_promoted_model_spec_paths_archives_and_adapters(tmp_path):
    base = ModelSource(directory=tmp_path, gguf_file="base.gguf")
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    assert (
        promoted_model_spec("v", gguf.as_uri(), "", base=base, unpack_dir=tmp_path / "u").source.gguf_file
        == "m.gguf"
    )

    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text("{}")
    resolved = promoted_model_spec("v2", str(adapter), "", base=base, unpack_dir=tmp_path / "u")
    assert resolved.adapter_path == adapter and resolved.source is base

    archive = tmp_path / "adapter.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(adapter, arcname="adapter")
    import hashlib

    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    unpacked = promoted_model_spec("v3", archive.as_uri(), digest, base=base, unpack_dir=tmp_path / "u")
    assert unpacked.adapter_path == tmp_path / "u" / "v3" / "adapter"
    with pytest.raises(InvalidArgument, match="sha256"):
        promoted_model_spec("v4", archive.as_uri(), "0" * 64, base=base, unpack_dir=tmp_path / "u")
    with pytest.raises(InvalidArgument, match="does not exist"):
        promoted_model_spec("v5", "/no/such/model", "", base=base, unpack_dir=tmp_path / "u")
    with pytest.raises(InvalidArgument, match="local paths"):
        promoted_model_spec("v6", "s3://bucket/model", "", base=base, unpack_dir=tmp_path / "u")


# ---------------------------------------------------------------------------------------------- settings


def test_settings_env_and_backend_selection(monkeypatch, tmp_path):
    monkeypatch.setenv("AUTOCHEM_BACKEND", "openai")
    monkeypatch.setenv("AUTOCHEM_OPENAI_API_KEY", "sk-secret")
    monkeypatch.setenv("AUTOCHEM_MAX_QUEUED", "7")
    settings = SlmInferenceSettings()
    assert settings.backend == "openai" and settings.max_queued == 7
    assert "sk-secret" not in repr(settings) and settings.openai_api_key.get_secret_value() == "sk-secret"
    assert all(f.description for f in SlmInferenceSettings.model_fields.values())
    with pytest.raises(FailedPrecondition, match="openai_base_url"):
        create_backend(settings, spec("v"))

    if "autochem.inference.engine" not in sys.modules:
        try:
            import autochem.inference.engine  # noqa: F401
        except ImportError:
            with pytest.raises(FailedPrecondition, match="LocalEngineBackend"):
                create_backend(SlmInferenceSettings(backend="local"), spec("v"))

    with pytest.raises(FailedPrecondition, match="GGUF"):
        create_backend(
            SlmInferenceSettings(backend="llama.cpp"), ModelVersionSpec("v", ModelSource(tmp_path))
        )


def test_auto_backend_picks_llama_cpp_only_for_a_plain_gguf_on_cpu(monkeypatch, tmp_path):
    import autochem.inference.serving as serving

    pytest.importorskip("llama_cpp")
    pytest.importorskip("autochem.inference.engine")
    gguf = ModelVersionSpec("v", ModelSource(tmp_path, gguf_file="m.gguf"))
    directory = ModelVersionSpec("v", ModelSource(tmp_path))
    adapter = ModelVersionSpec("v", ModelSource(tmp_path, gguf_file="m.gguf"), adapter_path=tmp_path)
    monkeypatch.setattr(serving, "_cuda_available", lambda: False)
    assert [resolve_backend_kind("auto", s) for s in (gguf, directory, adapter)] == [
        "llama.cpp",
        "local",
        "local",
    ]
    monkeypatch.setattr(serving, "_cuda_available", lambda: True)
    assert resolve_backend_kind("auto", gguf) == "local"
    assert resolve_backend_kind("hf", gguf) == "hf"  # an explicit choice is kept


def test_local_backend_gets_the_weight_and_kv_formats_from_settings(monkeypatch):
    pytest.importorskip("autochem.inference.engine")
    monkeypatch.setenv("AUTOCHEM_WEIGHT_FORMAT", "int4")
    settings = SlmInferenceSettings(backend="local", kv_mode="int8")
    backend = create_backend(settings, spec("v7"))  # not started: nothing is loaded
    assert (backend.weight_format, backend.kv_mode, backend.model_version) == ("int4", "int8", "v7")
    import torch

    # device auto: the engine goes where torch sees a GPU (the int4 kernel is CPU-only: a clear refusal)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    with pytest.raises(FailedPrecondition, match="int4"):
        create_backend(settings, spec("v7"))
    gpu = create_backend(SlmInferenceSettings(backend="local", weight_format="fp32"), spec("v8"))
    assert gpu.device == "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert create_backend(settings, spec("v9")).device == "cpu"
    monkeypatch.setenv("AUTOCHEM_WEIGHT_FORMAT", "int3")
    with pytest.raises(ValueError, match="weight_format"):
        SlmInferenceSettings()


# ---------------------------------------------------------------------------------------------- test-time scaling


@dataclass
class _Candidate:
    text: str
    weighted_entropy: float
    mean_logprob: float
    score: float
    kept: bool
    revised_text: str | None
    answer: str | None


async def test_generate_with_tts_calls_the_tts_module_and_maps_every_candidate(monkeypatch):
    from autochem.inference import tts as tts_module

    calls = []

    @dataclass
    class TtsResult:
        candidates: list
        answer: str
        votes: dict
        chosen_text: str
        weighting: str

    async def run_test_time_scaling(backend, request, options, scorer=None):
        calls.append((backend.version, request.prompt, options, scorer))
        return TtsResult(
            [
                _Candidate("c1", 1.0, -0.5, 0.7, True, "c1 revised", "42"),
                _Candidate("c2", 2.0, -1.5, 1.2, False, None, "41"),
            ],
            "42",
            {"42": 2, "41": 1},
            "c1 revised",
            "uniform",
        )

    monkeypatch.setattr(tts_module, "run_test_time_scaling", run_test_time_scaling)

    registry = ModelRegistry(lambda s: FakeBackend(s.version))
    await registry.promote(spec("v1"))
    servicer = SlmInferenceServicer(InferenceService(registry, AdmissionQueue(2, 2)))
    reply = await servicer.Generate(
        pb.GenerateRequest(
            prompt="2*21?",
            params=pb.SamplingParams(max_new_tokens=64, temperature=0.8),
            test_time_scaling=pb.TestTimeScaling(n=2, top_k=1, lambda_weight=0.5, revise=True),
        ),
        None,
    )
    # A backend without local weights gets no attention-gradient scorer (uniform token weights).
    assert calls == [
        ("v1", "2*21?", tts_module.TtsOptions(n=2, top_k=1, lam=0.5, revise=True, max_new_tokens=64), None)
    ]
    tts = reply.test_time_scaling
    assert tts.answer == "42" and dict(tts.votes) == {"42": 2, "41": 1}
    assert [(c.text, c.kept, c.revised_text, c.answer) for c in tts.candidates] == [
        ("c1", True, "c1 revised", "42"),
        ("c2", False, "", "41"),
    ]
    assert tts.candidates[0].weighted_entropy == 1.0 and tts.candidates[1].mean_logprob == -1.5
    assert reply.text == "c1 revised" and reply.model_version == "v1"
