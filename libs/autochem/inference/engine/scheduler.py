"""The serving engine: continuous batching over the paged KV cache, on one scheduler thread.

Each ``step()``: run queued jobs (e.g. scoring), drop cancelled sequences, admit waiting ones while a batch
slot and their worst-case KV blocks are available (FIFO), prefill each newly admitted sequence (reusing any
cached prefix blocks), then run ONE batched decode forward for every running sequence that decodes normally
and one lookahead step per lookahead sequence; tokens go out through each sequence's sink, and finished or
cancelled sequences give their blocks back at once.

Admission reserves blocks for prompt + max_new_tokens (plus one copy-on-write spare) so a running sequence can
never run out of blocks mid-generation: no preemption or recomputation is needed, and the reservation is
still far smaller than a contiguous max-context allocation per sequence. Blocks are taken lazily, so the
free-block count shows what is really in use.

The thread owns all model and cache state; other threads only append to the waiting queue, set cancel flags
and enqueue jobs under a lock, then wake the thread. Sinks are called on the scheduler thread and must be
quick (the backend posts to an asyncio loop with call_soon_threadsafe).
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field

import torch

from autochem.errors import InvalidArgument, ResourceExhausted
from autochem.inference.api import Decoding, FinishReason, SamplingParams, TokenEvent
from autochem.inference.engine.kv_quant import (
    KV_MODES,
    calibration_ids,
    make_engine_codec,
    n_outlier_channels,
    select_outlier_channels,
)
from autochem.inference.engine.lookahead import (
    DEFAULT_MAX_CANDIDATES,
    DEFAULT_NGRAM,
    DEFAULT_WINDOW,
    LookaheadState,
)
from autochem.inference.engine.model import PagedLlama, kv_sample
from autochem.inference.engine.paged_cache import PagedKVCache
from autochem.inference.engine.sampling import logprobs_and_entropies, make_generator, sample_token
from autochem.inference.engine.weights import LlamaWeights

log = logging.getLogger(__name__)


@dataclass
class Finished:
    """The last thing a sink receives for a sequence (after its last TokenEvent)."""

    finish_reason: FinishReason
    token_ids: list[int]
    text: str
    prompt_tokens: int
    forward_passes: int
    logprobs: list[float] | None
    entropies: list[float] | None


Sink = Callable[[TokenEvent | Finished | BaseException], None]


@dataclass(eq=False)
class SequenceState:
    seq_id: int
    prompt_ids: list[int]
    params: SamplingParams
    sink: Sink
    max_new: int
    tokens: list[int] = field(
        default_factory=list
    )  # prompt + generated; the last one is pending (no K/V yet)
    n_cached: int = 0  # leading tokens whose K/V is in the pool
    block_table: list[int] = field(default_factory=list)
    digests: list[bytes] = field(default_factory=list)
    block_budget: int = 0  # blocks reserved at admission
    blocks_taken: int = 0  # blocks this sequence allocated (not counting shared prefix blocks)
    generator: torch.Generator | None = None
    logprobs: list[float] | None = None
    entropies: list[float] | None = None
    text: str = ""  # text emitted so far
    cancelled: bool = False
    finish_reason: FinishReason | None = None
    forward_passes: int = 0
    lookahead: LookaheadState | None = None

    @property
    def generated(self) -> list[int]:
        return self.tokens[len(self.prompt_ids) :]

    @property
    def outstanding_reservation(self) -> int:
        return max(0, self.block_budget - self.blocks_taken)


class PagedEngine:
    """Continuous-batching engine over a LlamaWeights + paged KV cache.

    Give the KV pool size as ``num_blocks`` or as ``kv_budget_bytes`` (the pool gets as many blocks as fit).
    ``kv_mode`` int8/int4 quantizes the KV cache (kv_quant.make_engine_codec; ``kv_group_size`` None = the
    mode's measured default).
    """

    def __init__(
        self,
        weights: LlamaWeights,
        tokenizer,
        *,
        kv_mode: str = "fp32",
        block_size: int = 16,
        num_blocks: int | None = None,
        kv_budget_bytes: int | None = None,
        max_batch: int = 8,
        kv_group_size: int | None = None,
        eos_token_ids: tuple[int, ...] = (),
        device: str = "cpu",
        lookahead_window: int = DEFAULT_WINDOW,
        lookahead_ngram: int = DEFAULT_NGRAM,
        lookahead_candidates: int = DEFAULT_MAX_CANDIDATES,
    ) -> None:
        if block_size < 1 or max_batch < 1:
            raise ValueError("block_size and max_batch must be positive")
        self.weights = weights
        self.tokenizer = tokenizer
        self.max_batch = max_batch
        self.device = device
        self.eos_token_ids = frozenset(eos_token_ids)
        self.lookahead_defaults = (lookahead_window, lookahead_ngram, lookahead_candidates)
        if kv_mode not in KV_MODES:
            raise ValueError(f"kv_mode must be one of {KV_MODES}, not {kv_mode!r}")
        outliers = None
        if kv_mode != "fp32":  # pick the float16 outlier channels once (one ~150-token forward)
            sample = kv_sample(weights, calibration_ids(tokenizer, weights.vocab_size))
            outliers = select_outlier_channels(sample, n_outlier_channels(weights.head_dim)).to(device)
        codec = make_engine_codec(kv_mode, weights.head_dim, outliers, kv_group_size)
        if num_blocks is None:
            if kv_budget_bytes is None:
                raise ValueError("give num_blocks or kv_budget_bytes")
            num_blocks = PagedKVCache.blocks_for_budget(
                kv_budget_bytes, codec, weights.n_layers, weights.n_kv_heads, block_size
            )
        self.cache = PagedKVCache(
            codec, weights.n_layers, weights.n_kv_heads, block_size, int(num_blocks), device
        )
        self.model = PagedLlama(weights, self.cache)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._waiting: deque[SequenceState] = deque()
        self._jobs: deque[tuple[Callable[[], object], Future]] = deque()
        self._running: list[SequenceState] = []
        self._thread: threading.Thread | None = None
        self._stop = False

    # --- counters (read from any thread; approximate while the thread runs) ----------------------------

    @property
    def num_running(self) -> int:
        return len(self._running)

    @property
    def num_waiting(self) -> int:
        return len(self._waiting)

    @property
    def num_in_flight(self) -> int:
        return len(self._running) + len(self._waiting)

    @property
    def num_free_blocks(self) -> int:
        return self.cache.allocator.num_free

    @property
    def num_blocks(self) -> int:
        return self.cache.num_blocks

    def stats(self) -> dict[str, int]:
        return {
            "running": self.num_running,
            "waiting": self.num_waiting,
            "in_flight": self.num_in_flight,
            "free_blocks": self.num_free_blocks,
            "total_blocks": self.num_blocks,
            "block_size": self.cache.block_size,
        }

    # --- submission ------------------------------------------------------------------------------------

    def submit(self, prompt_ids: list[int], params: SamplingParams, sink: Sink) -> SequenceState:
        """Queue a sequence; raises InvalidArgument for a prompt beyond the context, ResourceExhausted if its
        worst case can never fit the pool."""
        params.validate()
        if not prompt_ids:
            raise InvalidArgument("prompt", "tokenizes to no tokens")
        max_ctx = self.weights.max_positions
        if len(prompt_ids) >= max_ctx:
            raise InvalidArgument(
                "prompt", f"{len(prompt_ids)} tokens; the model's context is {max_ctx} tokens"
            )
        max_new = min(params.max_new_tokens, max_ctx - len(prompt_ids))
        seq = SequenceState(
            seq_id=next(self._ids), prompt_ids=list(prompt_ids), params=params, sink=sink, max_new=max_new
        )
        seq.block_budget = self.cache.blocks_needed(len(prompt_ids) + max_new) + 1
        if seq.block_budget > self.cache.num_blocks:
            raise ResourceExhausted(
                f"request needs up to {seq.block_budget} KV blocks; the pool has {self.cache.num_blocks}"
            )
        with self._lock:
            self._waiting.append(seq)
        self._wake.set()
        return seq

    def cancel(self, seq: SequenceState) -> None:
        """Takes effect at the next step: the sequence's blocks are freed then."""
        seq.cancelled = True
        self._wake.set()

    def run_job(self, fn: Callable[[], object]) -> Future:
        """Run ``fn`` on the scheduler thread between steps (model state is not thread-safe)."""
        fut: Future = Future()
        with self._lock:
            self._jobs.append((fn, fut))
        self._wake.set()
        return fut

    # --- thread ----------------------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._stop = False
            self._thread = threading.Thread(target=self._loop, name="paged-engine", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _loop(self) -> None:
        while not self._stop:
            if not self.has_work():
                self._wake.wait(0.5)
                self._wake.clear()
                continue
            self.step()
        for seq in list(self._running) + list(self._waiting):
            self._finish(seq, FinishReason.CANCELLED)
        self._waiting.clear()

    def has_work(self) -> bool:
        return bool(self._running or self._waiting or self._jobs)

    def run_until_idle(self) -> None:
        """Step on the calling thread until nothing is left (tests and benchmarks without the thread)."""
        while self.has_work():
            self.step()

    # --- one scheduler iteration -----------------------------------------------------------------------

    def step(self) -> None:
        with self._lock:
            jobs = list(self._jobs)
            self._jobs.clear()
        for fn, fut in jobs:
            if fut.set_running_or_notify_cancel():
                try:
                    fut.set_result(fn())
                except BaseException as exc:  # delivered to the caller through the future
                    fut.set_exception(exc)
        for seq in [s for s in self._running if s.cancelled]:
            self._finish(seq, FinishReason.CANCELLED)
        admitted = self._admit()
        try:
            for seq in admitted:
                self._prefill(seq)
            lookahead = [s for s in self._running if s.lookahead is not None and s.finish_reason is None]
            plain = [
                s
                for s in self._running
                if s.lookahead is None and s.finish_reason is None and s not in admitted
            ]
            if plain:
                self._decode(plain)
            for seq in lookahead:
                if seq not in admitted:
                    self._lookahead_step(seq)
        except Exception as exc:  # a bug or OOM in the forward: fail the batch, keep serving
            log.exception("engine step failed")
            for seq in list(self._running):
                self._fail(seq, exc)

    def _admit(self) -> list[SequenceState]:
        admitted: list[SequenceState] = []
        with self._lock:
            while self._waiting and self._waiting[0].cancelled:
                self._finish(self._waiting.popleft(), FinishReason.CANCELLED)
            while self._waiting and len(self._running) < self.max_batch:
                seq = self._waiting[0]
                if seq.cancelled:
                    self._finish(self._waiting.popleft(), FinishReason.CANCELLED)
                    continue
                table, digests = self.cache.take_prefix(seq.prompt_ids)
                outstanding = sum(s.outstanding_reservation for s in self._running)
                if self.cache.allocator.num_free - outstanding < seq.block_budget - len(table):
                    self.cache.free(table)
                    break
                self._waiting.popleft()
                seq.block_table, seq.digests = table, digests
                seq.block_budget -= len(table)
                seq.n_cached = len(table) * self.cache.block_size
                seq.tokens = list(seq.prompt_ids)
                seq.generator = make_generator(seq.params)
                if seq.params.logprobs:
                    seq.logprobs, seq.entropies = [], []
                if seq.params.decoding is Decoding.LOOKAHEAD:
                    win, ngram, cands = self.lookahead_defaults
                    seq.lookahead = LookaheadState(
                        seq.prompt_ids,
                        seq.params.lookahead_window or win,
                        seq.params.lookahead_ngram or ngram,
                        cands,
                    )
                self._running.append(seq)
                admitted.append(seq)
        return admitted

    # --- forward helpers -------------------------------------------------------------------------------

    def _reserve_slots(self, seq: SequenceState, start: int, end: int) -> torch.Tensor:
        """Blocks for positions [start, end) (copying shared ones first) and their slot ids."""
        before = len(seq.block_table)
        self.cache.ensure_capacity(seq.block_table, end)
        seq.blocks_taken += len(seq.block_table) - before
        copied_before = list(seq.block_table)
        self.cache.make_writable(seq.block_table, start, end)
        seq.blocks_taken += sum(a != b for a, b in zip(copied_before, seq.block_table, strict=True))
        return self.cache.slot_ids(seq.block_table, start, end)

    def _context(self, seqs: list[SequenceState], n_new: int):
        """Padded context slots [B, C] and the [B, 1, n_new, C] validity part of the attention mask."""
        lengths = [s.n_cached for s in seqs]
        longest = max(lengths)
        if longest == 0:
            return None, None
        slots = torch.zeros(len(seqs), longest, dtype=torch.long)
        valid = torch.zeros(len(seqs), longest, dtype=torch.bool)
        for b, s in enumerate(seqs):
            if s.n_cached:
                slots[b, : s.n_cached] = self.cache.slot_ids(s.block_table, 0, s.n_cached)
                valid[b, : s.n_cached] = True
        return slots, valid[:, None, None, :].expand(len(seqs), 1, n_new, longest)

    def _prefill(self, seq: SequenceState) -> None:
        start, end = seq.n_cached, len(seq.tokens)
        n_new = end - start
        write_slots = self._reserve_slots(seq, start, end)
        ctx_slots, ctx_mask = self._context([seq], n_new)
        if ctx_slots is None:
            mask = None
        else:
            causal = torch.ones(n_new, n_new, dtype=torch.bool).tril()
            mask = torch.cat((ctx_mask, causal.expand(1, 1, n_new, n_new)), dim=-1)
        ids = torch.tensor([seq.tokens[start:end]])
        pos = torch.arange(start, end)[None, :]
        logits, new_kv = self.model.forward(ids, pos, ctx_slots, mask, torch.tensor([n_new - 1]))
        self.cache.write(write_slots, tuple(t[:, 0] for t in new_kv))
        seq.n_cached = end
        seq.forward_passes += 1
        self.cache.register_full_blocks(seq.block_table, seq.digests, seq.tokens, seq.n_cached)
        token = sample_token(logits[0], seq.params, seq.generator)
        self._accept(seq, [token], logits[:1])

    def _decode(self, seqs: list[SequenceState]) -> None:
        write_slots = torch.cat([self._reserve_slots(s, s.n_cached, s.n_cached + 1) for s in seqs])
        ctx_slots, ctx_mask = self._context(seqs, 1)
        mask = None
        if ctx_mask is not None and any(s.n_cached != ctx_slots.shape[1] for s in seqs):
            mask = torch.cat((ctx_mask, torch.ones(len(seqs), 1, 1, 1, dtype=torch.bool)), dim=-1)
        ids = torch.tensor([[s.tokens[-1]] for s in seqs])
        pos = torch.tensor([[s.n_cached] for s in seqs])
        logits, new_kv = self.model.forward(ids, pos, ctx_slots, mask, None)
        self.cache.write(write_slots, tuple(t[:, :, 0] for t in new_kv))
        all_greedy = all(s.params.greedy for s in seqs)
        greedy_tokens = torch.argmax(logits, dim=-1).tolist() if all_greedy else None
        for b, s in enumerate(seqs):
            s.n_cached += 1
            s.forward_passes += 1
            self.cache.register_full_blocks(s.block_table, s.digests, s.tokens, s.n_cached)
            token = greedy_tokens[b] if greedy_tokens else sample_token(logits[b], s.params, s.generator)
            self._accept(s, [token], logits[b : b + 1])

    def _lookahead_step(self, seq: SequenceState) -> None:
        state = seq.lookahead
        p = seq.n_cached
        x = seq.tokens[-1]
        cands = state.candidates(x)
        remaining = seq.max_new - len(seq.generated)
        if p + state.window + state.ngram > self.weights.max_positions or remaining <= 1:
            self._decode([seq])
            return
        ids, pos, branch_mask = state.build(x, p, cands)
        n_new = len(ids)
        ctx_slots, ctx_mask = self._context([seq], n_new)
        mask = branch_mask[None, None]
        if ctx_mask is not None:
            mask = torch.cat((ctx_mask, mask), dim=-1)
        logits, new_kv = self.model.forward(torch.tensor([ids]), torch.tensor([pos]), ctx_slots, mask, None)
        greedy_out = torch.argmax(logits, dim=-1).tolist()
        tokens, rows = state.verify(greedy_out, cands)
        tokens, rows = tokens[:remaining], rows[:remaining]
        write_slots = self._reserve_slots(seq, p, p + len(rows))
        row_index = torch.tensor(rows)
        self.cache.write(write_slots, tuple(t[:, 0, row_index] for t in new_kv))
        seq.n_cached = p + len(rows)
        seq.forward_passes += 1
        self.cache.register_full_blocks(seq.block_table, seq.digests, seq.tokens + tokens, seq.n_cached)
        state.advance(greedy_out)
        self._accept(seq, tokens, logits[row_index] if seq.logprobs is not None else None)

    # --- token bookkeeping -----------------------------------------------------------------------------

    def _accept(self, seq: SequenceState, new_tokens: list[int], logit_rows: torch.Tensor | None) -> None:
        """Append tokens (stopping at EOS / length / stop string), stream their text, finish if done."""
        taken: list[int] = []
        reason: FinishReason | None = None
        for token in new_tokens:
            seq.tokens.append(token)
            taken.append(token)
            if token in self.eos_token_ids:
                reason = FinishReason.STOP
                break
            if len(seq.generated) >= seq.max_new:
                reason = FinishReason.LENGTH
                break
        lps = ents = None
        if seq.logprobs is not None and logit_rows is not None:
            lps, ents = logprobs_and_entropies(logit_rows[: len(taken)], taken)
            seq.logprobs.extend(lps)
            seq.entropies.extend(ents)
        full = self.tokenizer.decode(seq.generated, skip_special_tokens=True)
        stops = seq.params.stop
        if stops:
            horizon = max(0, len(seq.text) - max(len(s) for s in stops))
            cuts = [i for i in (full.find(s, horizon) for s in stops) if i >= 0]
            if cuts:
                full = full[: min(cuts)]
                reason = FinishReason.STOP
        visible = full
        if reason is None:
            if visible.endswith("\ufffd"):  # an incomplete multi-byte character: wait for the rest
                visible = visible.rstrip("\ufffd")
            for s in stops:  # hold back a tail that could still become a stop string
                for k in range(min(len(s) - 1, len(visible)), 0, -1):
                    if visible.endswith(s[:k]):
                        visible = visible[:-k]
                        break
        delta = visible[len(seq.text) :] if visible.startswith(seq.text) else ""
        seq.text = seq.text + delta
        seq.sink(TokenEvent(token_ids=taken, text=delta, logprobs=lps, entropies=ents))
        if reason is not None:
            seq.text = full
            self._finish(seq, reason)

    def _finish(self, seq: SequenceState, reason: FinishReason) -> None:
        if seq.finish_reason is not None:
            return
        seq.finish_reason = reason
        self.cache.free(seq.block_table)
        if seq in self._running:
            self._running.remove(seq)
        seq.sink(
            Finished(
                finish_reason=reason,
                token_ids=list(seq.generated),
                text=seq.text,
                prompt_tokens=len(seq.prompt_ids),
                forward_passes=seq.forward_passes,
                logprobs=seq.logprobs,
                entropies=seq.entropies,
            )
        )

    def _fail(self, seq: SequenceState, exc: BaseException) -> None:
        seq.finish_reason = FinishReason.CANCELLED
        self.cache.free(seq.block_table)
        if seq in self._running:
            self._running.remove(seq)
        seq.sink(exc)

    # --- scoring ---------------------------------------------------------------------------------------

    def score_continuation(self, context_ids: list[int], continuation_ids: list[int]) -> float:
        """Sum of log p(continuation tokens | context), one uncached forward (call on the engine thread)."""
        ids = context_ids + continuation_ids
        if len(ids) > self.weights.max_positions:
            raise InvalidArgument("prompt", "prompt + continuation exceed the model's context")
        n_ctx = len(context_ids)
        rows = torch.arange(n_ctx - 1, len(ids) - 1)
        logits, _ = self.model.forward(torch.tensor([ids]), torch.arange(len(ids))[None, :], None, None, rows)
        logp = torch.log_softmax(logits, dim=-1)
        return float(logp[torch.arange(len(continuation_ids)), torch.tensor(continuation_ids)].sum())
