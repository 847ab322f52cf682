"""A GenerationBackend over an OpenAI-compatible server (vLLM, KServe's OpenAI runtime, a hosted API).

Raw prompts use /v1/completions, chat messages /v1/chat/completions, both streamed. Servers report the
top-k log-probabilities of each token, not the whole distribution, so entropies are the top-k lower bound
(see :func:`entropy_from_top_logprobs`). Continuation scoring uses /v1/completions with ``echo`` and
``logprobs`` (vLLM supports it); a server without it gives a FailedPrecondition saying so.
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
    chat_dicts,
    check_context,
    count_tokens_or_estimate,
    entropy_from_top_logprobs,
    render_prompt,
)

TOP_LOGPROBS = 5  # alternatives asked per token when logprobs are wanted (OpenAI allows up to 20)
DEFAULT_CONTEXT_TOKENS = 8192


class OpenAICompatibleBackend:
    backend_name = "openai"

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str,
        model: str,
        model_version: str,
        timeout_s: float = 120.0,
        tokenizer=None,
        max_context_tokens: int = DEFAULT_CONTEXT_TOKENS,
    ) -> None:
        self.base_url = base_url
        self.model = model
        self.model_version = model_version
        self.timeout_s = timeout_s
        self.tokenizer = tokenizer  # optional: exact token counts and chat templates for scoring
        self.max_context_tokens = max_context_tokens
        self._api_key = api_key
        self._client = None

    async def start(self) -> None:
        from openai import AsyncOpenAI

        # Retries stay with our callers (and grpc); one attempt keeps admission accounting honest.
        self._client = AsyncOpenAI(
            base_url=self.base_url, api_key=self._api_key, timeout=self.timeout_s, max_retries=0
        )

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    def info(self) -> ModelInfo:
        return ModelInfo(self.backend_name, self.model, self.model_version, self.max_context_tokens)

    def count_tokens(self, text: str) -> int:
        return count_tokens_or_estimate(self.tokenizer, text)

    def _sampling(self, request: GenerationRequest) -> dict:
        p = request.params
        kwargs = {
            "model": self.model,
            "max_tokens": p.max_new_tokens,
            "temperature": 0.0 if p.greedy else p.temperature,
            "top_p": p.top_p,
        }
        if p.seed is not None:
            kwargs["seed"] = p.seed
        if p.stop:
            kwargs["stop"] = list(p.stop)
        if p.top_k:
            kwargs["extra_body"] = {"top_k": p.top_k}  # vLLM's extension; others ignore unknown fields
        return kwargs

    async def stream(self, request: GenerationRequest) -> AsyncIterator[TokenEvent]:
        async for event, _finish in self._stream(request):
            if event is not None:
                yield event

    async def generate(self, request: GenerationRequest) -> GenerationResult:
        text, logprobs, entropies, finish = [], [], [], FinishReason.STOP
        tokens = 0
        async for event, finish_reason in self._stream(request):
            if event is not None:
                text.append(event.text)
                logprobs += event.logprobs or []
                entropies += event.entropies or []
                tokens += 1
            if finish_reason is not None:
                finish = finish_reason
        prompt_text = request.prompt or (
            render_prompt(self.tokenizer, request.messages) if self.tokenizer else ""
        )
        return GenerationResult(
            text="".join(text),
            token_ids=[],
            finish_reason=finish,
            prompt_tokens=self.count_tokens(prompt_text) if prompt_text else 0,
            model_version=self.model_version,
            logprobs=logprobs if request.params.logprobs else None,
            entropies=entropies if request.params.logprobs else None,
            forward_passes=tokens,
        )

    async def _stream(self, request: GenerationRequest):
        """(TokenEvent or None, FinishReason or None) pairs from the server's SSE stream."""
        request.validate()
        if request.prompt:
            check_context(
                self.count_tokens(request.prompt), request.params.max_new_tokens, self.max_context_tokens
            )
        client = self._require_client()
        want = request.params.logprobs
        try:
            if request.messages:
                extra = {"logprobs": True, "top_logprobs": TOP_LOGPROBS} if want else {}
                response = await client.chat.completions.create(
                    messages=chat_dicts(request.messages), stream=True, **self._sampling(request), **extra
                )
            else:
                extra = {"logprobs": TOP_LOGPROBS} if want else {}
                response = await client.completions.create(
                    prompt=request.prompt, stream=True, **self._sampling(request), **extra
                )
            async with response:
                async for chunk in response:
                    for choice in chunk.choices:
                        yield (
                            _event_from_choice(choice, chat=bool(request.messages), want=want),
                            _finish(choice.finish_reason),
                        )
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
                response = await client.completions.create(
                    model=self.model,
                    prompt=text + continuation,
                    max_tokens=1,
                    echo=True,
                    logprobs=1,
                    temperature=0.0,
                )
            except Exception as exc:
                error = _domain_error(exc)
                if isinstance(error, InvalidArgument):
                    raise FailedPrecondition(
                        f"{self.base_url} cannot score continuations (completions with echo+logprobs): {exc}"
                    ) from exc
                raise error from exc
            lp = response.choices[0].logprobs if response.choices else None
            if lp is None or not lp.token_logprobs or not lp.text_offset:
                raise FailedPrecondition(
                    f"{self.base_url} does not return prompt logprobs (completions with echo+logprobs)"
                )
            end = len(text) + len(continuation)
            # Tokens whose text starts inside the continuation; the echoed prompt's first token has no logprob.
            picked = [
                value
                for offset, value in zip(lp.text_offset, lp.token_logprobs, strict=False)
                if len(text) <= offset < end and value is not None
            ]
            scores.append(float(sum(picked)))
        return scores

    def _require_client(self):
        if self._client is None:
            raise FailedPrecondition("backend not started")
        return self._client


def _finish(reason: str | None) -> FinishReason | None:
    if reason is None:
        return None
    return FinishReason.LENGTH if reason == "length" else FinishReason.STOP


def _event_from_choice(choice, *, chat: bool, want: bool) -> TokenEvent | None:
    text = (choice.delta.content if chat else choice.text) or ""
    logprobs = entropies = None
    if want and choice.logprobs is not None:
        if chat:
            items = choice.logprobs.content or []
            logprobs = [i.logprob for i in items]
            entropies = [entropy_from_top_logprobs([t.logprob for t in i.top_logprobs or []]) for i in items]
        else:
            logprobs = [v for v in choice.logprobs.token_logprobs or [] if v is not None]
            entropies = [
                entropy_from_top_logprobs(list(top.values())) for top in choice.logprobs.top_logprobs or []
            ]
    if not text and not logprobs:
        return None
    return TokenEvent(token_ids=[], text=text, logprobs=logprobs, entropies=entropies)


def _domain_error(exc: Exception) -> Exception:
    """openai client errors as our domain errors (the gRPC layer maps those to status codes)."""
    import openai

    if isinstance(exc, openai.BadRequestError):
        return InvalidArgument("", f"the server refused the request: {exc.message}")
    if isinstance(exc, openai.RateLimitError):
        return ResourceExhausted(f"the server is overloaded: {exc.message}")
    if isinstance(exc, openai.APIConnectionError | openai.InternalServerError | openai.APITimeoutError):
        return Unavailable(f"the OpenAI-compatible server failed: {exc}")
    return exc
