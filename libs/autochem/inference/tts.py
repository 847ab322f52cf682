"""Test-time scaling: sample several chain-of-thought answers, rank them by confidence, let the model
critique and revise the best ones, and majority-vote over the final answers (DESIGN.md §6).

Per candidate i with T generated tokens:

    H_t  entropy (nats) of the model's next-token distribution at step t   (from the backend)
    w_t  token importance, attention received * |dNLL/dlogits_t|, scaled so Σ w_t = T
    H_bar = Σ_t w_t·H_t / T            weighted mean entropy (uncertainty where it matters)
    l_bar = Σ_t log p(y_t | ...) / T   mean log-probability (fluency)
    score = λ·H_bar - (1-λ)·l_bar      lower is better

The K lowest-scoring candidates are kept; each is critiqued and then revised by the same backend; one
answer is extracted from every kept original and every revision, and the most frequent answer wins.

Token weights need the model's internals (attentions, gradients), so they come from a
``TokenWeightScorer`` over local transformers weights. A backend without local weights (a remote
server) runs with w_t = 1 and the result says ``weighting="uniform"``.
"""

from __future__ import annotations

import asyncio
import math
import re
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from autochem.errors import FailedPrecondition, InvalidArgument
from autochem.inference.api import (
    MAX_NEW_TOKENS_LIMIT,
    ChatMessage,
    Decoding,
    GenerationBackend,
    GenerationRequest,
    GenerationResult,
    SamplingParams,
)

MAX_CANDIDATES = 32

# Our own prompts. The "Answer:" line is requested everywhere because it is what the extractor trusts
# first; free-form conclusions are only a fallback.
CHAIN_OF_THOUGHT_INSTRUCTION = (
    "You are a chemical process engineer. Work through the problem step by step: state what is given, "
    "reason about each step, and check units and mass/energy balances where they apply. "
    "Finish with one final line of the form 'Answer: <your final answer>'."
)
CRITIC_INSTRUCTION = (
    "You review answers to chemical process engineering questions. Be specific and brief: name wrong "
    "facts, faulty reasoning steps, unit or balance errors, and anything important that is missing. "
    "If the answer is correct, say so."
)
REVISION_REQUEST = (
    "Rewrite the draft into a corrected, complete answer that fixes the problems the review found and "
    "keeps what was right. Reason step by step, then end with one line of the form "
    "'Answer: <your final answer>'."
)

# Seed streams: sub-request k of role r gets stream r + k. Roles are apart by more than MAX_CANDIDATES.
_CANDIDATE_STREAM = 0
_CRITIQUE_STREAM = 100
_REVISION_STREAM = 200
_SEED_MODULUS = 2**63
_SEED_STRIDE = 0x9E3779B97F4A7C15  # odd, so k ↦ base + k·stride is a bijection modulo 2**63


class TokenWeighting(StrEnum):
    ATTENTION_GRADIENT = "attention_gradient"
    UNIFORM = "uniform"


@dataclass(frozen=True)
class TtsOptions:
    n: int = 4  # candidates sampled
    top_k: int = 2  # candidates kept for critique/revision and voting
    lam: float = 0.5  # λ: weight of entropy against (negated) mean log-probability in the score
    revise: bool = True
    max_new_tokens: int = 256  # per generation (candidate, critique and revision alike)
    temperature: float = 0.8
    seed: int | None = None  # None: a fresh random base seed, reported in TtsResult.seed

    def validate(self) -> None:
        """Raise InvalidArgument naming the first bad option."""
        if isinstance(self.n, bool) or not isinstance(self.n, int) or not 1 <= self.n <= MAX_CANDIDATES:
            raise InvalidArgument("options.n", f"must be an integer in 1..{MAX_CANDIDATES}")
        if isinstance(self.top_k, bool) or not isinstance(self.top_k, int) or not 1 <= self.top_k <= self.n:
            raise InvalidArgument("options.top_k", f"must be an integer in 1..n (n={self.n})")
        if not (isinstance(self.lam, int | float) and math.isfinite(self.lam) and 0.0 <= self.lam <= 1.0):
            raise InvalidArgument("options.lam", "must be a number in [0, 1]")
        if not isinstance(self.revise, bool):
            raise InvalidArgument("options.revise", "must be true or false")
        if not isinstance(self.max_new_tokens, int) or not 1 <= self.max_new_tokens <= MAX_NEW_TOKENS_LIMIT:
            raise InvalidArgument(
                "options.max_new_tokens", f"must be an integer in 1..{MAX_NEW_TOKENS_LIMIT}"
            )
        # Candidates must differ, so temperature 0 (greedy: N identical samples) is refused.
        if not (
            isinstance(self.temperature, int | float)
            and math.isfinite(self.temperature)
            and 0.0 < self.temperature <= 5.0
        ):
            raise InvalidArgument("options.temperature", "must be a number in (0, 5]")
        if self.seed is not None and (
            isinstance(self.seed, bool)
            or not isinstance(self.seed, int)
            or not 0 <= self.seed < _SEED_MODULUS
        ):
            raise InvalidArgument("options.seed", "must be a non-negative 63-bit integer")


@dataclass
class TtsCandidate:
    text: str
    weighted_entropy: float  # H_bar
    mean_logprob: float  # l_bar
    score: float  # λ·H_bar - (1-λ)·l_bar; lower is better; +inf for an empty generation
    kept: bool  # among the top-K by score
    revised_text: str | None  # None unless kept and revision was on
    answer: str  # extracted and normalized from text ("" when nothing could be extracted)
    token_count: int
    revised_answer: str | None = None
    critique: str | None = None
    seed: int | None = None


@dataclass
class TtsResult:
    candidates: list[TtsCandidate]  # in sampling order
    answer: str  # the winning normalized answer ("" when no text yielded one)
    votes: dict[str, int]  # normalized answer → how many kept originals and revisions gave it
    chosen_text: str
    weighting: TokenWeighting = TokenWeighting.UNIFORM
    seed: int = 0  # the base seed the sub-request seeds were derived from


# ---------------------------------------------------------------------------------------------------
# Seeds and prompts


def derive_seed(base_seed: int, stream: int) -> int:
    """A distinct, reproducible seed per sub-request (distinct streams never collide)."""
    return (base_seed + (stream + 1) * _SEED_STRIDE) % _SEED_MODULUS


def _with_instruction(request: GenerationRequest, instruction: str) -> tuple[ChatMessage, ...]:
    """The caller's conversation with the chain-of-thought instruction added to its system message.

    A raw prompt becomes the user turn: critique and revision are conversations anyway, and the same
    instruction must apply to every candidate.
    """
    if request.prompt:
        return (ChatMessage("system", instruction), ChatMessage("user", request.prompt))
    system_parts = [m.content for m in request.messages if m.role == "system"]
    turns = tuple(m for m in request.messages if m.role != "system")
    return (ChatMessage("system", "\n\n".join([*system_parts, instruction])), *turns)


def _question_text(request: GenerationRequest) -> str:
    """The caller's question as plain text, for the critique and revision prompts."""
    if request.prompt:
        return request.prompt.strip()
    non_system = [m for m in request.messages if m.role != "system"]
    parts = [f"Context:\n{m.content.strip()}" for m in request.messages if m.role == "system"]
    if len(non_system) == 1:
        parts.append(non_system[0].content.strip())
    else:
        parts.extend(f"{m.role.capitalize()}: {m.content.strip()}" for m in non_system)
    return "\n\n".join(parts)


def _critique_messages(question: str, draft: str) -> tuple[ChatMessage, ...]:
    return (
        ChatMessage("system", CRITIC_INSTRUCTION),
        ChatMessage(
            "user", f"Question:\n{question}\n\nDraft answer:\n{draft.strip() or '(empty)'}\n\nReview:"
        ),
    )


def _revision_messages(question: str, draft: str, critique: str) -> tuple[ChatMessage, ...]:
    return (
        ChatMessage("system", CHAIN_OF_THOUGHT_INSTRUCTION),
        ChatMessage(
            "user",
            f"Question:\n{question}\n\nDraft answer:\n{draft.strip() or '(empty)'}\n\n"
            f"Review of the draft:\n{critique.strip() or '(no comments)'}\n\n{REVISION_REQUEST}",
        ),
    )


# ---------------------------------------------------------------------------------------------------
# Scoring


def normalize_token_weights(raw: Sequence[float]) -> list[float]:
    """Scale non-negative importances so they sum to T = len(raw); uniform when they carry no signal.

    Negative or non-finite entries count as 0 (importance is a magnitude). If nothing is left
    (all zero), every token gets weight 1, which is the unweighted mean.
    """
    count = len(raw)
    cleaned = [x if math.isfinite(x) and x > 0 else 0.0 for x in raw]
    total = math.fsum(cleaned)
    if count == 0 or not math.isfinite(total) or total <= 0.0:
        return [1.0] * count
    return [x * count / total for x in cleaned]


def candidate_score(
    logprobs: Sequence[float], entropies: Sequence[float], weights: Sequence[float], lam: float
) -> tuple[float, float, float]:
    """(H_bar, l_bar, score) for one candidate; weights are expected to sum to T already."""
    count = len(logprobs)
    if not count == len(entropies) == len(weights):
        raise ValueError(
            f"lengths differ: {count} logprobs, {len(entropies)} entropies, {len(weights)} weights"
        )
    if count == 0:
        # Nothing generated: nothing to be confident about, so it must never outrank a real answer.
        return 0.0, 0.0, math.inf
    weighted_entropy = math.fsum(w * h for w, h in zip(weights, entropies, strict=True)) / count
    mean_logprob = math.fsum(logprobs) / count
    score = lam * weighted_entropy - (1.0 - lam) * mean_logprob
    return weighted_entropy, mean_logprob, score if math.isfinite(score) else math.inf


class TokenWeightScorer:
    """w_t = T · a_t·g_t / Σ_t' a_t'·g_t' over the generated tokens, from one forward pass of the
    transformers model on prompt + completion.

    g_t = ‖∂L/∂z_t‖₂ where L = -Σ_t log p(y_t | prefix) is the NLL of the candidate's tokens and z_t the
    logits that predict y_t. Only the logits need a gradient, so the model itself runs without autograd.

    a_t = attention received by y_t: for every layer and head, the mean attention that the positions
    allowed to see y_t (y_t itself and every later token) pay to it; then averaged uniformly over heads
    and layers. Averaging over the attending positions rather than summing them matters under a causal
    mask: the sum grows with the number of later tokens and would simply rank early tokens first.

    Needs ``attn_implementation="eager"`` (SDPA/flash kernels never materialize attention weights):
    load a dedicated copy with ``TokenWeightScorer.from_source`` rather than switching a model another
    component is serving from. The prompt is rendered with the tokenizer's chat template, as a
    transformers-based backend does.
    """

    weighting = TokenWeighting.ATTENTION_GRADIENT

    def __init__(self, model: Any, tokenizer: Any) -> None:
        implementation = getattr(model.config, "_attn_implementation", None)
        if implementation != "eager":
            raise FailedPrecondition(
                f"token weights need attention probabilities; the model uses {implementation!r} attention, "
                "load it with attn_implementation='eager'"
            )
        self.model = model
        self.tokenizer = tokenizer
        # Forward hooks are per model, so two concurrent scorings would mix their attentions.
        self._lock = threading.Lock()

    @classmethod
    def from_source(cls, source: Any) -> TokenWeightScorer:
        from autochem.inference.models import load_causal_lm, load_tokenizer

        return cls(load_causal_lm(source, attn_implementation="eager"), load_tokenizer(source))

    def prompt_token_ids(self, messages: Sequence[ChatMessage]) -> list[int]:
        rendered = self.tokenizer.apply_chat_template(
            [{"role": m.role, "content": m.content} for m in messages],
            add_generation_prompt=True,
            tokenize=False,
        )
        return list(self.tokenizer(rendered, add_special_tokens=False)["input_ids"])

    async def token_weights(
        self, messages: Sequence[ChatMessage], completion_token_ids: Sequence[int]
    ) -> list[float]:
        """Weights for the completion's tokens (len == len(completion_token_ids), sum == T), off the event loop."""
        return await asyncio.to_thread(self.token_weights_sync, messages, completion_token_ids)

    def token_weights_sync(
        self, messages: Sequence[ChatMessage], completion_token_ids: Sequence[int]
    ) -> list[float]:
        if not completion_token_ids:
            return []
        with self._lock:
            raw = self._raw_importance(self.prompt_token_ids(messages), list(completion_token_ids))
        return normalize_token_weights(raw)

    def _raw_importance(self, prompt_ids: list[int], completion_ids: list[int]) -> list[float]:
        import torch

        prompt_len, completion_len = len(prompt_ids), len(completion_ids)
        if prompt_len == 0:
            raise InvalidArgument(
                "prompt", "renders to no tokens; the first completion token has no predictor"
            )
        device = next(self.model.parameters()).device
        input_ids = torch.tensor([prompt_ids + completion_ids], device=device)
        seq_len = prompt_len + completion_len

        # Reduce each layer's (heads, S, S) attention to the completion columns as soon as it exists,
        # so memory stays at one layer's attention rather than all of them.
        received_sum = torch.zeros(completion_len, dtype=torch.float64)
        layers_seen = 0
        # How many query positions can see completion position k (itself and all later ones).
        attending_queries = torch.arange(completion_len, 0, -1, dtype=torch.float64)

        def collect(_module, _inputs, output):
            nonlocal received_sum, layers_seen
            weights = output[1] if isinstance(output, tuple) and len(output) > 1 else None
            if weights is None:
                raise FailedPrecondition("the attention layer returned no attention weights (not eager?)")
            # Rows (queries) before prompt_len cannot see completion columns: causal mask gives 0 there.
            columns = weights[0, :, prompt_len:, prompt_len:].detach().to(torch.float64)  # heads, q, k
            per_head = columns.sum(dim=1) / attending_queries  # heads, k: mean over attending queries
            received_sum = received_sum + per_head.mean(dim=0).cpu()
            layers_seen += 1

        attention_modules = [m for name, m in self.model.named_modules() if name.endswith("self_attn")]
        if not attention_modules:
            raise FailedPrecondition("no self_attn modules found in the model")
        handles = [m.register_forward_hook(collect) for m in attention_modules]
        try:
            with torch.no_grad():
                # logits at position p predict token p+1: the T completion tokens are predicted by the
                # T positions ending one before the last, i.e. the last T+1 positions minus the final one.
                output = self.model(input_ids=input_ids, use_cache=False, logits_to_keep=completion_len + 1)
        finally:
            for handle in handles:
                handle.remove()
        predicting_logits = output.logits[0, :-1].detach().to(torch.float32)
        if predicting_logits.shape[0] != completion_len or layers_seen == 0:
            raise FailedPrecondition(f"unexpected model output for a {seq_len}-token sequence")

        with torch.enable_grad():
            logits = predicting_logits.clone().requires_grad_(True)
            targets = torch.tensor(completion_ids, device=logits.device)
            nll = torch.nn.functional.cross_entropy(logits, targets, reduction="sum")
            (logit_grad,) = torch.autograd.grad(nll, logits)
        gradient_magnitude = logit_grad.norm(dim=-1).to(torch.float64).cpu()
        attention_received = received_sum / layers_seen
        return (attention_received * gradient_magnitude).tolist()


# ---------------------------------------------------------------------------------------------------
# Answer extraction

_MINUS_SIGN = "\u2212"  # what typeset text uses instead of "-"
_NUMBER = (
    rf"[-+{_MINUS_SIGN}]?(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|[-+{_MINUS_SIGN}]?\.\d+"
)
_UNIT_PREFIX = r"(?:[kMGmµμc])?"  # no "n": "2nd" would read as 2 nano-days
_UNIT_BASE = (
    r"(?:°\s?[CFK]|deg\s?[CFK]|K|Pa|bar[ag]?|atm|psi[ag]?|mmHg|torr|g|t|lbs?|mol|mole|moles|m|L|l|gal|ft"
    r"|s|min|h|hr|hrs|d|J|cal|BTU|Btu|W|Wh|Hz|rpm|gpm|ppm|ppb|M|wt%|mol%|vol%|%)"
)
_UNIT_POWER = r"(?:\^?[23]|[²³])?"
_UNIT_ATOM = _UNIT_PREFIX + _UNIT_BASE + _UNIT_POWER
# Case-insensitive: answers are compared lower-cased anyway, and models write "KPA" as often as "kPa".
_UNIT = rf"(?i:{_UNIT_ATOM}(?:\s?[/·*]\s?{_UNIT_ATOM})*)"
# A number not glued to a word before it (so "CO2", "R-101", "v1.2" are not numbers), then a unit that
# ends at a word boundary, or nothing and no letter right after ("2nd" is not a number either).
_QUANTITY_RE = re.compile(
    rf"(?<![\w.\-{_MINUS_SIGN}])(?P<number>{_NUMBER})(?:\s?(?P<unit>{_UNIT})(?![\w%])|(?!\w|\.\d))"
)
_ANSWER_LINE_RE = re.compile(
    r"^[\s>#*_-]*(?:the\s+)?(?:final\s+)?answer\s*(?:is)?\s*[*_]*\s*[:\uff1a=-]\s*[*_]*\s*(?P<answer>.*\S)",
    re.I | re.M,
)
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+|\n+")
# Stripped from both ends of an answer; brackets are not, since "350 K (77 °C)" must keep its ")".
_DECORATION = " \t\"'`*_$.,;:!?"


def _normalize_number(text: str) -> str:
    """'1,000.50' → '1000.5', '2.0' → '2', '1e3' → '1000', U+2212 minus → '-'."""
    cleaned = text.replace(",", "").replace(_MINUS_SIGN, "-").lstrip("+")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return cleaned
    if value == 0:
        return "0"
    formatted = format(value.normalize(), "f")
    return formatted


def _normalize_unit(unit: str) -> str:
    unit = re.sub(r"\s+", "", unit)
    unit = re.sub(r"^deg", "°", unit, flags=re.I)
    return unit.replace("²", "2").replace("³", "3").replace("^", "").replace("μ", "µ").lower()


def _normalize_quantity(match: re.Match[str]) -> str:
    number = _normalize_number(match.group("number"))
    unit = match.group("unit")
    return f"{number} {_normalize_unit(unit)}" if unit else number


def normalize_answer_text(text: str) -> str:
    """Lower case, single spaces, numbers in canonical form, no surrounding markup or final period."""
    text = text.strip().strip(_DECORATION)
    text = _QUANTITY_RE.sub(_normalize_quantity, text)
    return re.sub(r"\s+", " ", text).lower().strip(_DECORATION)


def _answer_from_span(span: str) -> str:
    """A stated answer that holds exactly one number reduces to that quantity ('about 350 K.' → '350 k')."""
    quantities = list(_QUANTITY_RE.finditer(span))
    if len(quantities) == 1:
        return _normalize_quantity(quantities[0])
    return normalize_answer_text(span)


def extract_answer(text: str) -> str:
    """The final answer a text commits to, normalized so equal answers compare equal.

    In order: the last "Answer: ..." line; else the last number carrying a unit anywhere; else the last
    sentence (reduced to its number when it holds exactly one). "" for a text with none of these.
    """
    answer_lines = [m.group("answer") for m in _ANSWER_LINE_RE.finditer(text)]
    answer_lines = [a for a in answer_lines if a.strip(_DECORATION)]
    if answer_lines:
        return _answer_from_span(answer_lines[-1])
    with_unit = [m for m in _QUANTITY_RE.finditer(text) if m.group("unit")]
    if with_unit:
        return _normalize_quantity(with_unit[-1])
    sentences = [s for s in _SENTENCE_SPLIT_RE.split(text) if s.strip(_DECORATION)]
    if not sentences:
        return ""
    return _answer_from_span(sentences[-1])


# ---------------------------------------------------------------------------------------------------
# Voting


@dataclass(frozen=True)
class Ballot:
    """One text in the consensus pool: a kept original or a revision of one."""

    answer: str
    score: float  # a revision carries the score of the original it revises
    text: str
    candidate_index: int
    is_revision: bool = False


@dataclass(frozen=True)
class VoteOutcome:
    answer: str
    votes: dict[str, int] = field(default_factory=dict)
    chosen: Ballot | None = None


def _ballot_rank(ballot: Ballot) -> tuple[float, int, int]:
    # Best score first; for one trajectory, its revision before the original (that is what revising is
    # for); then sampling order, so the outcome never depends on dict or set ordering.
    return (ballot.score, 0 if ballot.is_revision else 1, ballot.candidate_index)


def majority_vote(ballots: Sequence[Ballot]) -> VoteOutcome:
    """The most frequent non-empty answer; ties go to the answer with the best-scoring ballot.

    ``chosen`` is the best-ranked ballot with the winning answer. Texts with no extractable answer do
    not vote; if none can, the best-ranked ballot overall is chosen and the answer is "".
    """
    voting = [b for b in ballots if b.answer]
    votes: dict[str, int] = {}
    for ballot in voting:
        votes[ballot.answer] = votes.get(ballot.answer, 0) + 1
    if not voting:
        chosen = min(ballots, key=_ballot_rank) if ballots else None
        return VoteOutcome(answer="", votes={}, chosen=chosen)
    best_by_answer = {
        answer: min((b for b in voting if b.answer == answer), key=_ballot_rank) for answer in votes
    }
    winner = min(votes, key=lambda answer: (-votes[answer], _ballot_rank(best_by_answer[answer])))
    return VoteOutcome(answer=winner, votes=votes, chosen=best_by_answer[winner])


# ---------------------------------------------------------------------------------------------------
# The procedure


def _sub_request(
    parent: GenerationRequest,
    messages: tuple[ChatMessage, ...],
    options: TtsOptions,
    seed: int,
    suffix: str,
    logprobs: bool,
) -> GenerationRequest:
    params = SamplingParams(
        max_new_tokens=options.max_new_tokens,
        temperature=options.temperature,
        top_p=parent.params.top_p,
        top_k=parent.params.top_k,
        seed=seed,
        stop=parent.params.stop,
        decoding=Decoding.SAMPLE,
        logprobs=logprobs,
    )
    return GenerationRequest(
        messages=messages,
        params=params,
        model_version=parent.model_version,
        request_id=f"{parent.request_id}-{suffix}",
    )


async def _generate_all(
    backend: GenerationBackend, requests: Sequence[GenerationRequest]
) -> list[GenerationResult]:
    """Run the requests concurrently (batching backends gain from it); one failure cancels the rest.

    Not a TaskGroup: that would wrap the backend's InvalidArgument/ResourceExhausted in an
    ExceptionGroup, and callers map the plain error types to status codes.
    """
    tasks = [asyncio.ensure_future(backend.generate(r)) for r in requests]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


def _aligned_signals(result: GenerationResult, index: int) -> tuple[list[float], list[float]]:
    if result.logprobs is None or result.entropies is None:
        raise FailedPrecondition(
            f"candidate {index}: the backend returned no logprobs/entropies (logprobs=True)"
        )
    if not len(result.logprobs) == len(result.entropies) == len(result.token_ids):
        raise FailedPrecondition(
            f"candidate {index}: {len(result.token_ids)} tokens but {len(result.logprobs)} logprobs "
            f"and {len(result.entropies)} entropies"
        )
    return list(result.logprobs), list(result.entropies)


async def run_test_time_scaling(
    backend: GenerationBackend,
    request: GenerationRequest,
    options: TtsOptions,
    scorer: TokenWeightScorer | None = None,
) -> TtsResult:
    """Sample ``options.n`` chain-of-thought candidates, keep the ``top_k`` best by score, critique and
    revise them (when ``options.revise``), and majority-vote over the answers of the kept originals and
    their revisions (the consensus pool is top-K plus their revisions, as in the method's description).
    """
    request.validate()
    options.validate()
    base_seed = options.seed if options.seed is not None else secrets.randbelow(_SEED_MODULUS)
    weighting = TokenWeighting.ATTENTION_GRADIENT if scorer is not None else TokenWeighting.UNIFORM

    cot_messages = _with_instruction(request, CHAIN_OF_THOUGHT_INSTRUCTION)
    candidate_seeds = [derive_seed(base_seed, _CANDIDATE_STREAM + i) for i in range(options.n)]
    candidate_requests = [
        _sub_request(request, cot_messages, options, seed, f"tts-candidate-{i}", logprobs=True)
        for i, seed in enumerate(candidate_seeds)
    ]
    results = await _generate_all(backend, candidate_requests)

    candidates: list[TtsCandidate] = []
    for index, result in enumerate(results):
        logprobs, entropies = _aligned_signals(result, index)
        if scorer is not None and result.token_ids:
            weights = normalize_token_weights(await scorer.token_weights(cot_messages, result.token_ids))
            if len(weights) != len(logprobs):
                raise FailedPrecondition(
                    f"candidate {index}: scorer gave {len(weights)} weights for {len(logprobs)} tokens"
                )
        else:
            weights = [1.0] * len(logprobs)
        weighted_entropy, mean_logprob, score = candidate_score(logprobs, entropies, weights, options.lam)
        candidates.append(
            TtsCandidate(
                text=result.text,
                weighted_entropy=weighted_entropy,
                mean_logprob=mean_logprob,
                score=score,
                kept=False,
                revised_text=None,
                answer=extract_answer(result.text),
                token_count=len(result.token_ids),
                seed=candidate_seeds[index],
            )
        )

    ranked = sorted(range(len(candidates)), key=lambda i: (candidates[i].score, i))
    kept_indices = sorted(ranked[: options.top_k])
    for i in kept_indices:
        candidates[i].kept = True

    if options.revise:
        await _critique_and_revise(backend, request, options, base_seed, candidates, kept_indices)

    ballots: list[Ballot] = []
    for i in kept_indices:
        candidate = candidates[i]
        ballots.append(Ballot(candidate.answer, candidate.score, candidate.text, i))
        if candidate.revised_text is not None:
            ballots.append(
                Ballot(candidate.revised_answer or "", candidate.score, candidate.revised_text, i, True)
            )
    outcome = majority_vote(ballots)
    return TtsResult(
        candidates=candidates,
        answer=outcome.answer,
        votes=outcome.votes,
        chosen_text=outcome.chosen.text if outcome.chosen else "",
        weighting=weighting,
        seed=base_seed,
    )


async def _critique_and_revise(
    backend: GenerationBackend,
    request: GenerationRequest,
    options: TtsOptions,
    base_seed: int,
    candidates: list[TtsCandidate],
    kept_indices: Sequence[int],
) -> None:
    question = _question_text(request)
    critique_requests = [
        _sub_request(
            request,
            _critique_messages(question, candidates[i].text),
            options,
            derive_seed(base_seed, _CRITIQUE_STREAM + i),
            f"tts-critique-{i}",
            logprobs=False,
        )
        for i in kept_indices
    ]
    critiques = await _generate_all(backend, critique_requests)
    revision_requests = [
        _sub_request(
            request,
            _revision_messages(question, candidates[i].text, critique.text),
            options,
            derive_seed(base_seed, _REVISION_STREAM + i),
            f"tts-revision-{i}",
            logprobs=False,
        )
        for i, critique in zip(kept_indices, critiques, strict=True)
    ]
    revisions = await _generate_all(backend, revision_requests)
    for i, critique, revision in zip(kept_indices, critiques, revisions, strict=True):
        candidates[i].critique = critique.text
        candidates[i].revised_text = revision.text
        candidates[i].revised_answer = extract_answer(revision.text)
