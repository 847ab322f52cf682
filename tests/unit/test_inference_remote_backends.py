"""OpenAICompatibleBackend and TgiBackend against real local HTTP servers speaking the OpenAI
(/v1/completions, /v1/chat/completions) and TGI (/, /generate, /generate_stream) wire formats, backed by a
tiny deterministic word model; what each backend sends is recorded and checked too."""

from __future__ import annotations

import json
import re
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from autochem.errors import FailedPrecondition, InvalidArgument
from autochem.inference.api import ChatMessage, FinishReason, GenerationRequest, SamplingParams
from autochem.inference.backends.openai_compat import OpenAICompatibleBackend
from autochem.inference.backends.tgi import TgiBackend

WORDS = ["The", " answer", " is", " 42", ".", " Done"]
TOKEN_LOGPROB = -0.5
WORD_RE = re.compile(r"\s*\S+")


def completion_words(max_tokens: int, stop: list[str] | None) -> tuple[list[str], str]:
    out, text = [], ""
    for i in range(max_tokens):
        word = WORDS[i % len(WORDS)]
        if stop and any(s in text + word for s in stop):
            return out, "stop"
        out.append(word)
        text += word
    return out, "length"


def top(word: str) -> list[tuple[str, float]]:
    return [(word, TOKEN_LOGPROB), ("x", -1.5)]


class ModelServer(BaseHTTPRequestHandler):
    requests: list[tuple[str, dict]]

    def log_message(self, *args):  # keep pytest output clean
        pass

    def _json(self, body, status=200):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _sse(self, events, done_marker=True):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for event in events:
            self.wfile.write(f"data:{json.dumps(event)}\n\n".encode())
            self.wfile.flush()
        if done_marker:
            self.wfile.write(b"data: [DONE]\n\n")

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append((self.path, body))
        if self.path == "/v1/completions":
            return self._completions(body)
        if self.path == "/v1/chat/completions":
            return self._chat(body)
        if self.path in ("/", "/generate", "/generate_stream"):
            return self._tgi(body)
        self._json({"error": "not found"}, 404)

    # --- OpenAI
    def _completions(self, body):
        if body.get("echo") and self.server.no_echo:
            return self._json(
                {"error": {"message": "echo is not supported", "type": "invalid_request_error"}}, 400
            )
        words, finish = completion_words(body["max_tokens"], body.get("stop"))
        base = {"id": "c1", "object": "text_completion", "created": 0, "model": body["model"]}
        if body.get("echo"):
            prompt = body["prompt"]
            pieces = WORD_RE.findall(prompt) + words[:1]
            offsets, at = [], 0
            for piece in pieces:
                offsets.append(at)
                at += len(piece)
            logprobs = {
                "tokens": pieces,
                "token_logprobs": [None] + [TOKEN_LOGPROB] * (len(pieces) - 1),
                "top_logprobs": None,
                "text_offset": offsets,
            }
            choice = {"index": 0, "text": prompt + words[0], "logprobs": logprobs, "finish_reason": "length"}
            return self._json({**base, "choices": [choice]})
        want = body.get("logprobs")

        def chunk(word, finish_reason=None):
            lp = None
            if want and word:
                lp = {
                    "tokens": [word],
                    "token_logprobs": [TOKEN_LOGPROB],
                    "top_logprobs": [dict(top(word))],
                    "text_offset": [0],
                }
            return {
                **base,
                "choices": [{"index": 0, "text": word, "logprobs": lp, "finish_reason": finish_reason}],
            }

        self._sse([*(chunk(w) for w in words), chunk("", finish)])

    def _chat(self, body):
        words, finish = completion_words(body["max_tokens"], body.get("stop"))
        want = body.get("logprobs")
        base = {"id": "c2", "object": "chat.completion.chunk", "created": 0, "model": body["model"]}

        def chunk(word, finish_reason=None):
            lp = None
            if want and word:
                lp = {
                    "content": [
                        {
                            "token": word,
                            "logprob": TOKEN_LOGPROB,
                            "bytes": None,
                            "top_logprobs": [{"token": t, "logprob": v, "bytes": None} for t, v in top(word)],
                        }
                    ]
                }
            delta = {"content": word} if word else {}
            return {
                **base,
                "choices": [{"index": 0, "delta": delta, "logprobs": lp, "finish_reason": finish_reason}],
            }

        self._sse([*(chunk(w) for w in words), chunk("", finish)])

    # --- TGI
    def _tgi(self, body):
        params = body.get("parameters", {})
        words, finish = completion_words(params.get("max_new_tokens", 20), params.get("stop"))
        if params.get("decoder_input_details"):
            pieces = WORD_RE.findall(body["inputs"])
            prefill = [
                {"id": i, "text": p, "logprob": None if i == 0 else TOKEN_LOGPROB}
                for i, p in enumerate(pieces)
            ]
            details = {
                "finish_reason": "length",
                "generated_tokens": 1,
                "seed": None,
                "prefill": prefill,
                "tokens": [{"id": 99, "text": words[0], "logprob": TOKEN_LOGPROB, "special": False}],
            }
            return self._json([{"generated_text": words[0], "details": details}])
        if not (body.get("stream") or self.path == "/generate_stream"):
            return self._json([{"generated_text": "".join(words)}])
        events = []
        for i, word in enumerate(words):
            tops = [{"id": 0, "text": t, "logprob": v, "special": False} for t, v in top(word)]
            events.append(
                {
                    "index": i,
                    "token": {"id": 100 + i, "text": word, "logprob": TOKEN_LOGPROB, "special": False},
                    "top_tokens": tops if params.get("top_n_tokens") else None,
                    "generated_text": None,
                    "details": None,
                }
            )
        if finish != "length":  # EOS arrives as a special token
            events.append(
                {
                    "index": len(words),
                    "token": {"id": 2, "text": "</s>", "logprob": -0.1, "special": True},
                    "top_tokens": None,
                    "generated_text": None,
                    "details": None,
                }
            )
        events[-1]["generated_text"] = "".join(words)
        events[-1]["details"] = {
            "finish_reason": "length" if finish == "length" else "eos_token",
            "generated_tokens": len(words),
            "seed": None,
        }
        self._sse(events, done_marker=False)


@contextmanager
def model_server(*, no_echo=False):
    server = ThreadingHTTPServer(("127.0.0.1", 0), ModelServer)
    server.requests = []
    server.no_echo = no_echo
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


async def _started(backend):
    await backend.start()
    return backend


# ---------------------------------------------------------------------------------------------- OpenAI


async def test_openai_completions_stream_generate_and_params():
    with model_server() as server:
        base = f"http://127.0.0.1:{server.server_port}/v1"
        backend = await _started(
            OpenAICompatibleBackend(base, api_key="k", model="smol", model_version="remote-1")
        )
        try:
            request = GenerationRequest(
                prompt="Q: what is it?",
                params=SamplingParams(max_new_tokens=4, temperature=0.7, top_k=20, seed=3, logprobs=True),
            )
            result = await backend.generate(request)
            assert result.text == "The answer is 42" and result.finish_reason is FinishReason.LENGTH
            assert result.logprobs == [TOKEN_LOGPROB] * 4 and result.model_version == "remote-1"
            assert all(0 < h < 1.5 for h in result.entropies)  # top-2 plus the rest
            path, sent = server.requests[-1]
            assert path == "/v1/completions" and sent["stream"] is True and sent["seed"] == 3
            assert sent["top_k"] == 20 and sent["temperature"] == 0.7 and sent["logprobs"] == 5

            events = [
                e
                async for e in backend.stream(
                    GenerationRequest(prompt="x", params=SamplingParams(max_new_tokens=6, stop=(".",)))
                )
            ]
            assert "".join(e.text for e in events) == "The answer is 42"
            assert server.requests[-1][1]["stop"] == ["."]
        finally:
            await backend.close()


async def test_openai_chat_stream_and_scoring():
    with model_server() as server:
        base = f"http://127.0.0.1:{server.server_port}/v1"
        backend = await _started(OpenAICompatibleBackend(base, api_key="k", model="smol", model_version="r"))
        try:
            chat = await backend.generate(
                GenerationRequest(
                    messages=(ChatMessage("user", "hi"),),
                    params=SamplingParams(max_new_tokens=3, logprobs=True),
                )
            )
            assert chat.text == "The answer is" and len(chat.logprobs) == 3 and len(chat.entropies) == 3
            assert server.requests[-1][0] == "/v1/chat/completions"
            assert server.requests[-1][1]["messages"] == [{"role": "user", "content": "hi"}]

            scores = await backend.continuation_logprobs("The capital is", [" Paris", " New York"])
            assert scores == [TOKEN_LOGPROB, 2 * TOKEN_LOGPROB]  # one word, two words after the prompt
            sent = server.requests[-1][1]
            assert sent["echo"] is True and sent["prompt"] == "The capital is New York"
        finally:
            await backend.close()


async def test_openai_scoring_without_echo_support_is_failed_precondition():
    with model_server(no_echo=True) as server:
        backend = await _started(
            OpenAICompatibleBackend(
                f"http://127.0.0.1:{server.server_port}/v1", api_key="k", model="m", model_version="r"
            )
        )
        try:
            with pytest.raises(FailedPrecondition, match="echo"):
                await backend.continuation_logprobs("p", ["c"])
            with pytest.raises(InvalidArgument):
                await backend.generate(GenerationRequest(prompt="x", params=SamplingParams(top_p=0.0)))
        finally:
            await backend.close()


# ---------------------------------------------------------------------------------------------- TGI


async def test_tgi_stream_details_and_scoring():
    with model_server() as server:
        backend = await _started(TgiBackend(f"http://127.0.0.1:{server.server_port}", model_version="tgi-1"))
        try:
            result = await backend.generate(
                GenerationRequest(
                    prompt="Q?",
                    params=SamplingParams(max_new_tokens=5, logprobs=True, temperature=0.5, seed=7),
                )
            )
            assert result.text == "The answer is 42." and result.token_ids == [100, 101, 102, 103, 104]
            assert result.finish_reason is FinishReason.LENGTH and result.logprobs == [TOKEN_LOGPROB] * 5
            assert len(result.entropies) == 5
            _path, sent = server.requests[-1]
            assert (
                sent["stream"] is True and sent["parameters"]["seed"] == 7 and sent["parameters"]["do_sample"]
            )
            assert sent["parameters"]["top_n_tokens"] == 5 and "top_p" not in {
                k for k, v in sent["parameters"].items() if v is not None
            }

            stopped = await backend.generate(
                GenerationRequest(prompt="Q?", params=SamplingParams(max_new_tokens=9, stop=(" 42",)))
            )
            assert stopped.text == "The answer is" and stopped.finish_reason is FinishReason.STOP

            scores = await backend.continuation_logprobs("The capital is", [" Paris", " New York"])
            assert scores == [TOKEN_LOGPROB, 2 * TOKEN_LOGPROB]
            assert server.requests[-1][1]["parameters"]["decoder_input_details"] is True
        finally:
            await backend.close()


async def test_tgi_chat_needs_a_template_and_unreachable_server_is_unavailable():
    from autochem.errors import Unavailable

    backend = await _started(TgiBackend("http://127.0.0.1:9", model_version="x", timeout_s=2))
    try:
        with pytest.raises(FailedPrecondition, match="chat template"):
            await backend.generate(GenerationRequest(messages=(ChatMessage("user", "hi"),)))
        started = time.perf_counter()
        with pytest.raises(Unavailable):
            await backend.generate(GenerationRequest(prompt="hi"))
        assert time.perf_counter() - started < 5
    finally:
        await backend.close()
