"""LlamaCppBackend on the real SmolLM2 GGUF: generation, streaming with stop strings and logprobs, chat
template, continuation scoring, context check, cancellation; and the same via the service factory."""

from __future__ import annotations

import asyncio

import pytest
import pytest_asyncio

from autochem.errors import InvalidArgument
from autochem.inference.api import ChatMessage, FinishReason, GenerationRequest, SamplingParams

pytest.importorskip("llama_cpp")
pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def llama(smol_source):
    from autochem.inference.serving import ModelVersionSpec, SlmInferenceSettings, create_backend

    backend = create_backend(
        SlmInferenceSettings(backend="llama.cpp", llama_n_ctx=1024, _env_file=None),
        ModelVersionSpec("smollm2-135m-q4_1", smol_source),
    )
    await backend.start()
    yield backend
    await backend.close()


async def test_generate_stream_logprobs_and_stop(llama):
    assert llama.info().backend == "llama.cpp" and llama.info().max_context_tokens == 1024
    request = GenerationRequest(
        prompt="The capital of France is", params=SamplingParams(max_new_tokens=12, logprobs=True)
    )
    result = await llama.generate(request)
    assert result.text.strip() and result.finish_reason in (FinishReason.LENGTH, FinishReason.STOP)
    assert (
        len(result.logprobs) == len(result.entropies) == len(result.token_ids) and result.prompt_tokens == 5
    )
    assert all(lp <= 0 for lp in result.logprobs) and all(h >= 0 for h in result.entropies)
    streamed = "".join([e.text async for e in llama.stream(request)])
    assert streamed == result.text  # greedy is deterministic

    stopped = await llama.generate(
        GenerationRequest(prompt="1, 2, 3, 4,", params=SamplingParams(max_new_tokens=20, stop=(" 7",)))
    )
    assert stopped.finish_reason is FinishReason.STOP and " 7" not in stopped.text and "6" in stopped.text


async def test_chat_scoring_context_and_cancel(llama):
    chat = await llama.generate(
        GenerationRequest(
            messages=(ChatMessage("user", "What is 2+2?"),), params=SamplingParams(max_new_tokens=8)
        )
    )
    assert chat.text.strip() and chat.prompt_tokens > 10
    paris, berlin = await llama.continuation_logprobs("The capital of France is", [" Paris", " Berlin"])
    assert paris > berlin and paris < 0
    with pytest.raises(InvalidArgument) as err:
        await llama.generate(
            GenerationRequest(prompt="hello " * 1200, params=SamplingParams(max_new_tokens=4))
        )
    assert err.value.field == "prompt"
    # Closing the stream after one event cancels the generation and frees the backend for the next request.
    stream = llama.stream(
        GenerationRequest(prompt="Tell a story.", params=SamplingParams(max_new_tokens=500))
    )
    await anext(stream)
    await asyncio.wait_for(stream.aclose(), 5)
    again = await asyncio.wait_for(
        llama.generate(GenerationRequest(prompt="Hi", params=SamplingParams(max_new_tokens=2))), 10
    )
    assert again.token_ids


async def test_cancelled_requests_never_share_the_context_with_the_next_one(llama):
    """A request cancelled while its thread is inside llama.cpp must not let the next request into the
    same context before that thread leaves (two threads in one context crash the process)."""
    long_request = GenerationRequest(
        prompt="List the unit operations of a sulfuric acid plant:", params=SamplingParams(max_new_tokens=200)
    )

    async def consume():
        async for _ in llama.stream(long_request):
            pass

    for _ in range(5):
        task = asyncio.create_task(consume())
        await asyncio.sleep(0.3)
        task.cancel()
        # Immediately race scoring and a new generation against the cancelled thread.
        scores, short = await asyncio.gather(
            llama.continuation_logprobs("The capital of France is", [" Paris", " Berlin"]),
            llama.generate(GenerationRequest(prompt="2 + 2 =", params=SamplingParams(max_new_tokens=4))),
        )
        assert scores[0] > scores[1] and short.token_ids
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_scoring_from_the_cached_prompt_equals_a_full_evaluation_per_continuation(llama):
    """The prompt is evaluated once and each continuation from its cached state; the log-probs must equal
    evaluating prompt + continuation from scratch (up to float rounding)."""
    import numpy as np

    prompt = "Nitric acid is made by oxidising ammonia over a"
    continuations = [" platinum gauze", " nickel catalyst at high pressure", " x"]
    cached = await llama.continuation_logprobs(prompt, continuations)
    llm = llama._llm
    prompt_ids = llama._tokenize(prompt)
    full = []
    for text in continuations:
        cont = llm.tokenize(text.encode(), add_bos=False, special=False)
        llm.reset()
        llm.eval(prompt_ids + cont)
        rows = np.asarray(llm.scores[len(prompt_ids) - 1 : len(prompt_ids) + len(cont) - 1], dtype=np.float64)
        rows = rows - rows.max(axis=1, keepdims=True)
        logp = rows - np.log(np.exp(rows).sum(axis=1, keepdims=True))
        full.append(float(logp[np.arange(len(cont)), cont].sum()))
    assert np.allclose(cached, full, atol=1e-2), (cached, full)
    assert cached[0] > cached[1]  # the short, likely continuation beats the long one
