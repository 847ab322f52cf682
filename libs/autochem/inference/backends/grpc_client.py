"""A GenerationBackend that calls the slm-inference service: judges and the designer use a remote model
exactly like a local one. gRPC status codes come back as the domain errors the service raised."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import grpc

from autochem import errors
from autochem.inference.api import (
    ChatMessage,
    Decoding,
    FinishReason,
    GenerationRequest,
    GenerationResult,
    ModelInfo,
    TokenEvent,
)
from autochem.inference.backends.common import estimate_tokens
from autochem.rpc import bad_request_details, make_channel
from autochem.v1 import inference_pb2, inference_pb2_grpc

_DECODING = {
    Decoding.AUTO: inference_pb2.DECODING_AUTO,
    Decoding.GREEDY: inference_pb2.DECODING_GREEDY,
    Decoding.SAMPLE: inference_pb2.DECODING_SAMPLE,
    Decoding.LOOKAHEAD: inference_pb2.DECODING_LOOKAHEAD,
}
_FINISH = {
    inference_pb2.FINISH_REASON_STOP: FinishReason.STOP,
    inference_pb2.FINISH_REASON_LENGTH: FinishReason.LENGTH,
    inference_pb2.FINISH_REASON_CANCELLED: FinishReason.CANCELLED,
}
_ERRORS = {
    grpc.StatusCode.NOT_FOUND: errors.NotFound,
    grpc.StatusCode.FAILED_PRECONDITION: errors.FailedPrecondition,
    grpc.StatusCode.RESOURCE_EXHAUSTED: errors.ResourceExhausted,
    grpc.StatusCode.UNAVAILABLE: errors.Unavailable,
    grpc.StatusCode.DEADLINE_EXCEEDED: errors.DeadlineExceeded,
    grpc.StatusCode.UNAUTHENTICATED: errors.Unauthenticated,
    grpc.StatusCode.PERMISSION_DENIED: errors.PermissionDenied,
}


def request_to_proto(request: GenerationRequest) -> inference_pb2.GenerateRequest:
    p = request.params
    params = inference_pb2.SamplingParams(
        max_new_tokens=p.max_new_tokens,
        temperature=p.temperature,
        top_p=p.top_p,
        top_k=p.top_k,
        stop=list(p.stop),
        decoding=_DECODING[p.decoding],
        logprobs=p.logprobs,
        lookahead_window=p.lookahead_window,
        lookahead_ngram=p.lookahead_ngram,
    )
    if p.seed is not None:
        params.seed = p.seed
    return inference_pb2.GenerateRequest(
        prompt=request.prompt,
        messages=[inference_pb2.ChatMessage(role=m.role, content=m.content) for m in request.messages],
        model_version=request.model_version or "",
        params=params,
        request_id=request.request_id,
    )


def domain_error(exc: grpc.aio.AioRpcError) -> Exception:
    code = exc.code()
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        violations = bad_request_details(exc.trailing_metadata())
        field, reason = violations[0] if violations else ("", exc.details() or "invalid argument")
        return errors.InvalidArgument(field, reason)
    error_type = _ERRORS.get(code)
    return error_type(exc.details() or code.name) if error_type else exc


class GrpcSlmBackend:
    """``target`` is host:port of slm-inference; ``timeout_s`` bounds each call (generation can be long)."""

    backend_name = "grpc"

    def __init__(
        self,
        target: str,
        *,
        timeout_s: float = 300.0,
        token: str | None = None,
        max_message_bytes: int = 4 * 1024 * 1024,
        model_version: str | None = None,
    ) -> None:
        self.target = target
        self.timeout_s = timeout_s
        self.token = token
        self.max_message_bytes = max_message_bytes
        self.model_version = model_version  # None: whatever the service serves
        self._channel: grpc.aio.Channel | None = None
        self._stub: inference_pb2_grpc.SlmInferenceStub | None = None
        self._info = ModelInfo(self.backend_name, "", model_version or "", 0)

    async def start(self) -> None:
        self._channel = make_channel(
            self.target,
            max_message_bytes=self.max_message_bytes,
            token=self.token,
            default_timeout_s=self.timeout_s,
        )
        self._stub = inference_pb2_grpc.SlmInferenceStub(self._channel)
        await self.refresh_info()

    async def refresh_info(self) -> ModelInfo:
        """Ask the service which version it serves now (it changes on promotion)."""
        try:
            reply = await self._stub.ListModels(inference_pb2.ListModelsRequest(), timeout=self.timeout_s)
        except grpc.aio.AioRpcError as exc:
            raise domain_error(exc) from exc
        for m in reply.models:
            if m.current:
                self._info = ModelInfo(self.backend_name, m.model_name, m.model_version, m.max_context_tokens)
        return self._info

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
            self._channel = None

    def info(self) -> ModelInfo:
        return self._info

    def count_tokens(self, text: str) -> int:
        # The interface is synchronous and the tokenizer lives in the service: an estimate, which only
        # pre-checks prompt budgets; the service counts exactly and refuses what does not fit.
        return estimate_tokens(text)

    def _with_version(self, request: GenerationRequest) -> inference_pb2.GenerateRequest:
        msg = request_to_proto(request)
        if not msg.model_version and self.model_version:
            msg.model_version = self.model_version
        return msg

    async def generate(self, request: GenerationRequest) -> GenerationResult:
        try:
            r = await self._stub.Generate(self._with_version(request), timeout=self.timeout_s)
        except grpc.aio.AioRpcError as exc:
            raise domain_error(exc) from exc
        return GenerationResult(
            text=r.text,
            token_ids=list(r.token_ids),
            finish_reason=_FINISH.get(r.finish_reason, FinishReason.STOP),
            prompt_tokens=r.prompt_tokens,
            model_version=r.model_version,
            logprobs=list(r.logprobs) if request.params.logprobs else None,
            entropies=list(r.entropies) if request.params.logprobs else None,
            forward_passes=r.forward_passes,
        )

    async def stream(self, request: GenerationRequest) -> AsyncIterator[TokenEvent]:
        call = self._stub.GenerateStream(self._with_version(request), timeout=self.timeout_s)
        try:
            async for chunk in call:
                if chunk.text or chunk.token_ids:
                    yield TokenEvent(
                        token_ids=list(chunk.token_ids),
                        text=chunk.text,
                        logprobs=list(chunk.logprobs) or None,
                        entropies=list(chunk.entropies) or None,
                    )
        except grpc.aio.AioRpcError as exc:
            raise domain_error(exc) from exc
        finally:
            call.cancel()  # closing the iterator early cancels the server-side generation

    async def continuation_logprobs(
        self, prompt: str | Sequence[ChatMessage], continuations: Sequence[str]
    ) -> list[float]:
        msg = inference_pb2.ScoreContinuationsRequest(
            continuations=list(continuations), model_version=self.model_version or ""
        )
        if isinstance(prompt, str):
            msg.prompt = prompt
        else:
            msg.messages.extend(inference_pb2.ChatMessage(role=m.role, content=m.content) for m in prompt)
        try:
            reply = await self._stub.ScoreContinuations(msg, timeout=self.timeout_s)
        except grpc.aio.AioRpcError as exc:
            raise domain_error(exc) from exc
        return list(reply.logprobs)
