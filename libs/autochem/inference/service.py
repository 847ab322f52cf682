"""The SlmInference gRPC servicer: proto ↔ domain only. The work is in autochem.inference.serving."""

from __future__ import annotations

import math

import grpc

from autochem.inference.api import ChatMessage, Decoding, FinishReason, GenerationRequest, SamplingParams
from autochem.inference.serving import InferenceService, StreamEnd, TestTimeScalingOptions
from autochem.rpc import require
from autochem.v1 import inference_pb2, inference_pb2_grpc

_DECODING = {
    inference_pb2.DECODING_AUTO: Decoding.AUTO,
    inference_pb2.DECODING_GREEDY: Decoding.GREEDY,
    inference_pb2.DECODING_SAMPLE: Decoding.SAMPLE,
    inference_pb2.DECODING_LOOKAHEAD: Decoding.LOOKAHEAD,
}
_FINISH = {
    FinishReason.STOP: inference_pb2.FINISH_REASON_STOP,
    FinishReason.LENGTH: inference_pb2.FINISH_REASON_LENGTH,
    FinishReason.CANCELLED: inference_pb2.FINISH_REASON_CANCELLED,
}
_DEFAULTS = SamplingParams()


def messages_from_proto(messages) -> tuple[ChatMessage, ...]:
    return tuple(ChatMessage(m.role, m.content) for m in messages)


def params_from_proto(p: inference_pb2.SamplingParams) -> SamplingParams:
    require(p.decoding in _DECODING, "params.decoding", "unknown decoding")
    return SamplingParams(
        max_new_tokens=p.max_new_tokens if p.HasField("max_new_tokens") else _DEFAULTS.max_new_tokens,
        temperature=p.temperature if p.HasField("temperature") else _DEFAULTS.temperature,
        top_p=p.top_p if p.HasField("top_p") else _DEFAULTS.top_p,
        top_k=p.top_k,
        seed=p.seed if p.HasField("seed") else None,
        stop=tuple(p.stop),
        decoding=_DECODING[p.decoding],
        logprobs=p.logprobs,
        lookahead_window=p.lookahead_window,
        lookahead_ngram=p.lookahead_ngram,
    )


def request_from_proto(msg: inference_pb2.GenerateRequest) -> GenerationRequest:
    kwargs = {"request_id": msg.request_id} if msg.request_id else {}
    return GenerationRequest(
        prompt=msg.prompt,
        messages=messages_from_proto(msg.messages),
        params=params_from_proto(msg.params),
        model_version=msg.model_version or None,
        **kwargs,
    )


def tts_options_from_proto(msg: inference_pb2.TestTimeScaling) -> TestTimeScalingOptions:
    return TestTimeScalingOptions(
        n=msg.n, top_k=msg.top_k, lam=msg.lambda_weight, revise=msg.revise, max_new_tokens=msg.max_new_tokens
    )


def tts_result_to_proto(result) -> inference_pb2.TestTimeScalingResult:
    """autochem.inference.tts.TtsResult → proto."""
    out = inference_pb2.TestTimeScalingResult(
        answer=result.answer or "", weighting=str(result.weighting), chosen_text=result.chosen_text
    )
    for c in result.candidates:
        out.candidates.add(
            text=c.text,
            weighted_entropy=_finite(c.weighted_entropy),
            mean_logprob=_finite(c.mean_logprob),
            score=_finite(c.score),
            kept=bool(c.kept),
            revised_text=c.revised_text or "",
            answer=c.answer or "",
        )
    for answer, count in result.votes.items():
        out.votes[str(answer)] = int(count)
    return out


def _finite(x) -> float:
    return float(x) if x is not None and math.isfinite(x) else 0.0


class SlmInferenceServicer(inference_pb2_grpc.SlmInferenceServicer):
    def __init__(self, service: InferenceService) -> None:
        self.service = service

    @property
    def in_flight(self) -> int:
        """Generation/scoring requests running or queued now (tests and the in-flight gauge read it)."""
        return self.service.in_flight

    async def Generate(self, request, context: grpc.aio.ServicerContext) -> inference_pb2.GenerateResponse:
        domain = request_from_proto(request)
        if request.HasField("test_time_scaling"):
            result, version = await self.service.generate_with_tts(
                domain, tts_options_from_proto(request.test_time_scaling)
            )
            return inference_pb2.GenerateResponse(
                text=result.chosen_text,
                finish_reason=inference_pb2.FINISH_REASON_STOP,
                model_version=version,
                test_time_scaling=tts_result_to_proto(result),
                request_id=domain.request_id,
            )
        result = await self.service.generate(domain)
        return inference_pb2.GenerateResponse(
            text=result.text,
            token_ids=result.token_ids,
            logprobs=result.logprobs or [],
            entropies=result.entropies or [],
            finish_reason=_FINISH[result.finish_reason],
            prompt_tokens=result.prompt_tokens,
            completion_tokens=len(result.token_ids),
            model_version=result.model_version,
            forward_passes=result.forward_passes,
            request_id=domain.request_id,
        )

    async def GenerateStream(self, request, context: grpc.aio.ServicerContext):
        require(
            not request.HasField("test_time_scaling"),
            "test_time_scaling",
            "only Generate runs test-time scaling",
        )
        domain = request_from_proto(request)
        async for item in self.service.stream(domain):
            if isinstance(item, StreamEnd):
                yield inference_pb2.GenerateChunk(
                    finish_reason=_FINISH[item.finish_reason],
                    completion_tokens=item.completion_tokens,
                    model_version=item.model_version,
                    request_id=domain.request_id,
                )
            else:
                yield inference_pb2.GenerateChunk(
                    text=item.text,
                    token_ids=item.token_ids,
                    logprobs=item.logprobs or [],
                    entropies=item.entropies or [],
                    request_id=domain.request_id,
                )

    async def ScoreContinuations(self, request, context) -> inference_pb2.ScoreContinuationsResponse:
        require(
            bool(request.prompt) != bool(request.messages), "prompt", "give exactly one of prompt or messages"
        )
        prompt = request.prompt or messages_from_proto(request.messages)
        logprobs, version = await self.service.score(
            prompt, list(request.continuations), request.model_version or None
        )
        return inference_pb2.ScoreContinuationsResponse(logprobs=logprobs, model_version=version)

    async def ListModels(self, request, context) -> inference_pb2.ListModelsResponse:
        response = inference_pb2.ListModelsResponse()
        for info, current, in_flight in self.service.models():
            response.models.add(
                backend=info.backend,
                model_name=info.model_name,
                model_version=info.model_version,
                max_context_tokens=info.max_context_tokens,
                current=current,
                in_flight=in_flight,
            )
            if current:
                response.current_version = info.model_version
        return response
