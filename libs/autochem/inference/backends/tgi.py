"""A GenerationBackend over Hugging Face Text Generation Inference, through huggingface_hub's
AsyncInferenceClient (the `text-generation` package pins huggingface-hub<1, which transformers 5 cannot use).

TGI takes raw text: chat messages are rendered with a local tokenizer's chat template. Per-token logprobs
come with ``details``; entropies are the top-k lower bound from ``top_n_tokens``. Continuations are scored
from the prefill logprobs TGI returns with ``decoder_input_details``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from autochem.errors import FailedPrecondition, InvalidArgument, ResourceExhausted, Unavailable
from autochem.inference.api import (
    ChatMessage,
    FinishReason,
    GenerationRequest,
    GenerationResult,
    ModelInfo,
    TokenEvent,
)
from autochem.inference.backends.common import (
    check_context,
    count_tokens_or_estimate,
    entropy_from_top_logprobs,
    render_prompt,
    request_prompt,
)

TOP_N_TOKENS = 5
DEFAULT_CONTEXT_TOKENS = 8192


class TgiBackend:
    backend_name = "tgi"

    def __init__(
        self,
        base_url: str,
        *,
        model_version: str,
        model_name: str = "tgi",
        timeout_s: float = 120.0,
        tokenizer=None,
        max_context_tokens: int = DEFAULT_CONTEXT_TOKENS,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model_version = model_version
        self.model_name = model_name
        self.timeout_s = timeout_s
        self.tokenizer = tokenizer
        self.max_context_tokens = max_context_tokens
        self._client = None

    async def start(self) -> None:
        from huggingface_hub import AsyncInferenceClient

        self._client = AsyncInferenceClient(base_url=self.base_url, timeout=self.timeout_s)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    def info(self) -> ModelInfo:
        return ModelInfo(self.backend_name, self.model_name, self.model_version, self.max_context_tokens)

    def count_tokens(self, text: str) -> int:
        return count_tokens_or_estimate(self.tokenizer, text)

    def _arguments(self, request: GenerationRequest) -> dict:
        p = request.params
        args = {
            "max_new_tokens": p.max_new_tokens,
            "do_sample": not p.greedy,
            "details": True,
            "stop": list(p.stop) or None,
            "seed": p.seed,
        }
        if not p.greedy:
            args["temperature"] = p.temperature
            args["top_k"] = p.top_k or None
            args["top_p"] = p.top_p if p.top_p < 1.0 else None  # TGI wants top_p strictly below 1
        if p.logprobs:
            args["top_n_tokens"] = TOP_N_TOKENS
        return args

    def _prompt_text(self, request: GenerationRequest) -> str:
        request.validate()
        text = render_prompt(self.tokenizer, request_prompt(request))
        check_context(self.count_tokens(text), request.params.max_new_tokens, self.max_context_tokens)
        return text

    async def stream(self, request: GenerationRequest) -> AsyncIterator[TokenEvent]:
        async for event, _details in self._stream(request):
            if event is not None:
                yield event

    async def generate(self, request: GenerationRequest) -> GenerationResult:
        text, ids, logprobs, entropies = [], [], [], []
        finish = FinishReason.STOP
        async for event, details in self._stream(request):
            if event is not None:
                text.append(event.text)
                ids += event.token_ids
                logprobs += event.logprobs or []
                entropies += event.entropies or []
            if details is not None and details.finish_reason == "length":
                finish = FinishReason.LENGTH
        want = request.params.logprobs
        return GenerationResult(
            text="".join(text),
            token_ids=ids,
            finish_reason=finish,
            prompt_tokens=self.count_tokens(self._prompt_text(request)),
            model_version=self.model_version,
            logprobs=logprobs if want else None,
            entropies=entropies if want else None,
            forward_passes=len(ids),
        )

    async def _stream(self, request: GenerationRequest):
        prompt = self._prompt_text(request)
        client = self._require_client()
        want = request.params.logprobs
        try:
            chunks = await client.text_generation(prompt, stream=True, **self._arguments(request))
            async for chunk in chunks:
                token = chunk.token
                if token.special:  # end-of-sequence: not part of the text
                    yield None, chunk.details
                    continue
                event = TokenEvent(token_ids=[token.id], text=token.text)
                if want:
                    event.logprobs = [token.logprob]
                    tops = chunk.top_tokens or []
                    event.entropies = [entropy_from_top_logprobs([t.logprob for t in tops])]
                yield event, chunk.details
        except Exception as exc:
            raise _domain_error(exc) from exc

    async def continuation_logprobs(
        self, prompt: str | Sequence[ChatMessage], continuations: Sequence[str]
    ) -> list[float]:
        text = render_prompt(self.tokenizer, prompt)
        client = self._require_client()
        scores = []
        for continuation in continuations:
            try:
                output = await client.text_generation(
                    text + continuation, max_new_tokens=1, details=True, decoder_input_details=True
                )
            except Exception as exc:
                raise _domain_error(exc) from exc
            prefill = output.details.prefill if output.details else None
            if not prefill:
                raise FailedPrecondition(
                    f"{self.base_url} did not return prefill logprobs (decoder_input_details)"
                )
            # Walk the prefill tokens' text to find those that start inside the continuation.
            offset, total, start, end = 0, 0.0, len(text), len(text) + len(continuation)
            for token in prefill:
                if start <= offset < end and token.logprob is not None:
                    total += token.logprob
                offset += len(token.text)
            scores.append(total)
        return scores

    def _require_client(self):
        if self._client is None:
            raise FailedPrecondition("backend not started")
        return self._client


def _domain_error(exc: Exception) -> Exception:
    from huggingface_hub.errors import HfHubHTTPError

    if isinstance(exc, HfHubHTTPError) and exc.response is not None:
        status = exc.response.status_code
        if status in (400, 422):
            return InvalidArgument("", f"TGI refused the request: {exc}")
        if status == 429:
            return ResourceExhausted(f"TGI is overloaded: {exc}")
        return Unavailable(f"TGI failed ({status}): {exc}")
    if isinstance(exc, OSError | TimeoutError):
        return Unavailable(f"TGI cannot be reached: {exc}")
    name = type(exc).__name__
    if name in ("ConnectError", "ReadTimeout", "ConnectTimeout", "RemoteProtocolError"):
        return Unavailable(f"TGI cannot be reached: {exc}")
    return exc
